// Label selectors (the string syntax of ?labelSelector= and the LabelSelector object
// of webhooks) and field selectors, with kube-apiserver's matching semantics.
import { fieldValue } from './resources.ts';
import type { ResourceDef } from './resources.ts';
import { badRequest } from './status.ts';
import type { KubeObject } from './types.ts';
import { isRecord } from './types.ts';

type Op = 'exists' | 'notexists' | 'in' | 'notin' | 'gt' | 'lt';

export interface Requirement {
  key: string;
  op: Op;
  values: string[];
}

export type LabelSelector = Requirement[];

const KEY = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?)?$/;

type Token = { kind: 'id'; text: string } | { kind: 'op'; text: string } | { kind: 'end' };

function tokenize(input: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < input.length) {
    const ch = input[i] ?? '';
    if (/\s/.test(ch)) {
      i += 1;
      continue;
    }
    const two = input.slice(i, i + 2);
    if (two === '==' || two === '!=') {
      tokens.push({ kind: 'op', text: two });
      i += 2;
    } else if ('=!(),<>'.includes(ch)) {
      tokens.push({ kind: 'op', text: ch });
      i += 1;
    } else {
      let j = i;
      while (j < input.length && !/[\s=!(),<>]/.test(input[j] ?? '')) j += 1;
      tokens.push({ kind: 'id', text: input.slice(i, j) });
      i = j;
    }
  }
  tokens.push({ kind: 'end' });
  return tokens;
}

/** Parses `a=b,c!=d,e in (x,y),f notin (z),g,!h,n>3`; throws a 400 ApiError on bad syntax. */
export function parseLabelSelector(input: string): LabelSelector {
  const tokens = tokenize(input);
  let pos = 0;
  const peek = (): Token => tokens[pos] ?? { kind: 'end' };
  const next = (): Token => tokens[pos++] ?? { kind: 'end' };
  const fail = (msg: string): never => {
    throw badRequest(`unable to parse requirement: ${msg}`);
  };
  const describe = (t: Token): string => (t.kind === 'end' ? '' : t.text);
  const checkKey = (key: string): void => {
    if (!KEY.test(key))
      fail(
        `<nil>: Invalid value: "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
      );
  };
  const checkValue = (value: string): void => {
    if (!VALUE.test(value))
      fail(
        `values[0][${value}]: Invalid value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character`,
      );
  };
  const reqs: Requirement[] = [];
  if (peek().kind === 'end') return reqs;
  for (;;) {
    let t = next();
    if (t.kind === 'op' && t.text === '!') {
      const key = next();
      if (key.kind !== 'id') return fail(`found '${describe(key)}', expected: identifier after '!'`);
      checkKey(key.text);
      reqs.push({ key: key.text, op: 'notexists', values: [] });
    } else if (t.kind === 'id') {
      const key = t.text;
      checkKey(key);
      t = peek();
      if (t.kind === 'end' || (t.kind === 'op' && t.text === ',')) {
        reqs.push({ key, op: 'exists', values: [] });
      } else if (t.kind === 'op' && ['=', '==', '!=', '<', '>'].includes(t.text)) {
        next();
        const v = peek();
        let value = '';
        if (v.kind === 'id') {
          value = v.text;
          next();
        }
        checkValue(value);
        if (t.text === '<' || t.text === '>') {
          if (!/^-?\d+$/.test(value)) fail(`for 'Gt', 'Lt' operators, the value must be an integer`);
          reqs.push({ key, op: t.text === '>' ? 'gt' : 'lt', values: [value] });
        } else {
          reqs.push({ key, op: t.text === '!=' ? 'notin' : 'in', values: [value] });
        }
      } else if (t.kind === 'id' && (t.text === 'in' || t.text === 'notin')) {
        next();
        const open = next();
        if (open.kind !== 'op' || open.text !== '(') return fail(`found '${describe(open)}', expected: '('`);
        const values: string[] = [];
        for (;;) {
          const v = next();
          if (v.kind === 'id') {
            checkValue(v.text);
            values.push(v.text);
            const sep = next();
            if (sep.kind === 'op' && sep.text === ')') break;
            if (sep.kind !== 'op' || sep.text !== ',') return fail(`found '${describe(sep)}', expected: ',' or ')'`);
          } else if (v.kind === 'op' && v.text === ')') {
            break;
          } else {
            return fail(`found '${describe(v)}', expected: ',', ')' or identifier`);
          }
        }
        if (values.length === 0) fail(`for 'in', 'notin' operators, values set can't be empty`);
        reqs.push({ key, op: t.text, values });
      } else {
        return fail(`found '${describe(t)}', expected: in, notin, =, ==, !=, gt, lt`);
      }
    } else {
      return fail(`found '${describe(t)}', expected: !, identifier, or 'end of string'`);
    }
    const sep = next();
    if (sep.kind === 'end') return reqs;
    if (sep.kind !== 'op' || sep.text !== ',') return fail(`found '${describe(sep)}', expected: ',' or 'end of string'`);
  }
}

export function matchesLabels(selector: LabelSelector, labels: Record<string, string> | undefined): boolean {
  const l = labels ?? {};
  return selector.every((r) => {
    const has = Object.hasOwn(l, r.key);
    const value = l[r.key] ?? '';
    switch (r.op) {
      case 'exists':
        return has;
      case 'notexists':
        return !has;
      case 'in':
        return has && r.values.includes(value);
      case 'notin':
        return !has || !r.values.includes(value);
      case 'gt':
      case 'lt': {
        if (!has || !/^-?\d+$/.test(value)) return false;
        const n = Number(value);
        const bound = Number(r.values[0]);
        return r.op === 'gt' ? n > bound : n < bound;
      }
    }
    return false;
  });
}

/**
 * A meta/v1 LabelSelector object ({matchLabels, matchExpressions}) as used by webhooks.
 * Returns undefined for an invalid selector so callers can decide how to fail.
 */
export function labelSelectorFromObject(value: unknown): LabelSelector | undefined {
  if (value === undefined || value === null) return [];
  if (!isRecord(value)) return undefined;
  const reqs: Requirement[] = [];
  if (isRecord(value.matchLabels)) {
    for (const [key, v] of Object.entries(value.matchLabels)) {
      if (typeof v !== 'string') return undefined;
      reqs.push({ key, op: 'in', values: [v] });
    }
  }
  if (Array.isArray(value.matchExpressions)) {
    for (const expr of value.matchExpressions) {
      if (!isRecord(expr) || typeof expr.key !== 'string') return undefined;
      const values = Array.isArray(expr.values) ? expr.values.filter((v): v is string => typeof v === 'string') : [];
      const ops: Record<string, Op> = { In: 'in', NotIn: 'notin', Exists: 'exists', DoesNotExist: 'notexists' };
      const op = typeof expr.operator === 'string' ? ops[expr.operator] : undefined;
      if (op === undefined) return undefined;
      reqs.push({ key: expr.key, op, values });
    }
  }
  return reqs;
}

export interface FieldRequirement {
  field: string;
  value: string;
  negate: boolean;
}

/** Parses `metadata.name=x,status.phase!=Running`; unknown fields are a 400 like the real server. */
export function parseFieldSelector(def: ResourceDef, input: string): FieldRequirement[] {
  const reqs: FieldRequirement[] = [];
  if (input.trim() === '') return reqs;
  for (const part of splitUnescaped(input, ',')) {
    const m = /^([^=!]+?)\s*(==|!=|=)\s*(.*)$/.exec(part.trim());
    if (m === null) throw badRequest(`invalid selector: '${input}'; can't understand '${part}'`);
    const field = m[1] ?? '';
    const probe: KubeObject = { metadata: {} };
    if (fieldValue(def, probe, field) === undefined) throw badRequest(`field label not supported: ${field}`);
    reqs.push({ field, value: unescapeValue(m[3] ?? ''), negate: m[2] === '!=' });
  }
  return reqs;
}

export function matchesFields(def: ResourceDef, reqs: FieldRequirement[], obj: KubeObject): boolean {
  return reqs.every((r) => (fieldValue(def, obj, r.field) === r.value) !== r.negate);
}

/** The exact name a field selector pins, used to authorize a list like a get. */
export function exactName(reqs: FieldRequirement[]): string | undefined {
  const r = reqs.find((x) => x.field === 'metadata.name' && !x.negate);
  return r?.value;
}

function splitUnescaped(input: string, sep: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < input.length; i += 1) {
    const ch = input[i] ?? '';
    if (ch === '\\' && i + 1 < input.length) {
      cur += ch + (input[i + 1] ?? '');
      i += 1;
    } else if (ch === sep) {
      out.push(cur);
      cur = '';
    } else {
      cur += ch;
    }
  }
  out.push(cur);
  return out;
}

function unescapeValue(value: string): string {
  return value.replace(/\\(.)/g, '$1');
}
