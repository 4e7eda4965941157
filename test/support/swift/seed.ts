// Admin-side helpers for tests: create buckets, seed objects and list what is left, with a plain
// SDK client that does not share code with plugin/s3 (so it checks the plugin independently).
import { CreateBucketCommand, DeleteObjectCommand, ListObjectsV2Command, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import type { SwiftServer } from './server.ts';

export function adminClient(swift: SwiftServer, account: string, user: string): S3Client {
  return new S3Client({
    endpoint: swift.endpoint,
    region: swift.region,
    forcePathStyle: true,
    credentials: swift.credentials(account, user),
    // Swift 2.30 refuses the SDK's default aws-chunked uploads (501).
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    maxAttempts: 1,
  });
}

/** Creates the bucket (idempotent for its owner) and puts `objects` (key → body). */
export async function seedBucket(client: S3Client, bucket: string, objects: Record<string, string> = {}): Promise<void> {
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucket }));
  } catch (e) {
    if (!(e instanceof Error) || e.name !== 'BucketAlreadyOwnedByYou') throw e;
  }
  for (const [Key, Body] of Object.entries(objects)) await client.send(new PutObjectCommand({ Bucket: bucket, Key, Body }));
}

export async function listKeys(client: S3Client, bucket: string, prefix = ''): Promise<string[]> {
  const keys: string[] = [];
  let ContinuationToken: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken }));
    for (const o of page.Contents ?? []) if (o.Key !== undefined) keys.push(o.Key);
    ContinuationToken = page.NextContinuationToken;
  } while (ContinuationToken !== undefined);
  return keys;
}

export async function deleteKeys(client: S3Client, bucket: string, keys: string[]): Promise<void> {
  for (const Key of keys) await client.send(new DeleteObjectCommand({ Bucket: bucket, Key }));
}
