// Lists every object under a prefix, page by page, so a huge prefix never sits in memory.
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';

export interface ListedObject {
  key: string;
  size: number;
  /** Without quotes; '' when the store sent none. */
  etag: string;
}

export async function* listPrefix(client: S3Client, bucket: string, prefix: string, signal?: AbortSignal): AsyncGenerator<ListedObject> {
  let ContinuationToken: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken }), {
      abortSignal: signal,
    });
    for (const o of page.Contents ?? []) {
      if (o.Key === undefined) continue;
      yield { key: o.Key, size: o.Size ?? 0, etag: unquote(o.ETag) };
    }
    // Some stores omit IsTruncated; a token alone means there is more.
    ContinuationToken = page.IsTruncated === false ? undefined : page.NextContinuationToken;
  } while (ContinuationToken !== undefined);
}

export function unquote(etag: string | undefined): string {
  return (etag ?? '').replace(/^(W\/)?"|"$/g, '');
}

/**
 * The hex MD5 an ETag carries, or undefined for multipart ("-N") ETags, and for objects encrypted
 * with SSE-KMS or SSE-C, whose ETags look the same but are not MD5s (when the response says so).
 */
export function plainMd5(
  etag: string | undefined,
  encryption?: { ServerSideEncryption?: string | undefined; SSECustomerAlgorithm?: string | undefined },
): string | undefined {
  if (encryption?.SSECustomerAlgorithm !== undefined || (encryption?.ServerSideEncryption ?? '').startsWith('aws:kms')) return undefined;
  const e = unquote(etag).toLowerCase();
  return /^[0-9a-f]{32}$/.test(e) ? e : undefined;
}
