// Whether the target bucket is the very place a namespace's objects already are, so that copying
// can be skipped. A bucket name proves nothing: Swift accounts, Ceph RGW tenants, R2 accounts and
// separate MinIO or SeaweedFS deployments behind one hostname each have their own buckets. Proof is
// either one principal (same endpoint, region and credentials: it sees one set of buckets) or a
// marker written with the target credentials under the namespace's prefix and read back with the
// source's. Anything in between is refused with the reason rather than guessed.
import { randomUUID } from 'node:crypto';
import { DeleteObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import { makeS3Client } from '../s3/client.ts';
import { listPrefix } from '../s3/copy/list.ts';
import type { Location } from '../s3/copy/run.ts';
import { INTERNAL_DIR } from '../s3/copy/upload-journal.ts';
import { describeS3Error, errorFields } from '../s3/errors.ts';

export type Place = { same: true; proof: string } | { same: false } | { refused: string };

const MARKERS = `${INTERNAL_DIR}identity/`;

/** One set of keys at one endpoint: it sees one set of buckets (and the store can copy server-side). */
export function onePrincipal(a: Location, b: Location): boolean {
  const ka = a.target.credentials;
  const kb = b.target.credentials;
  return (
    (a.target.endpoint ?? '') === (b.target.endpoint ?? '') &&
    a.target.region === b.target.region &&
    ka !== undefined &&
    kb !== undefined &&
    ka.accessKeyId === kb.accessKeyId &&
    ka.secretAccessKey === kb.secretAccessKey
  );
}

export async function samePlace(from: Location, to: Location): Promise<Place> {
  if (from.bucket !== to.bucket || from.prefix !== to.prefix) return { same: false };
  if (onePrincipal(from, to)) return { same: true, proof: 'the same endpoint and credentials' };
  const dst = makeS3Client(to.target, { timeoutMs: 10_000 });
  const src = makeS3Client(from.target, { timeoutMs: 10_000 });
  const dir = `${to.prefix}${MARKERS}`;
  const Key = `${dir}${randomUUID()}`;
  try {
    try {
      await dst.send(new PutObjectCommand({ Bucket: to.bucket, Key, Body: 'kfstore: is this the same bucket?' }));
    } catch (e) {
      return {
        refused: `a marker could not be written to the target to tell whether it is the same bucket: ${describeS3Error(e, { op: 'PutObject', target: to.target, bucket: to.bucket, key: Key }).message}`,
      };
    }
    try {
      await src.send(new HeadObjectCommand({ Bucket: from.bucket, Key }));
      return { same: true, proof: 'the source credentials read a marker written with the target credentials' };
    } catch (e) {
      if (errorFields(e).status === 404) return { same: false };
      return {
        refused: `cannot tell whether the target is the bucket the objects are in (the source credentials could not look for a marker written with the target's): ${describeS3Error(e, { op: 'HeadObject', target: from.target, bucket: from.bucket, key: Key }).message}`,
      };
    }
  } finally {
    // This marker, and any an interrupted run left; a failure here leaves only a marker behind.
    try {
      for await (const o of listPrefix(dst, to.bucket, dir)) await dst.send(new DeleteObjectCommand({ Bucket: to.bucket, Key: o.key }));
    } catch {
      // the copy and the checks skip kfstore's own objects
    }
    src.destroy();
    dst.destroy();
  }
}
