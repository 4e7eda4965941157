// Copies one object to the target and proves it arrived intact: SHA-256 and size are computed
// while streaming and checked against what the target stores. Memory per call is bounded by
// max(multipartThreshold, partSize * (queueSize + 1)) plus stream buffers, whatever the object size.
import { Buffer } from 'node:buffer';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { HeadObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import { HashStream, SHA256_META } from './hash-stream.ts';
import { uploadMultipart } from './multipart.ts';

export interface ObjectRef {
  client: S3Client;
  bucket: string;
  key: string;
}

export interface CopyOptions {
  /** Objects above this size go multipart (and are never held whole in memory). */
  multipartThreshold: number;
  partSize: number;
  queueSize: number;
  /** Same store and the target credentials can read the source: use CopyObject. */
  sameStore?: boolean;
  /** Server-side path only: read source and target once each to prove the SHA-256. Default true. */
  verifyServerSide?: boolean;
  signal?: AbortSignal;
  /** Bytes streamed so far, for progress. */
  onBytes?: (n: number) => void;
}

export const COPY_DEFAULTS = { multipartThreshold: 16 * 1024 * 1024, partSize: 8 * 1024 * 1024, queueSize: 2 } as const;
/** CopyObject's limit; larger objects would need UploadPartCopy, so they are streamed instead. */
const MAX_SERVER_SIDE_COPY = 5 * 1024 ** 3;

export interface CopyResult {
  bytes: number;
  /** undefined only for an unverified server-side copy of an object without kfstore-sha256. */
  sha256?: string;
  mode: 'stream' | 'server-side';
}

export async function copyObject(src: ObjectRef, dst: ObjectRef, opts: CopyOptions): Promise<CopyResult> {
  const head = await src.client.send(new HeadObjectCommand({ Bucket: src.bucket, Key: src.key }), { abortSignal: opts.signal });
  const size = head.ContentLength ?? 0;
  if (opts.sameStore === true && size <= MAX_SERVER_SIDE_COPY) return serverSideCopy(src, dst, head, size, opts);
  const claimed = head.Metadata?.[SHA256_META];
  const result =
    size <= opts.multipartThreshold
      ? await putSmall(src, dst, head, { size, ...(claimed === undefined ? {} : { sha256: claimed }) }, opts)
      : await putMultipart(src, dst, head, { size, sha256: claimed ?? (await hashObject(src, size, opts.signal)) }, opts);
  await verifyTarget(dst, result.bytes, result.sha256, opts.signal);
  return { ...result, mode: 'stream' };
}

/** Streams an object through SHA-256 and discards it: one full read, no memory beyond a chunk. */
export async function hashObject(ref: ObjectRef, size: number | undefined, signal?: AbortSignal): Promise<string> {
  const body = await getBody(ref, signal);
  const hash = new HashStream(size === undefined ? undefined : { size });
  await pipeline(body, hash, async (chunks: AsyncIterable<Buffer>) => {
    for await (const _ of chunks); // drain
  }, { signal });
  return hash.sha256;
}

async function getBody(ref: ObjectRef, signal?: AbortSignal): Promise<Readable> {
  const got = await ref.client.send(new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key }), { abortSignal: signal });
  if (!(got.Body instanceof Readable)) throw new Error('GetObject returned no readable body');
  return got.Body;
}

function targetMetadata(head: HeadObjectCommandOutput, sha256: string | undefined): Record<string, string> {
  const meta: Record<string, string> = { ...head.Metadata };
  if (sha256 === undefined) delete meta[SHA256_META];
  else meta[SHA256_META] = sha256;
  return meta;
}

// Small objects are buffered: the hash must be known before the PUT carries it as metadata.
async function putSmall(src: ObjectRef, dst: ObjectRef, head: HeadObjectCommandOutput, expected: { size: number; sha256?: string }, opts: CopyOptions): Promise<{ bytes: number; sha256: string }> {
  const hash = new HashStream(expected, opts.onBytes);
  const chunks: Buffer[] = [];
  await pipeline(await getBody(src, opts.signal), hash, async (source: AsyncIterable<Buffer>) => {
    for await (const c of source) chunks.push(c);
  }, { signal: opts.signal });
  const body = Buffer.concat(chunks);
  await dst.client.send(
    new PutObjectCommand({ Bucket: dst.bucket, Key: dst.key, Body: body, ContentLength: body.length, ContentType: head.ContentType, Metadata: targetMetadata(head, hash.sha256) }),
    { abortSignal: opts.signal },
  );
  return { bytes: hash.bytes, sha256: hash.sha256 };
}

// S3 takes metadata when the multipart upload starts, so the SHA-256 must be known up front (the
// source's claim, or a hashing pass). The streamed bytes must match it or the upload is aborted.
async function putMultipart(src: ObjectRef, dst: ObjectRef, head: HeadObjectCommandOutput, expected: { size: number; sha256: string }, opts: CopyOptions): Promise<{ bytes: number; sha256: string }> {
  const hash = new HashStream(expected, opts.onBytes);
  const body = await getBody(src, opts.signal);
  body.on('error', (e) => hash.destroy(e));
  // The upload loop sees the error by iterating `hash`; until it starts, an 'error' event with
  // no listener would crash the process.
  hash.on('error', () => {});
  body.pipe(hash);
  // Failing the stream stops the part loop, which then aborts the multipart upload.
  const onAbort = (): void => {
    hash.destroy(Object.assign(new Error('copy aborted'), { name: 'AbortError' }));
    body.destroy();
  };
  opts.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    await uploadMultipart(dst, hash, { partSize: opts.partSize, queueSize: opts.queueSize, contentType: head.ContentType, metadata: targetMetadata(head, expected.sha256), signal: opts.signal });
  } catch (e) {
    body.destroy();
    throw e;
  } finally {
    opts.signal?.removeEventListener('abort', onAbort);
  }
  return { bytes: hash.bytes, sha256: hash.sha256 };
}

async function serverSideCopy(src: ObjectRef, dst: ObjectRef, head: HeadObjectCommandOutput, size: number, opts: CopyOptions): Promise<CopyResult> {
  const verify = opts.verifyServerSide !== false;
  // Proving the SHA-256 costs a read of the source (unless it carries our metadata) and one of the target.
  const sha256 = head.Metadata?.[SHA256_META] ?? (verify ? await hashObject(src, size, opts.signal) : undefined);
  const copySource = `${src.bucket}/${src.key.split('/').map(encodeURIComponent).join('/')}`;
  await dst.client.send(
    new CopyObjectCommand({ Bucket: dst.bucket, Key: dst.key, CopySource: copySource, MetadataDirective: 'REPLACE', ContentType: head.ContentType, Metadata: targetMetadata(head, sha256) }),
    { abortSignal: opts.signal },
  );
  opts.onBytes?.(size);
  if (verify && sha256 !== undefined) {
    try {
      const actual = await hashObject(dst, size, opts.signal);
      if (actual !== sha256) throw new Error('SHA-256 of the server-side copy differs from the source');
    } catch (e) {
      await deleteQuietly(dst);
      throw e;
    }
  }
  await verifyTarget(dst, size, sha256, opts.signal);
  return { bytes: size, ...(sha256 === undefined ? {} : { sha256 }), mode: 'server-side' };
}

/** The target must report the size and SHA-256 we streamed; a bad object is deleted. */
async function verifyTarget(dst: ObjectRef, bytes: number, sha256: string | undefined, signal?: AbortSignal): Promise<void> {
  const head = await dst.client.send(new HeadObjectCommand({ Bucket: dst.bucket, Key: dst.key }), { abortSignal: signal });
  let problem: string | undefined;
  if (head.ContentLength !== bytes) problem = `target size ${head.ContentLength ?? 'unknown'} differs from the ${bytes} bytes copied`;
  else if (sha256 !== undefined && head.Metadata?.[SHA256_META] !== sha256) problem = 'target kfstore-sha256 metadata differs from the SHA-256 computed while copying';
  if (problem === undefined) return;
  await deleteQuietly(dst);
  throw new Error(`verification failed, target object deleted: ${problem}`);
}

async function deleteQuietly(ref: ObjectRef): Promise<void> {
  try {
    await ref.client.send(new DeleteObjectCommand({ Bucket: ref.bucket, Key: ref.key }));
  } catch {
    // The caller reports the original failure; a leftover is found by the next resume.
  }
}
