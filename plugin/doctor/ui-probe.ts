// doctor --installation --probe: for each profile namespace, list one key under its root and read its
// first bytes with the endpoint and credentials the UI would use (settings/installation/ui-read.ts
// decides which). Credentials come from the Secrets named, read one by one (only with --probe) and used
// only to sign the two requests; the report names where they came from, never their values.
import { GetObjectCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { doctorFinding } from '../../settings/doctor/finding.ts';
import type { DoctorFinding } from '../../settings/doctor/finding.ts';
import type { CredentialRef, UiRead, UiReadPlan } from '../../settings/installation/ui-read.ts';
import { secretValue } from '../secrets/facts.ts';
import { makeS3Client } from '../s3/client.ts';
import type { S3ClientOptions } from '../s3/client.ts';
import { describeS3Error } from '../s3/errors.ts';
import type { S3Target } from '../s3/launcher-connection.ts';

/** A Secret's data by namespace and name; undefined when absent, a string saying why when it may not be read. */
export type SecretSource = (namespace: string, name: string) => Promise<RawSecret | undefined | string>;
type RawSecret = { data?: Record<string, string> | null; stringData?: Record<string, string> | null };

const PEEK_BYTES = 256;
const LAUNCHER = { kind: 'ConfigMap', name: 'kfp-launcher' };

export async function probeUiReads(plans: UiReadPlan[], secrets: SecretSource, opts: S3ClientOptions = {}): Promise<DoctorFinding[]> {
  const out: DoctorFinding[] = [];
  for (const plan of plans) {
    if (!plan.ok) {
      out.push(doctorFinding('uiArtifactRead', 'info', plan.namespace, LAUNCHER, `probe skipped: ${plan.why}`, ''));
      continue;
    }
    try {
      out.push(await probeOne(plan.read, secrets, opts));
    } catch (e) {
      // e.g. settings the SDK cannot even build a client from: reported, not an internal error.
      const why = e instanceof Error ? e.message : String(e);
      out.push(doctorFinding('uiArtifactRead', 'error', plan.read.namespace, LAUNCHER, `the probe could not run: ${why}`, plan.read.fix));
    }
  }
  return out;
}

async function probeOne(r: UiRead, secrets: SecretSource, opts: S3ClientOptions): Promise<DoctorFinding> {
  const access = await resolve(r.accessKey, secrets);
  const secret = await resolve(r.secretKey, secrets);
  const skip = [access, secret].find((c): c is { why: string } => typeof c !== 'string');
  if (skip !== undefined) return doctorFinding('uiArtifactRead', 'info', r.namespace, LAUNCHER, `probe skipped: ${skip.why}`, '');
  const target = targetOf(r, access as string, secret as string);
  const where =
    `${r.namespace}'s artifacts under s3://${r.bucket}/${r.prefix} ` + `as the UI reads them (${r.via}, ${target.endpoint ?? 'AWS S3'})`;
  const client = makeS3Client(target, opts);
  try {
    let key: string | undefined;
    try {
      const listed = await client.send(new ListObjectsV2Command({ Bucket: r.bucket, Prefix: r.prefix, MaxKeys: 1 }));
      key = listed.Contents?.[0]?.Key;
    } catch (e) {
      return failed(r, where, describeS3Error(e, { op: 'ListObjectsV2', target, bucket: r.bucket }));
    }
    if (key === undefined)
      return doctorFinding(
        'uiArtifactRead',
        'info',
        r.namespace,
        LAUNCHER,
        `${where}: no artifact yet to read`,
        'run a pipeline in the namespace, then probe again',
      );
    try {
      const got = await client.send(new GetObjectCommand({ Bucket: r.bucket, Key: key, Range: `bytes=0-${PEEK_BYTES - 1}` }));
      await got.Body?.transformToByteArray();
    } catch (e) {
      return failed(r, where, describeS3Error(e, { op: 'GetObject', target, bucket: r.bucket, key }));
    }
    return doctorFinding('uiArtifactRead', 'ok', r.namespace, LAUNCHER, `${where}: read the first bytes of ${key}`, '');
  } finally {
    client.destroy();
  }
}

function failed(r: UiRead, where: string, info: { message: string; fix: string; code: string }): DoctorFinding {
  return doctorFinding('uiArtifactRead', 'error', r.namespace, LAUNCHER, `${where}: ${info.message}`, `${info.fix}; ${r.fix}`, {
    code: info.code,
  });
}

async function resolve(ref: CredentialRef, secrets: SecretSource): Promise<string | { why: string }> {
  if (ref.kind === 'value') return ref.value;
  if (ref.kind === 'chain') return { why: `${ref.from}: the UI would use the AWS SDK's default chain, which doctor cannot reproduce` };
  const s = await secrets(ref.namespace, ref.name);
  if (typeof s === 'string') return { why: `Secret ${ref.namespace}/${ref.name} could not be read (${s})` };
  if (s === undefined) return { why: `Secret ${ref.namespace}/${ref.name} does not exist (offline: is not among the files)` };
  return secretValue(s, ref.key) ?? { why: `Secret ${ref.namespace}/${ref.name} has no key ${ref.key}: the UI could not read either` };
}

// minio-js: path-style for non-AWS hosts, port from the setting or the scheme's default.
function targetOf(r: UiRead, accessKeyId: string, secretAccessKey: string): S3Target {
  const aws = /(^|\.)amazonaws\.com$/.test(r.host);
  const target: S3Target = {
    region: r.region,
    forcePathStyle: !aws,
    disableSSL: !r.useSSL,
    maxRetries: 1,
    credentials: { accessKeyId, secretAccessKey },
  };
  if (!aws) target.endpoint = `${r.useSSL ? 'https' : 'http'}://${r.host}${r.port !== undefined ? `:${r.port}` : ''}`;
  return target;
}
