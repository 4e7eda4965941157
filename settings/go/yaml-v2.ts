// YAML as KFP reads it: sigs.k8s.io/yaml over gopkg.in/yaml.v2 (YAML 1.1). The npm `yaml`
// parser gives us the syntax tree; scalar resolution follows yaml.v2's resolve.go, not the
// npm library's, so `yes`, `0755`, `1_000` or `2001-12-14` mean what they mean to KFP.
import { LineCounter, isAlias, isMap, isScalar, isSeq, parseAllDocuments } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';

export type GoYaml =
  | { kind: 'null' }
  | { kind: 'bool'; value: boolean }
  | { kind: 'int'; value: bigint }
  | { kind: 'float'; value: number }
  | { kind: 'string'; value: string }
  | { kind: 'time'; value: string }
  | { kind: 'seq'; items: GoYaml[] }
  | { kind: 'map'; entries: Map<string, GoYamlEntry> };

/** A mapping entry; `key` is the key as written, `line` is 1-based in the YAML text. */
export interface GoYamlEntry {
  key: string;
  line: number;
  value: GoYaml;
}

export type YamlResult = { ok: true; value: GoYaml } | { ok: false; error: string };

const NULL: GoYaml = { kind: 'null' };
const MAX_DEPTH = 64;

/** Alias expansion accounting, as yaml.v2 does it (a "billion laughs" must fail, and fast). */
interface Budget {
  decodeCount: number;
  aliasCount: number;
  aliasDepth: number;
}

// yaml.v2's allowedAliasRatio: 99% of nodes may come from aliases in small documents, 10% in huge ones.
function allowedAliasRatio(decodeCount: number): number {
  if (decodeCount <= 400_000) return 0.99;
  if (decodeCount >= 4_000_000) return 0.1;
  return 0.99 - 0.89 * ((decodeCount - 400_000) / 3_600_000);
}

const TRUE_WORDS = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'true', 'True', 'TRUE']);
const FALSE_WORDS = new Set(['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF', 'false', 'False', 'FALSE']);
const NULL_WORDS = new Set(['', '~', 'null', 'Null', 'NULL']);
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

class YamlError extends Error {}

/** Parses `text` the way `yaml.Unmarshal` (sigs.k8s.io/yaml) would before JSON decoding. */
export function parseGoYaml(text: string): YamlResult {
  const lines = new LineCounter();
  let docs: Document.Parsed[];
  try {
    docs = parseAllDocuments(text, { version: '1.1', uniqueKeys: false, lineCounter: lines, merge: false }) as Document.Parsed[];
  } catch (e) {
    return { ok: false, error: `error converting YAML to JSON: yaml: ${String(e)}` };
  }
  if (!Array.isArray(docs)) return { ok: true, value: NULL };
  const first = docs[0];
  if (first === undefined) return { ok: true, value: NULL };
  const problem = first.errors[0];
  if (problem !== undefined) {
    const line = lines.linePos(problem.pos[0]).line;
    return { ok: false, error: `error converting YAML to JSON: yaml: line ${line}: ${libyamlWording(problem.code, problem.message)}` };
  }
  try {
    return { ok: true, value: convert(first.contents as YamlNode | null, first, lines, 0, { decodeCount: 0, aliasCount: 0, aliasDepth: 0 }) };
  } catch (e) {
    if (e instanceof YamlError) return { ok: false, error: `error converting YAML to JSON: ${e.message}` };
    throw e;
  }
}

// libyaml (what KFP runs) words errors differently from the npm parser; map the classes users hit.
function libyamlWording(code: string, message: string): string {
  switch (code) {
    case 'TAB_AS_INDENT':
      return 'found character that cannot start any token';
    case 'BLOCK_AS_IMPLICIT_KEY':
    case 'MULTILINE_IMPLICIT_KEY':
      return 'mapping values are not allowed in this context';
    case 'BAD_INDENT':
    case 'MISSING_CHAR':
      return 'did not find expected key';
    case 'MISSING_ANCHOR':
      return 'unknown anchor referenced';
    default:
      return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
  }
}

function convert(node: YamlNode | null, doc: Document.Parsed, lines: LineCounter, depth: number, budget: Budget): GoYaml {
  if (depth > MAX_DEPTH) throw new YamlError('yaml: exceeded max depth');
  budget.decodeCount++;
  if (budget.aliasDepth > 0) budget.aliasCount++;
  if (budget.aliasCount > 100 && budget.decodeCount > 1000 && budget.aliasCount / budget.decodeCount > allowedAliasRatio(budget.decodeCount)) {
    throw new YamlError('yaml: document contains excessive aliasing');
  }
  if (node === null || node === undefined) return NULL;
  if (isAlias(node)) {
    const target = node.resolve(doc);
    if (target === undefined) throw new YamlError(`yaml: unknown anchor '${node.source}' referenced`);
    budget.aliasDepth++;
    try {
      return convert(target as YamlNode, doc, lines, depth + 1, budget);
    } finally {
      budget.aliasDepth--;
    }
  }
  if (isScalar(node)) {
    const raw = typeof node.source === 'string' ? node.source : String(node.value ?? '');
    const plain = node.type === 'PLAIN' || node.type === undefined;
    return resolveScalar(raw, plain, node.tag);
  }
  if (isSeq(node)) {
    return { kind: 'seq', items: node.items.map((item) => convert(item as YamlNode, doc, lines, depth + 1, budget)) };
  }
  if (isMap(node)) {
    const entries = new Map<string, GoYamlEntry>();
    for (const pair of node.items) {
      const keyNode = pair.key as YamlNode | null;
      const value = convert(pair.value as YamlNode | null, doc, lines, depth + 1, budget);
      if (isScalar(keyNode) && keyNode.type === 'PLAIN' && keyNode.source === '<<') {
        mergeInto(entries, value);
        continue;
      }
      const key = mapKey(convert(keyNode, doc, lines, depth + 1, budget));
      const line = keyNode?.range ? lines.linePos(keyNode.range[0]).line : 0;
      entries.set(key, { key, line, value });
    }
    return { kind: 'map', entries };
  }
  throw new YamlError('yaml: unsupported node');
}

// yaml.v2 merges `<<: *anchor` key by key, in document order; a list of anchors is merged last to
// first, so the earlier maps win.
function mergeInto(entries: Map<string, GoYamlEntry>, value: GoYaml): void {
  const sources = value.kind === 'seq' ? [...value.items].reverse() : [value];
  for (const source of sources) {
    if (source.kind !== 'map') throw new YamlError('yaml: map merge requires map or sequence of maps as the value');
    for (const [key, entry] of source.entries) entries.set(key, entry);
  }
}

// sigs.k8s.io/yaml turns non-string keys into strings before JSON.
function mapKey(key: GoYaml): string {
  switch (key.kind) {
    case 'string':
      return key.value;
    case 'int':
      return key.value.toString();
    case 'float':
      return formatFloat32g(key.value);
    case 'bool':
      return key.value ? 'true' : 'false';
    case 'time':
      return key.value;
    default:
      throw new YamlError(`Unsupported map key of type: ${key.kind}`);
  }
}

function resolveScalar(raw: string, plain: boolean, tag: string | undefined): GoYaml {
  const shortTag = tag?.replace(/^tag:yaml\.org,2002:/, '!!');
  if (shortTag === '!!str') return { kind: 'string', value: raw };
  if (!plain && shortTag === undefined) return { kind: 'string', value: raw };
  return resolvePlain(raw);
}

/** yaml.v2 resolve() for an untagged plain scalar. */
export function resolvePlain(s: string): GoYaml {
  if (NULL_WORDS.has(s)) return NULL;
  if (TRUE_WORDS.has(s)) return { kind: 'bool', value: true };
  if (FALSE_WORDS.has(s)) return { kind: 'bool', value: false };
  if (/^[-+]?\.(inf|Inf|INF)$/.test(s)) return { kind: 'float', value: s.startsWith('-') ? -Infinity : Infinity };
  if (/^\.(nan|NaN|NAN)$/.test(s)) return { kind: 'float', value: Number.NaN };
  const first = s.charAt(0);
  if (first === '.') {
    return YAML_STYLE_FLOAT.test(s) ? { kind: 'float', value: Number.parseFloat(s) } : { kind: 'string', value: s };
  }
  if (!/[-+0-9]/.test(first)) return { kind: 'string', value: s };
  // yaml.v2 recognises timestamps but hands them to interface{} (what sigs.k8s.io/yaml decodes
  // into) as the original string.
  if (parseTimestamp(s) !== undefined) return { kind: 'string', value: s };
  const digits = s.replaceAll('_', '');
  const int = goParseInt(digits);
  if (int !== undefined && int >= INT64_MIN && int <= UINT64_MAX) return { kind: 'int', value: int };
  if (YAML_STYLE_FLOAT.test(digits)) return { kind: 'float', value: Number.parseFloat(digits) };
  const binary = /^(-?)0b([01]+)$/.exec(digits);
  if (binary) {
    const value = BigInt(`0b${binary[2]}`) * (binary[1] === '-' ? -1n : 1n);
    if (value >= INT64_MIN && value <= INT64_MAX) return { kind: 'int', value };
  }
  return { kind: 'string', value: s };
}

// strconv.ParseInt(s, 0, 64) / ParseUint: sign, then 0x, 0o, 0b, leading-0 octal or decimal.
function goParseInt(s: string): bigint | undefined {
  const m = /^([-+]?)(0[xX][0-9a-fA-F]+|0[oO][0-7]+|0[bB][01]+|0[0-7]*|[1-9][0-9]*)$/.exec(s);
  if (!m) return undefined;
  const body = m[2] ?? '';
  let value: bigint;
  if (/^0[xXoObB]/.test(body)) value = BigInt(body.toLowerCase());
  else if (body.startsWith('0') && body.length > 1) value = BigInt(`0o${body.slice(1)}`);
  else value = BigInt(body);
  if (m[1] === '-') value = -value;
  if (value < INT64_MIN) return undefined;
  if (m[1] === '-' && value > INT64_MAX) return undefined;
  return value;
}

// yaml.v2 parseTimestamp: only values that start like a date; encoded as Go marshals time.Time.
function parseTimestamp(s: string): string | undefined {
  const date = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s);
  if (date) {
    const [, y, mo, d] = date;
    const iso = `${y}-${pad2(mo)}-${pad2(d)}T00:00:00Z`;
    return Number.isNaN(Date.parse(iso)) ? undefined : iso;
  }
  const full = /^(\d{4})-(\d{1,2})-(\d{1,2})[Tt ](\d{1,2}):(\d{1,2}):(\d{1,2})(\.\d{1,9})?(Z|[-+]\d{2}:\d{2})?$/.exec(s);
  if (!full) return undefined;
  const [, y, mo, d, h, mi, sec, frac, zone] = full;
  const fraction = frac ? frac.replace(/0+$/, '').replace(/^\.$/, '') : '';
  const iso = `${y}-${pad2(mo)}-${pad2(d)}T${pad2(h)}:${pad2(mi)}:${pad2(sec)}${fraction}${zone ?? 'Z'}`;
  return Number.isNaN(Date.parse(iso)) ? undefined : iso;
}

function pad2(v: string | undefined): string {
  return (v ?? '').padStart(2, '0');
}

/** strconv.FormatFloat(f, 'g', -1, 32), as sigs.k8s.io/yaml renders floats into string fields. */
export function formatFloat32g(f: number): string {
  if (Number.isNaN(f)) return '.nan';
  if (f === Infinity) return '.inf';
  if (f === -Infinity) return '-.inf';
  const target = Math.fround(f);
  if (target === 0) return Object.is(target, -0) ? '-0' : '0';
  let digits = '';
  let exp = 0;
  for (let p = 1; p <= 9; p++) {
    const [mantissa, e] = target.toExponential(p - 1).split('e') as [string, string];
    if (Math.fround(Number(`${mantissa}e${e}`)) === target) {
      digits = mantissa.replace('-', '').replace('.', '');
      exp = Number(e);
      break;
    }
  }
  digits = digits.replace(/0+$/, '') || '0';
  const sign = target < 0 ? '-' : '';
  // shortest formatting switches to %e at exponent 6 (strconv's eprec rule)
  if (exp < -4 || exp >= 6) {
    const mant = digits.length > 1 ? `${digits[0]}.${digits.slice(1)}` : digits;
    const es = Math.abs(exp).toString().padStart(2, '0');
    return `${sign}${mant}e${exp < 0 ? '-' : '+'}${es}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${digits}`;
  const intPart = digits.slice(0, exp + 1).padEnd(exp + 1, '0');
  const fracPart = digits.slice(exp + 1);
  return `${sign}${intPart}${fracPart ? `.${fracPart}` : ''}`;
}
