// Decodes a yaml.v2 value into a Go struct type the way sigs.k8s.io/yaml + encoding/json do:
// field names match case-insensitively, scalars are coerced into string fields, the first
// type error is kept (with Go's exact wording) while decoding continues, and unknown keys
// are ignored. Unknown and non-canonical keys are also collected for the strict lint pass.
import { compareGoStrings, foldKey } from './json-fold.ts';
import { depthOf, hasNonFinite } from './yaml-nodes.ts';
import { formatFloat32g } from './yaml-v2.ts';
import type { GoYaml } from './yaml-v2.ts';

/** encoding/json's maxNestingDepth (scanner.go). */
const JSON_MAX_DEPTH = 10_000;

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
  /** A kfstore bound the input passed (not an error of Go's): where and by how much. */
  overLimit?: string;
  unknownKeys: KeyNote[];
  caseMismatches: KeyNote[];
}

interface State {
  error?: string;
  overLimit?: string;
  maxSliceItems: number;
  unknownKeys: KeyNote[];
  caseMismatches: KeyNote[];
}

interface Context {
  struct?: string;
  fieldStack: string[];
  keyPath: string[];
}

/** `maxSliceItems` bounds every slice decoded (aliases can expand a few KiB into many thousands). */
export function decodeGo(input: GoYaml, type: GoType, limits: { maxSliceItems?: number } = {}): DecodeResult {
  const state: State = { unknownKeys: [], caseMismatches: [], maxSliceItems: limits.maxSliceItems ?? Number.POSITIVE_INFINITY };
  // json.Unmarshal validates the whole text before decoding anything.
  if (depthOf(input) > JSON_MAX_DEPTH) {
    return {
      value: undefined,
      error: `error unmarshaling JSON: while decoding JSON: invalid character '${deepestOpening(input)}' exceeded max depth`,
      unknownKeys: [],
      caseMismatches: [],
    };
  }
  const target = assign(input, type, undefined, { fieldStack: [], keyPath: [] }, state);
  const result: DecodeResult = { value: target, unknownKeys: state.unknownKeys, caseMismatches: state.caseMismatches };
  if (state.error !== undefined) result.error = state.error;
  if (state.overLimit !== undefined) result.overLimit = state.overLimit;
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
    return type.kind === 'ptr' || type.kind === 'slice' ? undefined : (current ?? zero(type));
  }
  if (
    input.kind === 'float' &&
    !Number.isFinite(input.value) &&
    type.kind !== 'string' &&
    !(type.kind === 'ptr' && type.elem.kind === 'string')
  ) {
    saveError(state, nonFiniteError(input), true);
    return current;
  }
  switch (type.kind) {
    case 'ptr':
      return assign(input, type.elem, current ?? zero(type.elem), ctx, state);
    case 'string':
      return decodeString(input, type, current, ctx, state);
    case 'bool':
      if (input.kind === 'bool') return input.value;
      typeError(state, ctx, jsonKind(input), type, input);
      return current ?? false;
    case 'int':
      return decodeInt(input, type, current, ctx, state);
    case 'slice':
      if (input.kind !== 'seq') {
        typeError(state, ctx, jsonKind(input), type, input);
        return current;
      }
      if (input.items.length > state.maxSliceItems) {
        state.overLimit ??= `${ctx.keyPath.join('.')} has ${input.items.length} items; kfstore checks at most ${state.maxSliceItems}`;
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
      typeError(state, ctx, jsonKind(input), type, input);
      return current ?? '';
  }
}

function decodeInt(input: GoYaml, type: GoType, current: GoDecoded | undefined, ctx: Context, state: State): GoDecoded | undefined {
  if (input.kind === 'int') {
    if (input.value >= -(2n ** 63n) && input.value < 2n ** 63n) return input.value;
    typeError(state, ctx, `number ${input.value.toString()}`, type, input);
    return current ?? 0n;
  }
  if (input.kind === 'float') {
    // json.Marshal writes whole floats without a fraction, so 3.0 decodes into an int.
    const literal = String(input.value);
    if (/^-?\d+$/.test(literal)) {
      const value = BigInt(literal);
      if (value >= -(2n ** 63n) && value < 2n ** 63n) return value;
    }
    typeError(state, ctx, `number ${literal}`, type, input);
    return current ?? 0n;
  }
  typeError(state, ctx, jsonKind(input), type, input);
  return current ?? 0n;
}

function decodeStruct(
  input: GoYaml,
  type: Extract<GoType, { kind: 'struct' }>,
  current: GoDecoded | undefined,
  ctx: Context,
  state: State,
): GoDecoded | undefined {
  if (input.kind !== 'map') {
    typeError(state, ctx, jsonKind(input), type, input);
    return current;
  }
  const out = isRecord(current) ? current : zeroStruct(type);
  // Go marshals the intermediate map with sorted keys, so that is the decode (and error) order.
  const keys = [...input.entries.keys()].sort(compareGoStrings);
  for (const key of keys) {
    const entry = input.entries.get(key);
    if (entry === undefined) continue;
    const keyPath = [...ctx.keyPath, key];
    const field = fieldFor(type, key);
    if (field === undefined) {
      // Nothing coerces what lands under an unknown key, so json.Marshal meets its NaNs.
      if (hasNonFinite(entry.value)) saveError(state, nonFiniteError(entry.value), true);
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

/** encoding/json: the field with exactly this name, else the first whose name folds equal. */
function fieldFor(type: Extract<GoType, { kind: 'struct' }>, key: string): GoField | undefined {
  const exact = type.fields.find((f) => f.json === key);
  if (exact !== undefined) return exact;
  const folded = foldKey(key);
  return folded === undefined ? undefined : type.fields.find((f) => foldKey(f.json) === folded);
}

/** json.Marshal's error for the first NaN or infinity it meets in `v` (maps in sorted key order). */
function nonFiniteError(v: GoYaml): string {
  const stack: GoYaml[] = [v];
  while (stack.length > 0) {
    const node = stack.pop() as GoYaml;
    if (node.kind === 'float' && !Number.isFinite(node.value)) {
      return `error converting YAML to JSON: json: unsupported value: ${Number.isNaN(node.value) ? 'NaN' : node.value > 0 ? '+Inf' : '-Inf'}`;
    }
    if (!hasNonFinite(node)) continue;
    const children = node.kind === 'seq' ? node.items : node.kind === 'map' ? sortedValues(node.entries) : [];
    for (let i = children.length - 1; i >= 0; i--) stack.push(children[i] as GoYaml);
  }
  return 'error converting YAML to JSON: json: unsupported value: NaN';
}

function sortedValues(entries: ReadonlyMap<string, { value: GoYaml }>): GoYaml[] {
  return [...entries.keys()].sort(compareGoStrings).map((k) => entries.get(k)?.value as GoYaml);
}

/** '[' or '{': the container the JSON scanner is opening when it passes its depth limit. */
function deepestOpening(input: GoYaml): string {
  let node = input;
  let needed = JSON_MAX_DEPTH + 1;
  for (;;) {
    if (needed <= 1 || (node.kind !== 'seq' && node.kind !== 'map')) return node.kind === 'seq' ? '[' : '{';
    const children = node.kind === 'seq' ? node.items : sortedValues(node.entries);
    const next = children.find((c) => depthOf(c) >= needed - 1);
    if (next === undefined) return node.kind === 'seq' ? '[' : '{';
    node = next;
    needed--;
  }
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

function typeError(state: State, ctx: Context, value: string, type: GoType, input: GoYaml): void {
  // sigs.k8s.io/yaml coerces numbers only into string fields, so a mismatched value keeps its NaNs.
  if (hasNonFinite(input)) saveError(state, nonFiniteError(input), true);
  const where = ctx.struct !== undefined ? `Go struct field ${ctx.struct}.${ctx.fieldStack.join('.')}` : 'Go value';
  saveError(
    state,
    `error unmarshaling JSON: while decoding JSON: json: cannot unmarshal ${value} into ${where} of type ${goTypeName(type)}`,
    false,
  );
}

function saveError(state: State, message: string, conversion: boolean): void {
  // YAML-to-JSON conversion runs before decoding, so its failure wins over a type error.
  if (state.error === undefined || (conversion && !state.error.startsWith('error converting'))) state.error = message;
}

function isRecord(v: GoDecoded | undefined): v is { [field: string]: GoDecoded } {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
