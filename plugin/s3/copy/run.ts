// Copies every object under a source prefix to a destination prefix with a small worker pool.
// Both prefixes are listed once and walked side by side (pairs.ts); the workers share a byte
// budget for their buffers. The source is only read (List, Head, Get); per-object failures are
// collected, not fatal. kfstore's own objects under the prefix (.kfstore/) are never copied; with
// recordUploads, multipart uploads are recorded in the target and those an earlier, interrupted
// copy left open are aborted first (upload-journal.ts).
import { makeS3Client } from '../client.ts';
import type { S3ClientOptions } from '../client.ts';
import { describeS3Error, errorFields } from '../errors.ts';
import type { S3Target } from '../launcher-connection.ts';
import { ByteBudget } from './budget.ts';
import { bufferBytes, COPY_DEFAULTS, copyObject } from './copy-object.ts';
import type { ObjectRef } from './copy-object.ts';
import { listPrefix } from './list.ts';
import { pairListings, TargetListingError } from './pairs.ts';
import { alreadyCopied } from './resume.ts';
import { isInternal, UploadJournal } from './upload-journal.ts';

export interface Location {
  target: S3Target;
  bucket: string;
  prefix: string;
}

export interface CopyProgress {
  /** Objects copied (not skipped) so far. */
  objects: number;
  /** Bytes streamed to the target so far, including objects still in flight. */
  bytes: number;
  skipped: number;
  failed: number;
  /** Set once the listing is complete. */
  totalKnown?: { objects: number; bytes: number };
}

export interface CopyFailure {
  key: string;
  /** One line without secrets (describeS3Error for store errors). */
  reason: string;
}

/** One object's outcome; `key` is the source key. */
export type ObjectResult =
  | { key: string; outcome: 'copied'; bytes: number; mode: 'stream' | 'server-side' }
  | { key: string; outcome: 'skipped' }
  | { key: string; outcome: 'failed'; reason: string };

export interface CopySummary {
  listed: number;
  copied: number;
  skipped: number;
  /** Bytes of objects fully copied. */
  bytes: number;
  serverSide: number;
  failures: CopyFailure[];
  /** The signal fired: in-flight objects were abandoned (not counted as failures). */
  aborted: boolean;
  /** Multipart uploads an earlier copy recorded and left open, aborted before this one began. */
  abortedUploads: number;
}

export interface CopyPrefixOptions {
  source: Location;
  destination: Location;
  concurrency: number;
  onProgress?: (p: CopyProgress) => void;
  /** Per-object results as they happen (the summary keeps only failures, so memory stays flat). */
  onObject?: (r: ObjectResult) => void;
  signal?: AbortSignal;
  /** Skip on equal size alone (see resume.ts). */
  trustSize?: boolean;
  /** Use CopyObject: only when both are the same store and the destination credentials can read the source. */
  sameStore?: boolean;
  multipartThreshold?: number;
  partSize?: number;
  queueSize?: number;
  /** Buffer memory shared by all workers; default 48 MiB. */
  memoryBudget?: number;
  /** Record multipart uploads in the destination and abort those an interrupted copy left. */
  recordUploads?: boolean;
  client?: S3ClientOptions;
}

export const DEFAULT_MEMORY_BUDGET = 48 * 1024 * 1024;

export async function copyPrefix(o: CopyPrefixOptions): Promise<CopySummary> {
  // Long transfers: the idle timeout must outlast slow parts, not only connects.
  const clientOpts = { timeoutMs: 60_000, ...o.client };
  const srcClient = makeS3Client(o.source.target, clientOpts);
  const dstClient = o.sameStore === true ? srcClient : makeS3Client(o.destination.target, clientOpts);
  const summary: CopySummary = {
    listed: 0,
    copied: 0,
    skipped: 0,
    bytes: 0,
    serverSide: 0,
    failures: [],
    aborted: false,
    abortedUploads: 0,
  };
  const progress: CopyProgress = { objects: 0, bytes: 0, skipped: 0, failed: 0 };
  const report = (): void => o.onProgress?.({ ...progress });
  // A function, so TypeScript does not narrow the flag across awaits.
  const aborted = (): boolean => o.signal?.aborted === true;
  const sizes = {
    multipartThreshold: o.multipartThreshold ?? COPY_DEFAULTS.multipartThreshold,
    partSize: o.partSize ?? COPY_DEFAULTS.partSize,
    queueSize: o.queueSize ?? COPY_DEFAULTS.queueSize,
  };
  const budget = new ByteBudget(o.memoryBudget ?? DEFAULT_MEMORY_BUDGET);
  let listedBytes = 0;
  const pairs = pairListings(
    listPrefix(srcClient, o.source.bucket, o.source.prefix, o.signal),
    o.source.prefix,
    listPrefix(dstClient, o.destination.bucket, o.destination.prefix, o.signal),
    o.destination.prefix,
  );
  const listing = (async function* () {
    for await (const pair of pairs) {
      if (isInternal(pair.relative)) continue;
      summary.listed++;
      listedBytes += pair.source.size;
      yield pair;
    }
    progress.totalKnown = { objects: summary.listed, bytes: listedBytes };
    report();
  })();

  const worker = async (): Promise<void> => {
    // Async generators queue concurrent next() calls, so workers can share one listing.
    for (;;) {
      if (aborted()) return;
      const next = await listing.next();
      if (next.done === true) return;
      const { source: obj, relative, target } = next.value;
      const src: ObjectRef = { client: srcClient, bucket: o.source.bucket, key: obj.key };
      const dst: ObjectRef = { client: dstClient, bucket: o.destination.bucket, key: o.destination.prefix + relative };
      let streamed = 0;
      let release: (() => void) | undefined;
      try {
        const decision = await alreadyCopied(src, obj, dst, target, { trustSize: o.trustSize, signal: o.signal });
        if (decision.skip) {
          summary.skipped++;
          progress.skipped++;
          o.onObject?.({ key: obj.key, outcome: 'skipped' });
          report();
          continue;
        }
        release = await budget.reserve(bufferBytes(obj.size, { ...sizes, sameStore: o.sameStore }));
        if (aborted()) return;
        const result = await copyObject(src, dst, obj.size, {
          ...sizes,
          sameStore: o.sameStore,
          signal: o.signal,
          ...(journal === undefined ? {} : { journal }),
          onBytes: (n) => {
            streamed += n;
            progress.bytes += n;
            report();
          },
        });
        summary.copied++;
        summary.bytes += result.bytes;
        if (result.mode === 'server-side') summary.serverSide++;
        progress.objects++;
        o.onObject?.({ key: obj.key, outcome: 'copied', bytes: result.bytes, mode: result.mode });
        report();
      } catch (e) {
        progress.bytes -= streamed;
        if (aborted()) return;
        const reason = reasonOf(e, o, obj.key);
        summary.failures.push({ key: obj.key, reason });
        progress.failed++;
        o.onObject?.({ key: obj.key, outcome: 'failed', reason });
        report();
      } finally {
        release?.();
      }
    }
  };

  const journal = o.recordUploads === true ? new UploadJournal(dstClient, o.destination.bucket, o.destination.prefix) : undefined;
  try {
    if (journal !== undefined) {
      try {
        summary.abortedUploads = await journal.recover(o.signal);
      } catch (e) {
        throw new Error(
          `the uploads an interrupted copy left open could not be aborted: ${describeS3Error(e, { op: 'AbortMultipartUpload', target: o.destination.target, bucket: o.destination.bucket }).message}`,
        );
      }
    }
    // allSettled: every worker must stop before the clients are destroyed.
    const settled = await Promise.allSettled(Array.from({ length: Math.max(1, Math.floor(o.concurrency)) }, worker));
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    // Only the listing can fail here (object errors are caught per object); it stops everything.
    if (failed !== undefined && !aborted()) throw new Error(reasonOf(failed.reason, o, undefined));
  } finally {
    srcClient.destroy();
    if (dstClient !== srcClient) dstClient.destroy();
  }
  summary.aborted = aborted();
  return summary;
}

function reasonOf(e: unknown, o: CopyPrefixOptions, key: string | undefined): string {
  if (e instanceof TargetListingError)
    return describeS3Error(e.cause, { op: 'ListObjectsV2', target: o.destination.target, bucket: o.destination.bucket }).message;
  // Store and network errors get the shared wording; our own verification errors are plain text.
  if (errorFields(e).status !== undefined || (e instanceof Error && 'code' in e)) {
    return describeS3Error(e, {
      op: key === undefined ? 'ListObjectsV2' : 'copy',
      target: o.source.target,
      bucket: o.source.bucket,
      ...(key === undefined ? {} : { key }),
    }).message;
  }
  return e instanceof Error ? (e.message.split('\n', 1)[0] ?? 'error') : String(e);
}
