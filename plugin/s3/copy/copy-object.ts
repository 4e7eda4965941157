// Copies one object to the target, verified on the way: the SHA-256 and MD5 of the bytes are
// computed while streaming; what was read must match what the source states (its single-part
// ETag is an MD5, and a kfstore-sha256 it carries), and the target store itself checks every
// upload (a whole PUT, or each part) against the SHA-256 we send with it (signed-payload.ts), so
// no read-back is needed. Two requests per small object (GET, PUT), as rclone.
// Memory per call is bounded by max(multipartThreshold, partSize * (queueSize + 1)) plus stream
// buffers, whatever the object size; run.ts reserves it from a shared budget first.
import { Buffer } from 'node:buffer';
import { Readable } from 'node:stream';
import { CopyObjectCommand, DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { GetObjectCommandOutput, S3Client } from '@aws-sdk/client-s3';
import { Digest, digested, SHA256_META, SOURCE_ETAG_META } from './digest.ts';
import { plainMd5, unquote } from './list.ts';
import { uploadMultipart } from './multipart.ts';
import { withPayloadSha256 } from './signed-payload.ts';
import type { UploadJournal } from './upload-journal.ts';

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
  /** Records multipart uploads in the target (upload-journal.ts). */
  journal?: UploadJournal;
}

export const COPY_DEFAULTS = { multipartThreshold: 16 * 1024 * 1024, partSize: 8 * 1024 * 1024, queueSize: 2 } as const;
/** CopyObject's limit; larger objects would need UploadPartCopy, so they are streamed instead. */
const MAX_SERVER_SIDE_COPY = 5 * 1024 ** 3;

export interface CopyResult {
  bytes: number;
  /** The object's SHA-256 when known: uploaded whole, or stated by the source and checked. */
  sha256?: string;
  mode: 'stream' | 'server-side';
}

/** What the source's GET (or HEAD) said about the object. */
interface SourceInfo {
  size: number;
  etag: string;
  /** The ETag as an MD5 of the bytes, when it is one. */
  md5?: string;
  contentType?: string;
  metadata: Record<string, string>;
}

/** Buffer memory copyObject will hold for an object of this size (for the shared budget). */
export function bufferBytes(size: number, opts: Pick<CopyOptions, 'multipartThreshold' | 'partSize' | 'queueSize' | 'sameStore'>): number {
  if (opts.sameStore === true && size <= MAX_SERVER_SIDE_COPY) return 0;
  return size <= opts.multipartThreshold ? size : opts.partSize * (opts.queueSize + 1);
}

/** `listedSize`: the size the listing showed, which chose the memory reserved for this copy. */
export async function copyObject(src: ObjectRef, dst: ObjectRef, listedSize: number, opts: CopyOptions): Promise<CopyResult> {
  if (opts.sameStore === true && listedSize <= MAX_SERVER_SIDE_COPY) {
    const head = await src.client.send(new HeadObjectCommand({ Bucket: src.bucket, Key: src.key }), { abortSignal: opts.signal });
    return serverSideCopy(
      src,
      dst,
      {
        size: head.ContentLength ?? 0,
        etag: unquote(head.ETag),
        ...(head.ContentType === undefined ? {} : { contentType: head.ContentType }),
        metadata: head.Metadata ?? {},
      },
      opts,
    );
  }
  const { got, body, done } = await openBody(src, opts.signal);
  try {
    const md5 = plainMd5(got.ETag, got);
    const info: SourceInfo = {
      size: got.ContentLength ?? 0,
      etag: unquote(got.ETag),
      ...(md5 === undefined ? {} : { md5 }),
      ...(got.ContentType === undefined ? {} : { contentType: got.ContentType }),
      metadata: got.Metadata ?? {},
    };
    // The memory reserved was chosen by the listed size; an object that changed since is left for a re-run.
    if (info.size !== listedSize) throw new Error(`size changed since the listing (${listedSize} → ${info.size} bytes); re-run to copy it`);
    const expected = { size: info.size, ...optional('sha256', info.metadata[SHA256_META]), ...optional('md5', info.md5) };
    const small = info.size <= opts.multipartThreshold;
    const digest = new Digest(expected, { sha256: small, ...(opts.onBytes === undefined ? {} : { onBytes: opts.onBytes }) });
    const result = small ? await putSmall(body, digest, dst, info, opts) : await putMultipart(body, digest, dst, info, opts);
    return { ...result, mode: 'stream' };
  } finally {
    done();
  }
}

/**
 * GET with its body tied to the signal (the SDK's abortSignal stops covering the body once headers
 * arrived) and guarded against unhandled 'error' events until a reader iterates it. `done` always
 * ends the body and unhooks the signal.
 */
async function openBody(
  ref: ObjectRef,
  signal: AbortSignal | undefined,
): Promise<{ got: GetObjectCommandOutput; body: Readable; done: () => void }> {
  const got = await ref.client.send(new GetObjectCommand({ Bucket: ref.bucket, Key: ref.key }), { abortSignal: signal });
  const body = got.Body;
  if (!(body instanceof Readable)) throw new Error('GetObject returned no readable body');
  body.on('error', () => {});
  const onAbort = (): void => void body.destroy(Object.assign(new Error('copy aborted'), { name: 'AbortError' }));
  signal?.addEventListener('abort', onAbort, { once: true });
  if (signal?.aborted === true) onAbort();
  return {
    got,
    body,
    done: () => {
      signal?.removeEventListener('abort', onAbort);
      body.destroy();
    },
  };
}

/** Streams an object through SHA-256 and discards it: one full read, no memory beyond a chunk. */
export async function hashObject(ref: ObjectRef, size: number | undefined, signal?: AbortSignal): Promise<string> {
  const { body, done } = await openBody(ref, signal);
  const digest = new Digest(size === undefined ? undefined : { size }, { sha256: true });
  try {
    for await (const chunk of body as AsyncIterable<Buffer>) digest.update(chunk);
  } finally {
    done();
  }
  return digest.finish();
}

function optional<K extends string>(key: K, value: string | undefined): { [P in K]?: string } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: string };
}

function targetMetadata(info: SourceInfo, sha256: string | undefined): Record<string, string> {
  const meta: Record<string, string> = { ...info.metadata };
  if (sha256 === undefined) delete meta[SHA256_META];
  else meta[SHA256_META] = sha256;
  if (info.etag === '') delete meta[SOURCE_ETAG_META];
  else meta[SOURCE_ETAG_META] = info.etag;
  return meta;
}

// Small objects are buffered: the SHA-256 must be known before the PUT carries it.
async function putSmall(
  body: Readable,
  digest: Digest,
  dst: ObjectRef,
  info: SourceInfo,
  opts: CopyOptions,
): Promise<{ bytes: number; sha256: string }> {
  // One buffer of the stated size, filled in place: no second copy, and never more than reserved.
  const data = Buffer.allocUnsafe(info.size);
  let filled = 0;
  for await (const chunk of body as AsyncIterable<Buffer>) {
    if (filled + chunk.length > data.length)
      throw new Error(`size changed while copying: more than the ${info.size} bytes the source stated`);
    digest.update(chunk);
    chunk.copy(data, filled);
    filled += chunk.length;
  }
  const sha256 = digest.finish();
  const put = withPayloadSha256(
    new PutObjectCommand({
      Bucket: dst.bucket,
      Key: dst.key,
      Body: data,
      ContentLength: data.length,
      ContentType: info.contentType,
      Metadata: targetMetadata(info, sha256),
    }),
    sha256,
  );
  const out = await dst.client.send(put, { abortSignal: opts.signal });
  // The store verified the SHA-256; its ETag (an MD5 for a plain PUT) must agree with the source's.
  const stored = plainMd5(out.ETag, out);
  if (stored !== undefined && info.md5 !== undefined && stored !== info.md5) {
    throw new Error(`verification failed: the target's ETag differs from the source's MD5; ${await deleteBad(dst)}`);
  }
  return { bytes: digest.bytes, sha256 };
}

// S3 takes metadata when the multipart upload starts, before the whole SHA-256 is known, so the
// target carries kfstore-sha256 only when the source states one (then checked over the whole
// stream). Each part's SHA-256 is checked by the target, and the whole stream against the
// source's MD5 ETag; a mismatch fails the part loop, which aborts the upload.
async function putMultipart(
  body: Readable,
  digest: Digest,
  dst: ObjectRef,
  info: SourceInfo,
  opts: CopyOptions,
): Promise<{ bytes: number; sha256?: string }> {
  const claimed = info.metadata[SHA256_META];
  await uploadMultipart(dst, digested(body as AsyncIterable<Buffer>, digest), {
    partSize: opts.partSize,
    queueSize: opts.queueSize,
    contentType: info.contentType,
    metadata: targetMetadata(info, claimed),
    signal: opts.signal,
    ...(opts.journal === undefined ? {} : { journal: opts.journal }),
  });
  return { bytes: digest.bytes, ...(claimed === undefined ? {} : { sha256: claimed }) };
}

async function serverSideCopy(src: ObjectRef, dst: ObjectRef, info: SourceInfo, opts: CopyOptions): Promise<CopyResult> {
  const verify = opts.verifyServerSide !== false;
  // Proving the SHA-256 costs a read of the source (unless it carries our metadata) and one of the target.
  const sha256 = info.metadata[SHA256_META] ?? (verify ? await hashObject(src, info.size, opts.signal) : undefined);
  const copySource = `${src.bucket}/${src.key.split('/').map(encodeURIComponent).join('/')}`;
  await dst.client.send(
    new CopyObjectCommand({
      Bucket: dst.bucket,
      Key: dst.key,
      CopySource: copySource,
      MetadataDirective: 'REPLACE',
      ContentType: info.contentType,
      Metadata: targetMetadata(info, sha256),
    }),
    { abortSignal: opts.signal },
  );
  opts.onBytes?.(info.size);
  if (verify && sha256 !== undefined) {
    try {
      const actual = await hashObject(dst, info.size, opts.signal);
      if (actual !== sha256) throw new Error('SHA-256 of the server-side copy differs from the source');
    } catch (e) {
      const deleted = await deleteBad(dst);
      throw new Error(`${e instanceof Error ? e.message : String(e)}; ${deleted}`);
    }
  }
  return { bytes: info.size, ...(sha256 === undefined ? {} : { sha256 }), mode: 'server-side' };
}

/** Deletes an object that failed verification; says whether a bad object is left behind. */
async function deleteBad(ref: ObjectRef): Promise<string> {
  try {
    await ref.client.send(new DeleteObjectCommand({ Bucket: ref.bucket, Key: ref.key }));
    return 'the target object was deleted';
  } catch {
    return `the bad target object could not be deleted: delete s3://${ref.bucket}/${ref.key} before re-running`;
  }
}
