// --copy-artifacts: the copy of a namespace's objects from its current root (current session and
// Secret) to the target bucket under the same keys, before its configuration is switched, and the
// check that the target holds them all. Secret values only sign requests.
import type { SnapshotIndex } from '../../settings/cluster/snapshot.ts';
import { namespaceView } from '../../settings/inspect/namespace-view.ts';
import type { Source } from '../source/source.ts';
import { copyPrefix } from '../s3/copy/run.ts';
import { verifyCopy } from '../s3/copy/verify.ts';
import type { CopyProgress, CopySummary, Location } from '../s3/copy/run.ts';
import { namespaceStore } from '../s3/namespace-store.ts';
import type { S3Target } from '../s3/launcher-connection.ts';
import { onePrincipal, samePlace } from './same-place.ts';

/** The namespace's current root as KFP's launcher reads it, with the current Secret's values. */
export function currentLocation(index: SnapshotIndex, source: Source, namespace: string): Location | { error: string } {
  const store = namespaceStore(namespaceView(index, namespace), source.rawSecrets);
  if (!store.ok) return { error: store.reason };
  if (store.fromEnv) return { error: 'the current session uses fromEnv credentials, which exist only inside the pipeline pods' };
  return { target: store.target, bucket: store.bucket, prefix: store.prefix };
}

function mb(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}

export type CopyStep = 'done' | 'failed' | 'interrupted';

/**
 * --copy-artifacts for one namespace, before its configuration switches: copied, or proven to be
 * in place already (same-place.ts), then verified from listings. 'done' only when the target holds
 * every object under the source prefix (and at least as many as the pre-flight listed); otherwise
 * the namespace is left as it was.
 */
export async function copyBeforeSwitch(
  index: SnapshotIndex,
  source: Source,
  namespace: string,
  target: { s3: S3Target | undefined; bucket: string; listed?: { objects: number; truncated: boolean } },
  signal: AbortSignal,
  say: (text: string) => void,
): Promise<CopyStep> {
  const fail = (why: string): CopyStep => {
    process.stderr.write(`error: ${namespace}: ${why}; ${namespace} was not switched\n`);
    return 'failed';
  };
  const from = currentLocation(index, source, namespace);
  if (target.s3 === undefined || 'error' in from)
    return fail(`artifacts cannot be copied: ${'error' in from ? from.error : 'no checked target'}`);
  const to = { target: target.s3, bucket: target.bucket, prefix: from.prefix };
  const where = `s3://${target.bucket}/${from.prefix}`;
  try {
    const place = await samePlace(from, to);
    if ('refused' in place) return fail(place.refused);
    if (place.same) say(`${namespace}: ${where} is the bucket the objects already are in (${place.proof}); nothing to copy\n`);
    else {
      const sum = await copyArtifacts(namespace, from, to, signal);
      if (sum.abortedUploads > 0) say(`${namespace}: aborted ${sum.abortedUploads} multipart uploads an interrupted copy had left open\n`);
      if (sum.aborted) {
        say(
          `${namespace}: artifact copy interrupted after ${sum.copied} objects; its configuration was not changed (re-run to resume the copy)\n`,
        );
        return 'interrupted';
      }
      const serverSide = sum.serverSide > 0 ? ` (${sum.serverSide} server-side)` : '';
      say(
        `${namespace}: artifacts: ${sum.copied} copied${serverSide}, ${sum.skipped} skipped (already at the target), ${mb(sum.bytes)} MB, ${sum.failures.length} failed\n`,
      );
      if (sum.failures.length > 0) {
        for (const f of sum.failures.slice(0, 10)) process.stderr.write(`error: ${namespace}: ${f.key}: ${f.reason}\n`);
        return fail('the artifact copy failed (re-run to resume the copy)');
      }
    }
    const v = await verifyCopy(from, to, signal);
    if (v.missing + v.different > 0)
      return fail(
        `${where} lacks ${v.missing} and has ${v.different} different of the ${v.sourceObjects} objects under s3://${from.bucket}/${from.prefix} (first: ${v.example ?? '?'})`,
      );
    const listed = target.listed;
    if (listed !== undefined && !listed.truncated && v.sourceObjects < listed.objects)
      return fail(`the source now holds ${v.sourceObjects} objects where the pre-flight listed ${listed.objects}; re-run to plan again`);
    say(`${namespace}: verified: all ${v.sourceObjects} objects are at ${where} (same keys and sizes)\n`);
    return 'done';
  } catch (e) {
    if (signal.aborted) return 'interrupted';
    return fail(e instanceof Error ? (e.message.split('\n', 1)[0] ?? 'error') : String(e));
  }
}

/** Copies with a throttled progress line on stderr (rewritten in place on a TTY). */
async function copyArtifacts(namespace: string, from: Location, to: Location, signal?: AbortSignal): Promise<CopySummary> {
  const tty = process.stderr.isTTY === true;
  let last = 0;
  const line = (p: CopyProgress): string =>
    `${namespace}: copying: ${p.objects} objects, ${mb(p.bytes)} MB${p.totalKnown !== undefined ? ` of ${p.totalKnown.objects} objects, ${mb(p.totalKnown.bytes)} MB` : ''}, ${p.skipped} skipped, ${p.failed} failed`;
  const onProgress = (p: CopyProgress): void => {
    const now = Date.now();
    if (now - last < (tty ? 250 : 2000)) return;
    last = now;
    process.stderr.write(tty ? `\r${line(p)}\x1b[K` : `${line(p)}\n`);
  };
  const summary = await copyPrefix({
    source: from,
    destination: to,
    concurrency: 8,
    onProgress,
    sameStore: onePrincipal(from, to),
    recordUploads: true,
    ...(signal === undefined ? {} : { signal }),
  });
  if (tty && last !== 0) process.stderr.write('\r\x1b[K');
  return summary;
}
