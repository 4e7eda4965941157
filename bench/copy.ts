// Artifact copy: kfstore's copy engine (the one `migrate --copy-artifacts` is built on, SHA-256
// verification on) against Debian's `rclone copy`, on the same data between two Swift accounts in
// the same run: 1,000 objects of 256 KiB and 4 of 64 MiB. Prints throughput, the ratio, and the
// engine's peak memory.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import { targetFromSession } from '../plugin/s3/target.ts';
import { startSwift } from '../test/support/swift/server.ts';
import { rcloneEnv } from '../test/support/rclone.ts';
import { adminClient, seedBucket } from '../test/support/swift/seed.ts';
import { formatTable } from './lib/table.ts';

const run = promisify(execFile);

export interface CopyBenchResult {
  objects: number;
  bytes: number;
  kfstore: { seconds: number; mbPerSecond: number; maxRssMiB: number };
  rclone: { seconds: number; mbPerSecond: number };
  ratio: number;
  goals: { goal: string; pass: boolean; actual: string }[];
}

export async function runCopyBench(opts: { small: number; smallKiB: number; large: number; largeMiB: number; log: (s: string) => void }): Promise<CopyBenchResult> {
  const swift = await startSwift({
    accounts: [
      { account: 'src', user: 'u', secret: 'src-secret', admin: true },
      { account: 'k', user: 'u', secret: 'k-secret', admin: true },
      { account: 'r', user: 'u', secret: 'r-secret', admin: true },
    ],
  });
  try {
    const src = adminClient(swift, 'src', 'u');
    await seedBucket(src, 'data');
    await seedBucket(adminClient(swift, 'k', 'u'), 'data');
    await seedBucket(adminClient(swift, 'r', 'u'), 'data');
    opts.log(`copy: seeding ${opts.small} x ${opts.smallKiB} KiB and ${opts.large} x ${opts.largeMiB} MiB`);
    const small = randomBytes(opts.smallKiB * 1024);
    let bytes = 0;
    for (let i = 0; i < opts.small; i += 16) {
      await Promise.all(Array.from({ length: Math.min(16, opts.small - i) }, (_, j) => src.send(new PutObjectCommand({ Bucket: 'data', Key: `v2/artifacts/team-a/small/${i + j}.bin`, Body: small }))));
      bytes += Math.min(16, opts.small - i) * small.length;
    }
    const large = randomBytes(opts.largeMiB * 1024 * 1024);
    for (let i = 0; i < opts.large; i++) {
      await src.send(new PutObjectCommand({ Bucket: 'data', Key: `v2/artifacts/team-a/large/${i}.bin`, Body: large }));
      bytes += large.length;
    }
    const objects = opts.small + opts.large;
    const target = (account: string) => targetFromSession({ endpoint: swift.endpoint, region: 'us-east-1', disableSSL: 'true', forcePathStyle: 'true' }, swift.credentials(account, 'u'));
    const loc = (account: string) => ({ target: target(account), bucket: 'data', prefix: 'v2/artifacts/team-a/' });

    opts.log('copy: kfstore copy engine (SHA-256 verified), concurrency 8');
    const child = await run(process.execPath, [new URL('./copy-child.ts', import.meta.url).pathname, JSON.stringify([loc('src'), loc('k')])], { maxBuffer: 1 << 20 });
    const k = JSON.parse(child.stdout.trim().split('\n').pop() ?? '{}') as { ms: number; copied: number; failures: number; maxRssKiB: number };
    if (k.copied !== objects || k.failures !== 0) throw new Error(`kfstore copied ${k.copied}/${objects} with ${k.failures} failures`);

    opts.log('copy: rclone copy, --transfers 8');
    const env = rcloneEnv(swift, { src: ['src', 'u'], dst: ['r', 'u'] });
    const started = performance.now();
    await run('rclone', ['copy', 'src:data/v2/artifacts/team-a', 'dst:data/v2/artifacts/team-a', '--transfers', '8', '--config', '/dev/null'], { env, maxBuffer: 1 << 20 });
    const rcloneMs = performance.now() - started;

    const mb = bytes / 1e6;
    const result: CopyBenchResult = {
      objects,
      bytes,
      kfstore: { seconds: round(k.ms / 1000), mbPerSecond: round(mb / (k.ms / 1000)), maxRssMiB: round(k.maxRssKiB / 1024) },
      rclone: { seconds: round(rcloneMs / 1000), mbPerSecond: round(mb / (rcloneMs / 1000)) },
      ratio: round(rcloneMs / k.ms),
      goals: [],
    };
    result.goals.push({ goal: 'kfstore/rclone throughput >= 1.0 (verification on)', pass: result.ratio >= 1, actual: `${result.ratio}x` });
    result.goals.push({ goal: 'kfstore peak memory < 256 MB', pass: k.maxRssKiB * 1024 < 256e6, actual: `${result.kfstore.maxRssMiB} MiB` });
    return result;
  } finally {
    await swift.stop();
  }
}

export function formatCopyReport(r: CopyBenchResult): string {
  const table = formatTable(
    ['copier', 'seconds', 'MB/s', 'peak RSS'],
    [
      ['kfstore copy engine', String(r.kfstore.seconds), String(r.kfstore.mbPerSecond), `${r.kfstore.maxRssMiB} MiB`],
      ['rclone copy', String(r.rclone.seconds), String(r.rclone.mbPerSecond), '-'],
    ],
  );
  return [`${r.objects} objects, ${(r.bytes / 1e6).toFixed(0)} MB`, table, '', ...r.goals.map((g) => `${g.pass ? 'PASS' : 'MISS'}  ${g.goal} (actual ${g.actual})`)].join('\n');
}

const round = (n: number): number => Math.round(n * 100) / 100;
