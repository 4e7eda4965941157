// Validates an object against a CustomResourceDefinition's structural openAPIV3Schema the way
// kube-apiserver does for the keywords the Prometheus Operator's CRDs use: types (with
// int-or-string), required, enum, pattern, bounds, list-type map/set uniqueness. A field the
// schema does not know is an error here: the API server would prune it silently, so whatever it
// was meant to do would not happen.
import { readFileSync } from 'node:fs';
import { parse } from 'yaml';

export interface Schema {
  type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean';
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  items?: Schema;
  required?: string[];
  enum?: unknown[];
  pattern?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  nullable?: boolean;
  'x-kubernetes-int-or-string'?: boolean;
  'x-kubernetes-preserve-unknown-fields'?: boolean;
  'x-kubernetes-list-type'?: 'atomic' | 'map' | 'set';
  'x-kubernetes-list-map-keys'?: string[];
}

export interface VendoredCrd {
  kind: string;
  group: string;
  version: string;
  openAPIV3Schema: Schema;
}

export function loadCrd(path: string): VendoredCrd {
  return parse(readFileSync(path, 'utf8')) as VendoredCrd;
}

/** Every violation as `path: reason`; empty when the object is valid. */
export function validate(value: unknown, schema: Schema, path = ''): string[] {
  const at = path === '' ? '<root>' : path;
  if (value === null) return schema.nullable === true ? [] : [`${at}: null is not allowed`];
  if (schema['x-kubernetes-int-or-string'] === true) {
    return Number.isInteger(value) || typeof value === 'string' ? [] : [`${at}: must be an integer or a string`];
  }
  const typeError = checkType(value, schema, at);
  if (typeError !== undefined) return [typeError];
  const errors: string[] = [];
  if (schema.enum !== undefined && !schema.enum.includes(value))
    errors.push(`${at}: ${JSON.stringify(value)} is not one of ${JSON.stringify(schema.enum)}`);
  if (typeof value === 'string') errors.push(...checkString(value, schema, at));
  if (typeof value === 'number') {
    if (schema.minimum !== undefined && value < schema.minimum) errors.push(`${at}: below the minimum ${schema.minimum}`);
    if (schema.maximum !== undefined && value > schema.maximum) errors.push(`${at}: above the maximum ${schema.maximum}`);
  }
  if (Array.isArray(value)) errors.push(...checkArray(value, schema, path));
  else if (typeof value === 'object') errors.push(...checkObject(value as Record<string, unknown>, schema, path));
  return errors;
}

function checkType(value: unknown, schema: Schema, at: string): string | undefined {
  const ok: Record<NonNullable<Schema['type']>, boolean> = {
    object: typeof value === 'object' && !Array.isArray(value),
    array: Array.isArray(value),
    string: typeof value === 'string',
    integer: Number.isInteger(value),
    number: typeof value === 'number',
    boolean: typeof value === 'boolean',
  };
  return schema.type === undefined || ok[schema.type]
    ? undefined
    : `${at}: must be of type ${schema.type}, not ${Array.isArray(value) ? 'array' : typeof value}`;
}

function checkString(value: string, schema: Schema, at: string): string[] {
  const errors: string[] = [];
  if (schema.pattern !== undefined && !new RegExp(schema.pattern, 'u').test(value))
    errors.push(`${at}: ${JSON.stringify(value)} does not match ${schema.pattern}`);
  if (schema.minLength !== undefined && [...value].length < schema.minLength) errors.push(`${at}: shorter than ${schema.minLength}`);
  if (schema.maxLength !== undefined && [...value].length > schema.maxLength) errors.push(`${at}: longer than ${schema.maxLength}`);
  return errors;
}

function checkArray(value: unknown[], schema: Schema, path: string): string[] {
  const at = path === '' ? '<root>' : path;
  const errors: string[] = [];
  if (schema.minItems !== undefined && value.length < schema.minItems) errors.push(`${at}: fewer than ${schema.minItems} items`);
  if (schema.maxItems !== undefined && value.length > schema.maxItems) errors.push(`${at}: more than ${schema.maxItems} items`);
  if (schema.items !== undefined)
    for (const [i, item] of value.entries()) errors.push(...validate(item, schema.items as Schema, `${path}[${i}]`));
  const listType = schema['x-kubernetes-list-type'];
  if (listType === 'map' || listType === 'set') {
    const keys = value.map((item) =>
      JSON.stringify(
        listType === 'set' ? item : (schema['x-kubernetes-list-map-keys'] ?? []).map((k) => (item as Record<string, unknown>)[k]),
      ),
    );
    keys.forEach((key, i) => {
      if (keys.indexOf(key) !== i) errors.push(`${path}[${i}]: duplicate entry ${key} in a list of type ${listType}`);
    });
  }
  return errors;
}

function checkObject(value: Record<string, unknown>, schema: Schema, path: string): string[] {
  const at = path === '' ? '<root>' : path;
  const errors: string[] = [];
  for (const name of schema.required ?? []) if (!(name in value)) errors.push(`${at}: missing required field ${name}`);
  for (const [name, field] of Object.entries(value)) {
    const child = path === '' ? name : `${path}.${name}`;
    const known = schema.properties?.[name];
    if (known !== undefined) errors.push(...validate(field, known, child));
    else if (typeof schema.additionalProperties === 'object') errors.push(...validate(field, schema.additionalProperties, child));
    else if (
      schema.additionalProperties !== true &&
      schema['x-kubernetes-preserve-unknown-fields'] !== true &&
      schema.properties !== undefined
    ) {
      errors.push(`${child}: unknown field (the API server would drop it)`);
    }
  }
  return errors;
}
