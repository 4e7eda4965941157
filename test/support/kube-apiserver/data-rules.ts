// What kube-apiserver's core validation (pkg/apis/core/validation, v1.32) enforces on ConfigMap and
// Secret contents: at most 1 MiB of data in total, `immutable: true` freezing the data, and a
// Secret's type never changing. The causes carry the real field paths and wording.
import type { ResourceDef } from './resources.ts';
import type { KubeObject } from './types.ts';
import { isRecord } from './types.ts';

/** core.MaxSecretSize, the limit for ConfigMaps too. */
export const MAX_DATA_BYTES = 1024 * 1024;
const FROZEN = 'field is immutable when `immutable` is set';

export type Cause = Required<{ reason: string; message: string; field: string }>;

/** Total bytes as the server counts them: string values in UTF-8, binary values decoded. */
function decodedBytes(value: unknown): number {
  return isRecord(value)
    ? Object.values(value).reduce<number>((n, v) => n + (typeof v === 'string' ? Buffer.from(v, 'base64').length : 0), 0)
    : 0;
}

function textBytes(value: unknown): number {
  return isRecord(value)
    ? Object.values(value).reduce<number>((n, v) => n + (typeof v === 'string' ? Buffer.byteLength(v, 'utf8') : 0), 0)
    : 0;
}

/** ValidateConfigMap / ValidateSecret: the size limit (Secrets arrive here with stringData merged). */
export function sizeCauses(def: ResourceDef, obj: KubeObject): Cause[] {
  const tooLong = `Too long: may not be more than ${MAX_DATA_BYTES} bytes`;
  // The ConfigMap error names the whole object (field.NewPath(""), printed as "[]").
  if (def.kind === 'ConfigMap' && textBytes(obj.data) + decodedBytes(obj.binaryData) > MAX_DATA_BYTES)
    return [{ reason: 'FieldValueTooLong', message: tooLong, field: '[]' }];
  if (def.kind === 'Secret' && decodedBytes(obj.data) > MAX_DATA_BYTES)
    return [{ reason: 'FieldValueTooLong', message: tooLong, field: 'data' }];
  return [];
}

/** ValidateConfigMapUpdate / ValidateSecretUpdate, after the object metadata checks. */
export function updateCauses(def: ResourceDef, old: KubeObject, obj: KubeObject): Cause[] {
  if (def.kind !== 'ConfigMap' && def.kind !== 'Secret') return [];
  const out: Cause[] = [];
  if (def.kind === 'Secret' && (obj.type ?? '') !== (old.type ?? '')) {
    out.push({
      reason: 'FieldValueInvalid',
      message: `Invalid value: ${JSON.stringify(obj.type ?? '')}: field is immutable`,
      field: 'type',
    });
  }
  if (old.immutable !== true) return out;
  const forbidden = (field: string): Cause => ({ reason: 'FieldValueForbidden', message: `Forbidden: ${FROZEN}`, field });
  if (obj.immutable !== true) out.push(forbidden('immutable'));
  if (!sameMap(old.data, obj.data)) out.push(forbidden('data'));
  if (def.kind === 'ConfigMap' && !sameMap(old.binaryData, obj.binaryData)) out.push(forbidden('binaryData'));
  return out;
}

// An absent map and an empty one are the same once stored (protobuf keeps no empty maps).
function sameMap(a: unknown, b: unknown): boolean {
  const entries = (m: unknown): string =>
    JSON.stringify(Object.entries(isRecord(m) ? m : {}).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)));
  return entries(a) === entries(b);
}
