// The check before a namespace switches: every object under the source prefix is at the target
// under the same key, with the same size, and with the same MD5 where both listings show one.
// Listings only (walked side by side), so it costs a few requests per thousand objects.
import { makeS3Client } from '../client.ts';
import { listPrefix, plainMd5 } from './list.ts';
import { pairListings } from './pairs.ts';
import type { Location } from './run.ts';
import { isInternal } from './upload-journal.ts';

export interface Verification {
  /** Objects under the source prefix now. */
  sourceObjects: number;
  missing: number;
  different: number;
  /** The first missing or different key, for the message. */
  example?: string;
}

export async function verifyCopy(source: Location, destination: Location, signal?: AbortSignal): Promise<Verification> {
  const src = makeS3Client(source.target, { timeoutMs: 30_000 });
  const dst = makeS3Client(destination.target, { timeoutMs: 30_000 });
  const v: Verification = { sourceObjects: 0, missing: 0, different: 0 };
  try {
    const pairs = pairListings(
      listPrefix(src, source.bucket, source.prefix, signal),
      source.prefix,
      listPrefix(dst, destination.bucket, destination.prefix, signal),
      destination.prefix,
    );
    for await (const { source: obj, relative, target } of pairs) {
      if (isInternal(relative)) continue;
      v.sourceObjects++;
      const md5 = plainMd5(obj.etag);
      const targetMd5 = plainMd5(target?.etag);
      const problem =
        target === undefined
          ? 'missing'
          : target.size !== obj.size || (md5 !== undefined && targetMd5 !== undefined && md5 !== targetMd5)
            ? 'different'
            : undefined;
      if (problem === undefined) continue;
      v[problem]++;
      v.example ??= `${destination.prefix}${relative}`;
    }
    return v;
  } finally {
    src.destroy();
    dst.destroy();
  }
}
