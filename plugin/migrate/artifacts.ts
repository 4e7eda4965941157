// The target check and --copy-artifacts: HeadBucket on the target bucket with the target
// credentials, exactly as the planned session connects, before any write; and the copy of a
// namespace's objects from its current root (current session and Secret) to the target bucket under
// the same keys, before its configuration is switched. Secret values only sign requests.
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import type { SnapshotIndex } from '../../settings/cluster/snapshot.ts';
import { namespaceView } from '../../settings/inspect/namespace-view.ts';
import type { NamespacePlan } from '../../settings/migrate/plan.ts';
import type { MigrationTarget } from '../../settings/migrate/target.ts';
import type { Source } from '../commands/source.ts';
import { secretValue } from '../secrets/facts.ts';
import { makeS3Client } from '../s3/client.ts';
import { copyPrefix } from '../s3/copy/run.ts';
import type { CopyProgress, CopySummary, Location } from '../s3/copy/run.ts';
import { describeS3Error } from '../s3/errors.ts';
import { namespaceStore } from '../s3/namespace-store.ts';
import { targetFromSession } from '../s3/target.ts';
import type { S3Credentials, S3Target } from '../s3/target.ts';
import { readObject } from './objects.ts';

type RawSecret = { data?: Record<string, string> | null; stringData?: Record<string, string> | null };

/** The target credentials the planned Secret will hold, when they are known (cloned or already filled). */
export async function targetCredentials(source: Source, plan: NamespacePlan, target: MigrationTarget): Promise<S3Credentials | undefined> {
  const secret = plan.changes.find((c) => c.kind === 'Secret');
  let raw: RawSecret | undefined;
  if (secret?.cloneFrom !== undefined) {
    const { namespace, name } = secret.cloneFrom;
    raw = source.rawSecrets.get(`${namespace}/${name}`);
    if (raw === undefined && source.api !== undefined) raw = await readObject(source.api, 'Secret', namespace, name);
  } else raw = source.rawSecrets.get(`${plan.namespace}/${plan.secretName}`);
  if (raw === undefined) return undefined;
  const accessKeyId = secretValue(raw, target.secret.accessKeyKey);
  const secretAccessKey = secretValue(raw, target.secret.secretKeyKey);
  if (accessKeyId === undefined || secretAccessKey === undefined || accessKeyId === '' || secretAccessKey === '') return undefined;
  return { accessKeyId, secretAccessKey };
}

/** The connection the planned kfp-launcher's session gives (providersText's fields). */
export function targetS3(target: MigrationTarget, credentials: S3Credentials): S3Target {
  return targetFromSession({ endpoint: target.endpoint, region: target.region, disableSSL: String(target.disableSSL), forcePathStyle: String(target.forcePathStyle) }, credentials);
}

/** undefined when the bucket answers; else one line naming endpoint and bucket. */
export async function checkTarget(s3: S3Target, bucket: string): Promise<string | undefined> {
  const client = makeS3Client(s3, { timeoutMs: 10_000 });
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
    return undefined;
  } catch (e) {
    return describeS3Error(e, { op: 'HeadBucket', target: s3, bucket }).message;
  } finally {
    client.destroy();
  }
}

/** The namespace's current root as KFP's launcher reads it, with the current Secret's values. */
export function currentLocation(index: SnapshotIndex, source: Source, namespace: string): Location | { error: string } {
  const store = namespaceStore(namespaceView(index, namespace), source.rawSecrets);
  if (!store.ok) return { error: store.reason };
  if (store.fromEnv) return { error: 'the current session uses fromEnv credentials, which exist only inside the pipeline pods' };
  return { target: store.target, bucket: store.bucket, prefix: store.prefix };
}

function sameStore(a: Location, b: Location): boolean {
  return (a.target.endpoint ?? '') === (b.target.endpoint ?? '') && a.target.region === b.target.region;
}

function sameLocation(a: Location, b: Location): boolean {
  return a.bucket === b.bucket && sameStore(a, b);
}

/** One set of keys reads the source and writes the target: the store can copy server-side. */
function serverSideCopyable(a: Location, b: Location): boolean {
  const ka = a.target.credentials;
  const kb = b.target.credentials;
  return sameStore(a, b) && ka !== undefined && kb !== undefined && ka.accessKeyId === kb.accessKeyId && ka.secretAccessKey === kb.secretAccessKey;
}

function mb(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}

/**
 * --copy-artifacts for one namespace, before its configuration switches. 'done': copied (or
 * nothing to copy), go on and apply; otherwise the namespace is left as it was.
 */
export async function copyBeforeSwitch(index: SnapshotIndex, source: Source, namespace: string, target: { s3: S3Target | undefined; bucket: string }, signal: AbortSignal, say: (text: string) => void): Promise<'done' | 'failed' | 'interrupted'> {
  const from = currentLocation(index, source, namespace);
  if (target.s3 === undefined || 'error' in from) {
    process.stderr.write(`error: ${namespace}: artifacts cannot be copied: ${'error' in from ? from.error : 'no checked target'}; nothing was changed in ${namespace}\n`);
    return 'failed';
  }
  const to = { target: target.s3, bucket: target.bucket, prefix: from.prefix };
  if (sameLocation(from, to)) {
    say(`${namespace}: artifacts are already in ${target.bucket} at the target endpoint; nothing to copy\n`);
    return 'done';
  }
  const sum = await copyArtifacts(namespace, from, to, signal);
  if (sum.aborted) {
    say(`${namespace}: artifact copy interrupted after ${sum.copied} objects; its configuration was not changed (re-run to resume the copy)\n`);
    return 'interrupted';
  }
  const serverSide = sum.serverSide > 0 ? ` (${sum.serverSide} server-side)` : '';
  say(`${namespace}: artifacts: ${sum.copied} copied${serverSide}, ${sum.skipped} skipped (already at the target), ${mb(sum.bytes)} MB, ${sum.failures.length} failed\n`);
  if (sum.failures.length === 0) return 'done';
  for (const f of sum.failures.slice(0, 10)) process.stderr.write(`error: ${namespace}: ${f.key}: ${f.reason}\n`);
  process.stderr.write(`error: ${namespace}: the artifact copy failed; its configuration was not changed (re-run to resume the copy)\n`);
  return 'failed';
}

/** Copies with a throttled progress line on stderr (rewritten in place on a TTY). */
async function copyArtifacts(namespace: string, from: Location, to: Location, signal?: AbortSignal): Promise<CopySummary> {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  const line = (p: CopyProgress): string => `${namespace}: copying: ${p.objects} objects, ${mb(p.bytes)} MB${p.totalKnown !== undefined ? ` of ${p.totalKnown.objects} objects, ${mb(p.totalKnown.bytes)} MB` : ''}, ${p.skipped} skipped, ${p.failed} failed`;
  const onProgress = (p: CopyProgress): void => {
    const now = Date.now();
    if (now - last < (tty ? 250 : 2000)) return;
    last = now;
    process.stderr.write(tty ? `\r${line(p)}\x1b[K` : `${line(p)}\n`);
  };
  const summary = await copyPrefix({ source: from, destination: to, concurrency: 8, onProgress, sameStore: serverSideCopyable(from, to), ...(signal === undefined ? {} : { signal }) });
  if (tty && last !== 0) process.stderr.write('\r\x1b[K');
  return summary;
}
