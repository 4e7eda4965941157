// Streaming keeps memory flat: copying a 48 MiB object (multipart, default 8 MiB parts, queue 2)
// must not grow RSS by anything near the object size. Its own file, so its own process.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { HeadObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { copyPrefix } from '../../../plugin/s3/copy/run.ts';
import type { CopySummary } from '../../../plugin/s3/copy/run.ts';
import { targetFromSession } from '../../../plugin/s3/launcher-connection.ts';
import type { S3Target } from '../../../plugin/s3/launcher-connection.ts';
import { adminClient, seedBucket } from '../../support/swift/seed.ts';
import { startSwift } from '../../support/swift/server.ts';
import type { SwiftServer } from '../../support/swift/server.ts';

const MiB = 1024 * 1024;
const SIZE = 48 * MiB;
const execFileP = promisify(execFile);

/** global.gc without starting node with --expose-gc. */
function collector(): () => void {
  setFlagsFromString('--expose-gc');
  return runInNewContext('gc') as () => void;
}

function targetFor(swift: SwiftServer, account: string, user: string): S3Target {
  return targetFromSession(
    { endpoint: swift.endpoint, region: swift.region, disableSSL: 'true', forcePathStyle: 'true', maxRetries: '1' },
    swift.credentials(account, user),
  );
}

/** Seeds 48 MiB from another process (rclone rcat), so this process's RSS baseline holds none of it. */
async function seedBig(swift: SwiftServer): Promise<void> {
  const c = swift.credentials('teama', 'alice');
  // Without the host's AWS_* variables: rclone's SDK fails on AWS_CA_BUNDLE with its own transport.
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env)) if (v !== undefined && !k.startsWith('AWS_')) env[k] = v;
  Object.assign(env, {
    RCLONE_CONFIG_SRC_TYPE: 's3',
    RCLONE_CONFIG_SRC_PROVIDER: 'Other',
    RCLONE_CONFIG_SRC_ENDPOINT: swift.endpoint,
    RCLONE_CONFIG_SRC_ACCESS_KEY_ID: c.accessKeyId,
    RCLONE_CONFIG_SRC_SECRET_ACCESS_KEY: c.secretAccessKey,
    RCLONE_CONFIG_SRC_REGION: 'us-east-1',
    RCLONE_CONFIG_SRC_FORCE_PATH_STYLE: 'true',
  });
  await execFileP('sh', ['-c', `head -c ${SIZE} /dev/urandom | rclone rcat --config /dev/null src:src/big/48m`], { env });
}

describe('copyPrefix memory', { timeout: 180_000 }, () => {
  let swift: SwiftServer;
  let a: S3Client;
  let b: S3Client;

  before(async () => {
    swift = await startSwift({
      accounts: [
        { account: 'teama', user: 'alice', secret: 'alice-secret' },
        { account: 'teamb', user: 'bob', secret: 'bob-secret' },
      ],
    });
    a = adminClient(swift, 'teama', 'alice');
    b = adminClient(swift, 'teamb', 'bob');
    await seedBucket(a, 'src');
    await seedBucket(b, 'dst');
    await seedBig(swift);
  });

  after(async () => {
    a?.destroy();
    b?.destroy();
    await swift?.stop();
  });

  it('copies a 48 MiB object with RSS growth well under its size', async () => {
    // V8 frees streamed-through chunks lazily (up to ~64 MiB of garbage before it collects), so
    // the samples collect first: they measure what the copy holds, not what GC has yet to reclaim.
    const gc = collector();
    gc();
    const base = process.memoryUsage().rss;
    let peak = base;
    const sample = (): void => {
      gc();
      peak = Math.max(peak, process.memoryUsage().rss);
    };
    // An interval, not onProgress: it covers the hashing pass too, which reports no progress.
    const timer = setInterval(sample, 25);
    let summary: CopySummary;
    try {
      summary = await copyPrefix({
        source: { target: targetFor(swift, 'teama', 'alice'), bucket: 'src', prefix: 'big/' },
        destination: { target: targetFor(swift, 'teamb', 'bob'), bucket: 'dst', prefix: 'big/' },
        concurrency: 2,
      });
    } finally {
      clearInterval(timer);
    }
    sample();
    const growth = peak - base;
    assert.ok(growth < 40 * MiB, `RSS grew ${(growth / MiB).toFixed(1)} MiB copying a 48 MiB object`);
    assert.deepEqual([summary.copied, summary.bytes, summary.failures.length], [1, SIZE, 0]);
    const h = await b.send(new HeadObjectCommand({ Bucket: 'dst', Key: 'big/48m' }));
    assert.equal(h.ContentLength, SIZE);
    assert.match(h.ETag ?? '', /-6"?$/); // 6 parts of 8 MiB
    const source = await a.send(new HeadObjectCommand({ Bucket: 'src', Key: 'big/48m' }));
    assert.equal(h.Metadata?.['kfstore-source-etag'], (source.ETag ?? '').replaceAll('"', ''));
  });
});
