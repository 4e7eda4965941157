// Lists every object under a prefix, page by page, so a huge prefix never sits in memory.
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';

export interface ListedObject {
  key: string;
  size: number;
  etag: string;
}

export async function* listPrefix(client: S3Client, bucket: string, prefix: string, signal?: AbortSignal): AsyncGenerator<ListedObject> {
  let ContinuationToken: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken }), { abortSignal: signal });
    for (const o of page.Contents ?? []) {
      if (o.Key === undefined) continue;
      yield { key: o.Key, size: o.Size ?? 0, etag: o.ETag ?? '' };
    }
    // Some stores omit IsTruncated; a token alone means there is more.
    ContinuationToken = page.IsTruncated === false ? undefined : page.NextContinuationToken;
  } while (ContinuationToken !== undefined);
}
