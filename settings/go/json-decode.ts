// Decodes a yaml.v2 value into a Go struct type the way sigs.k8s.io/yaml + encoding/json do:
// field names match case-insensitively, scalars are coerced into string fields, the first
// type error is kept (with Go's exact wording) while decoding continues, and unknown keys
// are ignored. Unknown and non-canonical keys are also collected for the strict lint pass.
import { formatFloat32g } from './yaml-v2.ts';
import type { GoYaml } from './yaml-v2.ts';

export type GoType =
  | { kind: 'string' }
  | { kind: 'bool' }
  | { kind: 'int' }
  | { kind: 'ptr'; elem: GoType }
  | { kind: 'slice'; elem: GoType }
  | { kind: 'struct'; name: string; pkg: string; fields: GoField[] };

export interface GoField {
  json: string;
  type: GoType;
  /** The spelling documentation uses when it differs from the Go tag (KFP's `Overrides`). */
  docs?: string;
}

/** Decoded Go value: structs become objects keyed by json name; nil pointers/slices are absent. */
export type GoDecoded = string | boolean | bigint | GoDecoded[] | { [field: string]: GoDecoded };

export interface KeyNote {
  /** Dotted path of the key as written, e.g. `s3.default.credentials.secretRef.secret_name`. */
  path: string;
  line: number;
  /** For a key matched case-insensitively: the canonical spelling. */
  canonical?: string;
  /** For an unknown key: the field names valid at that place. */
  known?: string[];
}

export interface DecodeResult {
  value: GoDecoded | undefined;
  error?: string;
  unknownKeys: KeyNote[];
  caseMismatches: KeyNote[];
}

interface State {
  error?: string;
  unknownKeys: KeyNote[];
  caseMismatches: KeyNote[];
}

interface Context {
  struct?: string;
  fieldStack: string[];
  keyPath: string[];
}

export function decodeGo(input: GoYaml, type: GoType): DecodeResult {
  const state: State = { unknownKeys: [], caseMismatches: [] };
  const target = assign(input, type, undefined, { fieldStack: [], keyPath: [] }, state);
  const result: DecodeResult = { value: target, unknownKeys: state.unknownKeys, caseMismatches: state.caseMismatches };
  if (state.error !== undefined) result.error = state.error;
  return result;
}

export function goTypeName(type: GoType): string {
  switch (type.kind) {
    case 'ptr':
      return goTypeName(type.elem);
    case 'slice':
      return `[]${goTypeName(type.elem)}`;
    case 'struct':
      return `${type.pkg}.${type.name}`;
    default:
      return type.kind;
  }
}

// Decodes `input` into a slot of `type` currently holding `current`; returns the new slot value.
function assign(input: GoYaml, type: GoType, current: GoDecoded | undefined, ctx: Context, state: State): GoDecoded | undefined {
  if (input.kind === 'null') {
    // JSON null clears pointers and slices and leaves every other kind untouched.
    return type.kind === 'ptr' || type.kind === 'slice' ? undefined : current ?? zero(type);
  }
  if (input.kind === 'float' && !Number.isFinite(input.value) && type.kind !== 'string' && !(type.kind === 'ptr' && type.elem.kind === 'string')) {
    saveError(state, `error converting YAML to JSON: json: unsupported value: ${Number.isNaN(input.value) ? 'NaN' : input.value > 0 ? '+Inf' : '-Inf'}`, true);
    return current;
  }
  switch (type.kind) {
    case 'ptr':
      return assign(input, type.elem, current ?? zero(type.elem), ctx, state);
    case 'string':
      return decodeString(input, type, current, ctx, state);
    case 'bool':
      if (input.kind === 'bool') return input.value;
      typeError(state, ctx, jsonKind(input), type);
      return current ?? false;
    case 'int':
      return decodeInt(input, type, current, ctx, state);
    case 'slice':
      if (input.kind !== 'seq') {
        typeError(state, ctx, jsonKind(input), type);
        return current;
      }
      // Slices in KFP's types hold structs, never pointers, so an element is never nil.
      return input.items.map((item) => assign(item, type.elem, zero(type.elem), ctx, state) ?? {});
    case 'struct':
      return decodeStruct(input, type, current, ctx, state);
  }
}

function decodeString(input: GoYaml, type: GoType, current: GoDecoded | undefined, ctx: Context, state: State): GoDecoded | undefined {
  switch (input.kind) {
    case 'string':
    case 'time':
      return input.value;
    case 'int':
      return input.value.toString();
    case 'float':
      // sigs.k8s.io/yaml formats the value with strconv ('+Inf', 'NaN'), not YAML's spelling.
      if (!Number.isFinite(input.value)) return Number.isNaN(input.value) ? 'NaN' : input.value > 0 ? '+Inf' : '-Inf';
      return formatFloat32g(input.value);
    case 'bool':
      return input.value ? 'true' : 'false';
    default:
      typeError(state, ctx, jsonKind(input), type);
      return current ?? '';
  }
}

function decodeInt(input: GoYaml, type: GoType, current: GoDecoded | undefined, ctx: Context, state: State): GoDecoded | undefined {
  if (input.kind === 'int') {
    if (input.value >= -(2n ** 63n) && input.value < 2n ** 63n) return input.value;
    typeError(state, ctx, `number ${input.value.toString()}`, type);
    return current ?? 0n;
  }
  if (input.kind === 'float') {
    // json.Marshal writes whole floats without a fraction, so 3.0 decodes into an int.
    const literal = String(input.value);
    if (/^-?\d+$/.test(literal)) {
      const value = BigInt(literal);
      if (value >= -(2n ** 63n) && value < 2n ** 63n) return value;
    }
    typeError(state, ctx, `number ${literal}`, type);
    return current ?? 0n;
  }
  typeError(state, ctx, jsonKind(input), type);
  return current ?? 0n;
}

function decodeStruct(input: GoYaml, type: Extract<GoType, { kind: 'struct' }>, current: GoDecoded | undefined, ctx: Context, state: State): GoDecoded | undefined {
  if (input.kind !== 'map') {
    typeError(state, ctx, jsonKind(input), type);
    return current;
  }
  const out = isRecord(current) ? current : zeroStruct(type);
  // Go marshals the intermediate map with sorted keys, so that is the decode (and error) order.
  const keys = [...input.entries.keys()].sort();
  for (const key of keys) {
    const entry = input.entries.get(key);
    if (entry === undefined) continue;
    const keyPath = [...ctx.keyPath, key];
    const field = type.fields.find((f) => f.json === key) ?? type.fields.find((f) => f.json.toLowerCase() === key.toLowerCase());
    if (field === undefined) {
      state.unknownKeys.push({ path: keyPath.join('.'), line: entry.line, known: type.fields.map((f) => f.docs ?? f.json) });
      continue;
    }
    const canonical = field.docs ?? field.json;
    if (key !== field.json && key !== canonical) state.caseMismatches.push({ path: keyPath.join('.'), line: entry.line, canonical });
    const child: Context = { struct: type.name, fieldStack: [...ctx.fieldStack, field.json], keyPath };
    const next = assign(entry.value, field.type, out[field.json], child, state);
    if (next === undefined) delete out[field.json];
    else out[field.json] = next;
  }
  return out;
}

function zero(type: GoType): GoDecoded | undefined {
  switch (type.kind) {
    case 'string':
      return '';
    case 'bool':
      return false;
    case 'int':
      return 0n;
    case 'struct':
      return zeroStruct(type);
    default:
      return undefined;
  }
}

// A freshly allocated Go struct: every non-pointer field holds its zero value.
function zeroStruct(type: Extract<GoType, { kind: 'struct' }>): { [field: string]: GoDecoded } {
  const out: { [field: string]: GoDecoded } = {};
  for (const f of type.fields) {
    const z = zero(f.type);
    if (z !== undefined) out[f.json] = z;
  }
  return out;
}

function jsonKind(v: GoYaml): string {
  switch (v.kind) {
    case 'string':
    case 'time':
      return 'string';
    case 'bool':
      return 'bool';
    case 'int':
    case 'float':
      return 'number';
    case 'seq':
      return 'array';
    case 'map':
      return 'object';
    case 'null':
      return 'null';
  }
}

function typeError(state: State, ctx: Context, value: string, type: GoType): void {
  const where = ctx.struct !== undefined ? `Go struct field ${ctx.struct}.${ctx.fieldStack.join('.')}` : 'Go value';
  saveError(state, `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${value} into ${where} of type ${goTypeName(type)}`, false);
}

function saveError(state: State, message: string, conversion: boolean): void {
  // YAML-to-JSON conversion runs before decoding, so its failure wins over a type error.
  if (state.error === undefined || (conversion && !state.error.startsWith('error converting'))) state.error = message;
}

function isRecord(v: GoDecoded | undefined): v is { [field: string]: GoDecoded } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
