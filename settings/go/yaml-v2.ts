// YAML as KFP reads it: sigs.k8s.io/yaml over gopkg.in/yaml.v2 (YAML 1.1). The npm `yaml`
// parser gives us the syntax tree; scalar resolution follows yaml.v2's resolve.go, not the
// npm library's, so `yes`, `0755`, `1_000` or `2001-12-14` mean what they mean to KFP.
import { Lexer } from 'yaml';
import { YAML_V2_MAX_DEPTH, composeFirstDocument } from './yaml-compose.ts';
import { NULL, YamlError, toGoYaml } from './yaml-nodes.ts';
import type { GoYaml } from './yaml-nodes.ts';

export type { GoYaml, GoYamlEntry } from './yaml-nodes.ts';

export type YamlResult =
  | { ok: true; value: GoYaml }
  | { ok: false; error: string /** a kfstore bound, not a YAML error */; overLimit?: true };

/** Bounds on the work one parse may do (KFP has none; kfstore's callers choose them). */
export interface YamlLimits {
  /** Lexer tokens in the text: what composing costs grows with them. */
  maxTokens?: number;
  /** yaml.v2 decode steps, aliases expanded: what decoding the result costs grows with them. */
  maxDecodeSteps?: number;
}

const TRUE_WORDS = new Set(['y', 'Y', 'yes', 'Yes', 'YES', 'on', 'On', 'ON', 'true', 'True', 'TRUE']);
const FALSE_WORDS = new Set(['n', 'N', 'no', 'No', 'NO', 'off', 'Off', 'OFF', 'false', 'False', 'FALSE']);
const NULL_WORDS = new Set(['', '~', 'null', 'Null', 'NULL']);
const YAML_STYLE_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

/** Parses `text` the way `yaml.Unmarshal` (sigs.k8s.io/yaml) would before JSON decoding. */
export function parseGoYaml(text: string, limits: YamlLimits = {}): YamlResult {
  if (limits.maxTokens !== undefined && tokensExceed(text, limits.maxTokens)) {
    return {
      ok: false,
      error: `has more than ${limits.maxTokens} YAML tokens; kfstore checks at most ${limits.maxTokens}`,
      overLimit: true,
    };
  }
  const composed = composeFirstDocument(text);
  if (!composed.ok) {
    const e = composed.error;
    if ('depth' in e) {
      // libyaml's scanner names no line for a problem on the first line.
      const where = e.line > 1 ? `line ${e.line}: ` : '';
      return { ok: false, error: `error converting YAML to JSON: yaml: ${where}exceeded max depth of ${YAML_V2_MAX_DEPTH}` };
    }
    const wording = libyamlWording(e.code, e.message);
    // yaml.v2 prints a parser error's (0-based) mark line as is: one less than the line the
    // unclosed collection's end was looked for on.
    const line = wording.startsWith("did not find expected ','") ? Math.max(1, e.line - 1) : e.line;
    return { ok: false, error: `error converting YAML to JSON: yaml: line ${line}: ${wording}` };
  }
  try {
    const decoded = toGoYaml(composed.value, resolveScalar, mapKey);
    if (limits.maxDecodeSteps !== undefined && decoded.steps > limits.maxDecodeSteps) {
      return {
        ok: false,
        error: `expands to ${decoded.steps} YAML nodes through aliases; kfstore checks at most ${limits.maxDecodeSteps}`,
        overLimit: true,
      };
    }
    return { ok: true, value: decoded.value };
  } catch (e) {
    if (e instanceof YamlError) return { ok: false, error: `error converting YAML to JSON: ${e.message}` };
    throw e;
  }
}

// The lexer is the cheapest pass and stops as soon as the bound is passed.
function tokensExceed(text: string, max: number): boolean {
  let n = 0;
  for (const _ of new Lexer().lex(text)) if (++n > max) return true;
  return false;
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
    case 'MISSING_CHAR': {
      const flowEnd = /^Flow (sequence|mapping) .*end with a ([\]}])/.exec(message);
      return flowEnd ? `did not find expected ',' or '${flowEnd[2]}'` : 'did not find expected key';
    }
    case 'UNEXPECTED_TOKEN':
      if (message.startsWith('Unexpected block-seq-ind on same line with key'))
        return 'block sequence entries are not allowed in this context';
      return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
    default:
      return (message.split('\n')[0] ?? message).replace(/ at line \d+, column \d+:?$/, '');
  }
}

// sigs.k8s.io/yaml turns scalar keys into strings before JSON (undefined: it cannot).
function mapKey(key: GoYaml): string | undefined {
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
      return undefined;
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
