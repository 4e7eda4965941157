// A multipart upload from a stream with memory bounded by partSize * (queueSize + 1): each part is
// filled into one preallocated buffer (lib-storage's Upload concatenates and retains extra copies,
// which measured ~43 MiB RSS growth for a 48 MiB object). On any failure, including an abort, the
// upload is aborted before this returns, so no parts are left behind. Each part carries its
// SHA-256, which the target checks against the bytes it received, and the part's ETag it answers
// must be the MD5 of those bytes (where ETags are MD5s), so a store that ignores the header is
// still checked. With a journal, the upload is recorded in the target before it starts and the
// record goes once it is completed or aborted, so a crash in between leaves a record a re-run acts on.
import { Buffer } from 'node:buffer';
import { createHash } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  CompleteMultipartUploadCommand,
  CreateMultipartUploadCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { CompletedPart } from '@aws-sdk/client-s3';
import type { ObjectRef } from './copy-object.ts';
import { plainMd5 } from './list.ts';
import { withPayloadSha256 } from './signed-payload.ts';
import type { UploadJournal } from './upload-journal.ts';

export interface MultipartOptions {
  partSize: number;
  queueSize: number;
  contentType?: string;
  metadata: Record<string, string>;
  signal?: AbortSignal;
  journal?: UploadJournal;
}

export async function uploadMultipart(dst: ObjectRef, body: AsyncIterable<Buffer>, opts: MultipartOptions): Promise<void> {
  const { client, bucket: Bucket, key: Key } = dst;
  // No signal on Create and Complete: cancelling them mid-request could leave an upload the store
  // created (or finished) without us knowing its id; both are short, and the abort is checked after.
  const entry = await opts.journal?.open(Key);
  const created = await client.send(
    new CreateMultipartUploadCommand({ Bucket, Key, ContentType: opts.contentType, Metadata: opts.metadata }),
  );
  const UploadId = created.UploadId;
  if (UploadId === undefined) throw new Error('CreateMultipartUpload returned no UploadId');
  const parts: CompletedPart[] = [];
  const inFlight = new Set<Promise<void>>();
  // queueSize + 1 part buffers, reused: fresh 8 MiB buffers per part would pile up as garbage
  // faster than V8 collects it, and RSS would grow with the object size after all.
  const pool = new PartPool(opts.partSize, opts.queueSize + 1);
  try {
    if (entry !== undefined) await opts.journal?.started(entry, UploadId);
    opts.signal?.throwIfAborted();
    let PartNumber = 0;
    for await (const part of fixedParts(body, pool)) {
      const n = ++PartNumber;
      const data = part.data;
      const upload = new UploadPartCommand({ Bucket, Key, UploadId, PartNumber: n, Body: data, ContentLength: data.length });
      const md5 = createHash('md5').update(data).digest('hex');
      const sent = client
        .send(withPayloadSha256(upload, createHash('sha256').update(data).digest('hex')), { abortSignal: opts.signal })
        .then((r) => {
          if (r.ETag === undefined) throw new Error(`UploadPart ${n} returned no ETag`);
          const stored = plainMd5(r.ETag, r);
          if (stored !== undefined && stored !== md5)
            throw new Error(`verification failed: part ${n}'s ETag is not the MD5 of the bytes sent`);
          parts.push({ PartNumber: n, ETag: r.ETag });
        });
      // The buffer goes back to the pool only once its request is over (sent or failed).
      const tracked: Promise<void> = sent.finally(() => {
        inFlight.delete(tracked);
        pool.release(part.buffer);
      });
      tracked.catch(() => {}); // observed below; avoids an unhandled rejection meanwhile
      inFlight.add(tracked);
      if (inFlight.size >= opts.queueSize) await Promise.race(inFlight);
    }
    await Promise.all(inFlight);
    parts.sort((x, y) => (x.PartNumber ?? 0) - (y.PartNumber ?? 0));
    opts.signal?.throwIfAborted();
    await client.send(new CompleteMultipartUploadCommand({ Bucket, Key, UploadId, MultipartUpload: { Parts: parts } }));
  } catch (e) {
    await Promise.allSettled(inFlight);
    try {
      // No signal: the abort must go out even when the copy itself was aborted.
      await client.send(new AbortMultipartUploadCommand({ Bucket, Key, UploadId }));
    } catch {
      // Report the original failure; the record stays, so a re-run retries the abort.
      throw e;
    }
    if (entry !== undefined) await opts.journal?.close(entry).catch(() => {});
    throw e;
  }
  if (entry !== undefined) await opts.journal?.close(entry);
}

class PartPool {
  readonly #free: Buffer[] = [];
  readonly #size: number;
  #left: number;

  constructor(size: number, count: number) {
    this.#size = size;
    this.#left = count;
  }

  /** The upload loop never holds more than `count` buffers, so this always has one to give. */
  take(): Buffer {
    const b = this.#free.pop();
    if (b !== undefined) return b;
    if (this.#left === 0) throw new Error('part pool exhausted');
    this.#left--;
    return Buffer.allocUnsafe(this.#size);
  }

  release(b: Buffer): void {
    this.#free.push(b);
  }
}

/** Re-chunks a stream into parts of exactly the pool's buffer size (the last may be shorter). */
async function* fixedParts(body: AsyncIterable<Buffer>, pool: PartPool): AsyncGenerator<{ buffer: Buffer; data: Buffer }> {
  let part = pool.take();
  let filled = 0;
  for await (const chunk of body) {
    let offset = 0;
    while (offset < chunk.length) {
      const n = Math.min(part.length - filled, chunk.length - offset);
      chunk.copy(part, filled, offset, offset + n);
      filled += n;
      offset += n;
      if (filled === part.length) {
        yield { buffer: part, data: part };
        part = pool.take();
        filled = 0;
      }
    }
  }
  if (filled > 0) yield { buffer: part, data: part.subarray(0, filled) };
  else pool.release(part);
}
