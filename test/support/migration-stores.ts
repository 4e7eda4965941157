// The two stores the migrate --copy-artifacts tests use: Swift account src:u holds the
// namespaces' current artifacts in src-bucket, dst:u is the target with dst-bucket; plus the
// kfp-launcher providers block that points at the source, and a key → size listing.
import { ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { adminClient, seedBucket } from './swift/seed.ts';
import { startSwift } from './swift/server.ts';
import type { SwiftAccount, SwiftServer } from './swift/server.ts';

export interface MigrationStores {
  swift: SwiftServer;
  src: S3Client;
  dst: S3Client;
  stop(): Promise<void>;
}

/** `more`: further Swift users (e.g. a second user of the src account). */
export async function startMigrationStores(secrets: { src: string; dst: string }, more: SwiftAccount[] = []): Promise<MigrationStores> {
  const swift = await startSwift({
    accounts: [{ account: 'src', user: 'u', secret: secrets.src }, { account: 'dst', user: 'u', secret: secrets.dst }, ...more],
  });
  const src = adminClient(swift, 'src', 'u');
  const dst = adminClient(swift, 'dst', 'u');
  await seedBucket(src, 'src-bucket');
  await seedBucket(dst, 'dst-bucket');
  return {
    swift,
    src,
    dst,
    stop: async () => {
      src.destroy();
      dst.destroy();
      await swift.stop();
    },
  };
}

/** kfp-launcher `providers`: the source store, with keys from Secret src-keys. */
export function sourceProviders(swift: SwiftServer): string {
  return [
    's3:',
    '  default:',
    `    endpoint: ${swift.endpoint}`,
    '    region: us-east-1',
    '    disableSSL: true',
    '    forcePathStyle: true',
    '    credentials:',
    '      fromEnv: false',
    '      secretRef: {secretName: src-keys, accessKeyKey: AWS_ACCESS_KEY_ID, secretKeyKey: AWS_SECRET_ACCESS_KEY}',
    '',
  ].join('\n');
}

/** key → size under a prefix, every page. */
export async function sizes(client: S3Client, bucket: string, prefix: string): Promise<Map<string, number>> {
  const out = new Map<string, number>();
  let ContinuationToken: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken }));
    for (const o of page.Contents ?? []) if (o.Key !== undefined) out.set(o.Key, o.Size ?? -1);
    ContinuationToken = page.NextContinuationToken;
  } while (ContinuationToken !== undefined);
  return out;
}
