// The only place secret values are touched: each value becomes a fingerprint plus a few facts, and
// the value itself is dropped right here. Nothing downstream can print what it never received.
import { createHash } from 'node:crypto';
import type { SecretInfo, SecretValueFacts } from '../../settings/cluster/snapshot.ts';

/** Values that ship in public manifests (MinIO/SeaweedFS defaults in KFP's kustomize bases). */
const WELL_KNOWN: Record<string, string> = { minio: 'MinIO/SeaweedFS default', minio123: 'MinIO/SeaweedFS default' };

const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/;

export function valueFacts(value: Buffer): SecretValueFacts {
  const facts: SecretValueFacts = { fingerprint: createHash('sha256').update(value).digest('hex'), empty: value.length === 0 };
  const known = WELL_KNOWN[value.toString('utf8')];
  if (known !== undefined) facts.wellKnown = known;
  return facts;
}

/** A Secret object (from the API or a manifest) reduced to names, keys and value facts. */
export function secretInfo(obj: {
  metadata: SecretInfo['metadata'];
  type?: string;
  immutable?: unknown;
  data?: Record<string, unknown> | null;
  stringData?: Record<string, unknown> | null;
}): SecretInfo {
  const values: Record<string, SecretValueFacts> = {};
  const invalidKeys: string[] = [];
  for (const [key, raw] of Object.entries(obj.data ?? {})) {
    const text = typeof raw === 'string' ? raw.replace(/\s+/g, '') : '';
    if (typeof raw !== 'string' || !BASE64.test(text) || text.length % 4 === 1) {
      invalidKeys.push(key);
      continue;
    }
    values[key] = valueFacts(Buffer.from(text, 'base64'));
  }
  for (const [key, raw] of Object.entries(obj.stringData ?? {})) values[key] = valueFacts(Buffer.from(String(raw), 'utf8'));
  const info: SecretInfo = { metadata: obj.metadata, values, invalidKeys };
  if (obj.type !== undefined) info.type = obj.type;
  if (obj.immutable === true) info.immutable = true;
  return info;
}

/** Decoded values of one Secret, for the S3 probes that must authenticate as the namespace. */
export function secretValue(
  obj: { data?: Record<string, unknown> | null; stringData?: Record<string, unknown> | null },
  key: string,
): string | undefined {
  const s = obj.stringData?.[key];
  if (typeof s === 'string') return s;
  const d = obj.data?.[key];
  return typeof d === 'string' ? Buffer.from(d, 'base64').toString('utf8') : undefined;
}
