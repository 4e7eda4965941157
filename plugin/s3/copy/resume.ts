// Decides whether a target object already holds the source's bytes, so a re-run skips it.
// Rule: same size AND the target's kfstore-sha256 equals the source's SHA-256. The source's hash
// comes from its own kfstore-sha256 metadata when present, otherwise from reading it (one full
// streaming read, paid only when the sizes already match and the target claims a hash).
// `trustSize` skips on size alone: cheaper, but cannot see same-size corruption.
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import { errorFields } from '../errors.ts';
import { hashObject } from './copy-object.ts';
import type { ObjectRef } from './copy-object.ts';
import { SHA256_META } from './hash-stream.ts';

export type ResumeDecision = { skip: true } | { skip: false; reason: 'missing' | 'size' | 'no-checksum' | 'checksum' };

export async function alreadyCopied(src: ObjectRef, srcSize: number, dst: ObjectRef, opts: { trustSize?: boolean; signal?: AbortSignal } = {}): Promise<ResumeDecision> {
  let target;
  try {
    target = await dst.client.send(new HeadObjectCommand({ Bucket: dst.bucket, Key: dst.key }), { abortSignal: opts.signal });
  } catch (e) {
    if (errorFields(e).status === 404) return { skip: false, reason: 'missing' };
    throw e;
  }
  if (target.ContentLength !== srcSize) return { skip: false, reason: 'size' };
  if (opts.trustSize === true) return { skip: true };
  const claimed = target.Metadata?.[SHA256_META];
  if (claimed === undefined) return { skip: false, reason: 'no-checksum' };
  const source = await src.client.send(new HeadObjectCommand({ Bucket: src.bucket, Key: src.key }), { abortSignal: opts.signal });
  const sourceSha = source.Metadata?.[SHA256_META] ?? (await hashObject(src, srcSize, opts.signal));
  return sourceSha === claimed ? { skip: true } : { skip: false, reason: 'checksum' };
}
