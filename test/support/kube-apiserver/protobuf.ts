// Decodes the Kubernetes protobuf request envelope ("k8s\0" + runtime.Unknown) for the
// few kinds kubectl's typed client sends as protobuf (kubectl create namespace/configmap/
// secret/serviceaccount/token, auth can-i). Field numbers are from the upstream
// generated.proto files. Responses are always JSON, which clients accept.
import { unsupportedMediaType } from './status.ts';

type Scalar = 'string' | 'bytes' | 'int64' | 'bool';
type FieldType = Scalar | Schema | { map: Scalar };
interface Field {
  name: string;
  type: FieldType;
  repeated?: boolean;
}
type Schema = Record<number, Field>;

const TIME: Schema = { 1: { name: 'seconds', type: 'int64' }, 2: { name: 'nanos', type: 'int64' } };
const OWNER_REF: Schema = {
  1: { name: 'kind', type: 'string' },
  3: { name: 'name', type: 'string' },
  4: { name: 'uid', type: 'string' },
  5: { name: 'apiVersion', type: 'string' },
  6: { name: 'controller', type: 'bool' },
  7: { name: 'blockOwnerDeletion', type: 'bool' },
};
const OBJECT_META: Schema = {
  1: { name: 'name', type: 'string' },
  2: { name: 'generateName', type: 'string' },
  3: { name: 'namespace', type: 'string' },
  5: { name: 'uid', type: 'string' },
  6: { name: 'resourceVersion', type: 'string' },
  7: { name: 'generation', type: 'int64' },
  8: { name: 'creationTimestamp', type: TIME },
  11: { name: 'labels', type: { map: 'string' } },
  12: { name: 'annotations', type: { map: 'string' } },
  13: { name: 'ownerReferences', type: OWNER_REF, repeated: true },
  14: { name: 'finalizers', type: 'string', repeated: true },
};
const LOCAL_REF: Schema = { 1: { name: 'name', type: 'string' } };
const OBJECT_REF: Schema = {
  1: { name: 'kind', type: 'string' },
  2: { name: 'namespace', type: 'string' },
  3: { name: 'name', type: 'string' },
  4: { name: 'uid', type: 'string' },
};

const SCHEMAS: Record<string, Schema> = {
  Namespace: {
    1: { name: 'metadata', type: OBJECT_META },
    2: { name: 'spec', type: { 1: { name: 'finalizers', type: 'string', repeated: true } } },
  },
  ConfigMap: {
    1: { name: 'metadata', type: OBJECT_META },
    2: { name: 'data', type: { map: 'string' } },
    3: { name: 'binaryData', type: { map: 'bytes' } },
    4: { name: 'immutable', type: 'bool' },
  },
  Secret: {
    1: { name: 'metadata', type: OBJECT_META },
    2: { name: 'data', type: { map: 'bytes' } },
    3: { name: 'type', type: 'string' },
    4: { name: 'stringData', type: { map: 'string' } },
    5: { name: 'immutable', type: 'bool' },
  },
  ServiceAccount: {
    1: { name: 'metadata', type: OBJECT_META },
    2: { name: 'secrets', type: OBJECT_REF, repeated: true },
    3: { name: 'imagePullSecrets', type: LOCAL_REF, repeated: true },
    4: { name: 'automountServiceAccountToken', type: 'bool' },
  },
  TokenRequest: {
    1: { name: 'metadata', type: OBJECT_META },
    2: {
      name: 'spec',
      type: {
        1: { name: 'audiences', type: 'string', repeated: true },
        3: {
          name: 'boundObjectRef',
          type: {
            1: { name: 'kind', type: 'string' },
            2: { name: 'apiVersion', type: 'string' },
            3: { name: 'name', type: 'string' },
            4: { name: 'uid', type: 'string' },
          },
        },
        4: { name: 'expirationSeconds', type: 'int64' },
      },
    },
  },
  SelfSubjectAccessReview: {
    1: { name: 'metadata', type: OBJECT_META },
    2: {
      name: 'spec',
      type: {
        1: {
          name: 'resourceAttributes',
          type: {
            1: { name: 'namespace', type: 'string' },
            2: { name: 'verb', type: 'string' },
            3: { name: 'group', type: 'string' },
            4: { name: 'version', type: 'string' },
            5: { name: 'resource', type: 'string' },
            6: { name: 'subresource', type: 'string' },
            7: { name: 'name', type: 'string' },
          },
        },
        2: { name: 'nonResourceAttributes', type: { 1: { name: 'path', type: 'string' }, 2: { name: 'verb', type: 'string' } } },
      },
    },
  },
  DeleteOptions: {
    1: { name: 'gracePeriodSeconds', type: 'int64' },
    2: { name: 'preconditions', type: { 1: { name: 'uid', type: 'string' }, 2: { name: 'resourceVersion', type: 'string' } } },
    3: { name: 'orphanDependents', type: 'bool' },
    4: { name: 'propagationPolicy', type: 'string' },
    5: { name: 'dryRun', type: 'string', repeated: true },
  },
};

const UNKNOWN: Schema = {
  1: { name: 'typeMeta', type: { 1: { name: 'apiVersion', type: 'string' }, 2: { name: 'kind', type: 'string' } } },
  2: { name: 'raw', type: 'bytes' },
};

export const PROTOBUF = 'application/vnd.kubernetes.protobuf';
const MAGIC = Buffer.from([0x6b, 0x38, 0x73, 0x00]);

class Reader {
  pos = 0;
  readonly buf: Buffer;
  constructor(buf: Buffer) {
    this.buf = buf;
  }
  varint(): bigint {
    let result = 0n;
    let shift = 0n;
    for (;;) {
      if (this.pos >= this.buf.length) throw new Error('truncated varint');
      const b = this.buf[this.pos++] ?? 0;
      result |= BigInt(b & 0x7f) << shift;
      if ((b & 0x80) === 0) return result;
      shift += 7n;
    }
  }
  bytes(): Buffer {
    const len = Number(this.varint());
    if (this.pos + len > this.buf.length) throw new Error('truncated field');
    const out = this.buf.subarray(this.pos, this.pos + len);
    this.pos += len;
    return out;
  }
}

function scalar(type: Scalar, r: Reader): unknown {
  if (type === 'string') return r.bytes().toString('utf8');
  if (type === 'bytes') return r.bytes().toString('base64');
  const v = r.varint();
  if (type === 'bool') return v !== 0n;
  return Number(BigInt.asIntN(64, v));
}

function decode(buf: Buffer, schema: Schema): Record<string, unknown> {
  const r = new Reader(buf);
  const out: Record<string, unknown> = {};
  while (r.pos < buf.length) {
    const tag = Number(r.varint());
    const num = tag >>> 3;
    const wire = tag & 7;
    const field = schema[num];
    if (field === undefined) {
      if (wire === 0) r.varint();
      else if (wire === 1) r.pos += 8;
      else if (wire === 2) r.bytes();
      else if (wire === 5) r.pos += 4;
      else throw new Error(`unsupported wire type ${wire}`);
      continue;
    }
    let value: unknown;
    const t = field.type;
    if (typeof t === 'string') {
      value = scalar(t, r);
    } else if ('map' in t && typeof t.map === 'string') {
      const entry = decode(r.bytes(), { 1: { name: 'key', type: 'string' }, 2: { name: 'value', type: t.map } });
      const map = (out[field.name] as Record<string, unknown> | undefined) ?? {};
      map[String(entry.key ?? '')] = entry.value ?? (t.map === 'string' ? '' : '');
      out[field.name] = map;
      continue;
    } else {
      value = decode(r.bytes(), t as Schema);
    }
    if (field.repeated) out[field.name] = [...((out[field.name] as unknown[] | undefined) ?? []), value];
    // Zero scalars are what gogo-protobuf writes for unset fields; JSON omits them (omitempty).
    else if (value !== '' && value !== 0 && value !== false) out[field.name] = value;
  }
  return out;
}

/** Protobuf request body → the equivalent JSON object, or 415 for kinds not modelled here. */
export function protobufToJson(body: Buffer): Record<string, unknown> {
  const supported = [`${PROTOBUF} (for ${Object.keys(SCHEMAS).join(', ')} only)`];
  if (!body.subarray(0, 4).equals(MAGIC)) throw unsupportedMediaType(['application/json', ...supported]);
  const unknown = decode(body.subarray(4), UNKNOWN);
  const typeMeta = (unknown.typeMeta ?? {}) as { apiVersion?: string; kind?: string };
  const schema = typeMeta.kind === undefined ? undefined : SCHEMAS[typeMeta.kind];
  if (schema === undefined) throw unsupportedMediaType(['application/json', ...supported]);
  const raw = Buffer.from(String(unknown.raw ?? ''), 'base64');
  const obj = decode(raw, schema);
  const meta = obj.metadata as Record<string, unknown> | undefined;
  // A zero Time means "unset"; JSON clients send null there.
  if (meta !== undefined) delete meta.creationTimestamp;
  return { apiVersion: typeMeta.apiVersion, kind: typeMeta.kind, ...obj };
}
