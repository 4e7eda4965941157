// Decides whether a target object already holds the source's bytes, so a re-run skips it.
// Rule: same size AND the same checksum, cheapest proof first:
//   1. both listings show the same single-part ETag: the same MD5, no request needed;
//   2. the target records (kfstore-source-etag) that it was copied from this source ETag, and
//      their ETags cannot be compared as MD5s (when both are MD5s and differ, the bytes differ);
//   3. the target's kfstore-sha256 equals the source's SHA-256 (the source's own kfstore-sha256,
//      or one streaming read of the source).
// `trustSize` skips on equal size alone: cheaper, but cannot see same-size corruption.
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { HeadObjectCommandOutput } from '@aws-sdk/client-s3';
import { errorFields } from '../errors.ts';
import { hashObject } from './copy-object.ts';
import type { ObjectRef } from './copy-object.ts';
import { SHA256_META, SOURCE_ETAG_META } from './digest.ts';
import { plainMd5 } from './list.ts';
import type { ListedObject } from './list.ts';

export type ResumeDecision = { skip: true } | { skip: false; reason: 'missing' | 'size' | 'no-checksum' | 'checksum' };

export async function alreadyCopied(
  src: ObjectRef,
  source: ListedObject,
  dst: ObjectRef,
  target: ListedObject | undefined,
  opts: { trustSize?: boolean; signal?: AbortSignal } = {},
): Promise<ResumeDecision> {
  if (target === undefined) return { skip: false, reason: 'missing' };
  if (target.size !== source.size) return { skip: false, reason: 'size' };
  if (opts.trustSize === true) return { skip: true };
  const md5 = plainMd5(source.etag);
  const targetMd5 = plainMd5(target.etag);
  if (md5 !== undefined && md5 === targetMd5) return { skip: true };
  // Both ETags are MD5s and they differ: the bytes differ, whatever the metadata claims.
  if (md5 !== undefined && targetMd5 !== undefined) return { skip: false, reason: 'checksum' };
  let head: HeadObjectCommandOutput;
  try {
    head = await dst.client.send(new HeadObjectCommand({ Bucket: dst.bucket, Key: dst.key }), { abortSignal: opts.signal });
  } catch (e) {
    // Listed a moment ago, gone now: copy it.
    if (errorFields(e).status === 404) return { skip: false, reason: 'missing' };
    throw e;
  }
  if (head.ContentLength !== source.size) return { skip: false, reason: 'size' };
  const meta = head.Metadata ?? {};
  if (source.etag !== '' && meta[SOURCE_ETAG_META] === source.etag) return { skip: true };
  const claimed = meta[SHA256_META];
  if (claimed === undefined) return { skip: false, reason: 'no-checksum' };
  const sourceHead = await src.client.send(new HeadObjectCommand({ Bucket: src.bucket, Key: src.key }), { abortSignal: opts.signal });
  const sourceSha = sourceHead.Metadata?.[SHA256_META] ?? (await hashObject(src, source.size, opts.signal));
  return sourceSha === claimed ? { skip: true } : { skip: false, reason: 'checksum' };
}
