// Shared pieces of the object-store probes: tenant and finding types, one S3 call as an outcome.
import type { S3Client } from '@aws-sdk/client-s3';
import { finding } from '../../settings/checks/finding.ts';
import type { CheckName, LevelOf } from '../../settings/checks/registry.ts';
import type { Finding } from '../../settings/findings.ts';
import { makeS3Client } from './client.ts';
import type { S3ClientOptions } from './client.ts';
import { describeS3Error, hasSpecificCode } from './errors.ts';
import type { S3ErrorInfo } from './errors.ts';
import type { S3Target } from './launcher-connection.ts';

export type ProbeFinding = Finding & { namespace: string; evidence?: Record<string, string> };

export interface ProbeTenant {
  namespace: string;
  bucket: string;
  /** KFP key prefix: '' or ending with '/'. */
  prefix: string;
  target: S3Target;
}

/** Where probes write; a leftover under it is recognisably ours. */
export const PROBE_DIR = '.kfstore-probe/';

export type Outcome<T> = { ok: true; value: T; status: number } | { ok: false; error: S3ErrorInfo; specific: boolean };

/** Runs one S3 call and never throws: failures become an S3ErrorInfo. */
export async function attempt<T extends { $metadata: { httpStatusCode?: number } }>(
  t: ProbeTenant,
  op: string,
  key: string | undefined,
  call: () => Promise<T>,
): Promise<Outcome<T>> {
  try {
    const value = await call();
    return { ok: true, value, status: value.$metadata.httpStatusCode ?? 200 };
  } catch (e) {
    const ctx = key === undefined ? { op, target: t.target, bucket: t.bucket } : { op, target: t.target, bucket: t.bucket, key };
    return { ok: false, error: describeS3Error(e, ctx), specific: hasSpecificCode(e) };
  }
}

/** Evidence text for an outcome: the status and code, e.g. `403 AccessDenied`. */
export function evidenceOf(o: Outcome<unknown>): string {
  if (o.ok) return String(o.status);
  return o.error.status === undefined ? o.error.code : `${o.error.status} ${o.error.code}`;
}

export async function withClient<T>(t: ProbeTenant, opts: S3ClientOptions, fn: (c: S3Client) => Promise<T>): Promise<T> {
  const client = makeS3Client(t.target, opts);
  try {
    return await fn(client);
  } finally {
    client.destroy();
  }
}

/** Runs a probe so that it reports instead of throwing (e.g. an endpoint the SDK cannot parse). */
export type ProbeCheck = Extract<CheckName, 'bucketReachable' | 'roundTrip' | 'isolation' | 'incompleteUploads' | 'lifecycle'>;

export async function guarded(check: ProbeCheck, t: ProbeTenant, probe: () => Promise<ProbeFinding>): Promise<ProbeFinding> {
  try {
    return await probe();
  } catch (e) {
    const info = describeS3Error(e, { op: 'probe', target: t.target, bucket: t.bucket });
    return probeFinding(check, 'error', t.namespace, `${location(t)}: the probe could not run: ${info.cause}`, info.fix);
  }
}

export function probeFinding<N extends ProbeCheck>(
  check: N,
  level: LevelOf<N>,
  namespace: string,
  message: string,
  fix: string,
  evidence?: Record<string, string>,
): ProbeFinding {
  const f = { ...finding(check, level, message, fix), namespace };
  return evidence === undefined ? f : { ...f, evidence };
}

export function location(t: ProbeTenant, key = t.prefix): string {
  return `s3://${t.bucket}/${key}`;
}
