// Artifact copy: `kubectl kfstore migrate --to s3 --copy-artifacts` (the real kubectl running the
// built plugin against the test API server; SHA-256 verification on) against Debian's
// `rclone copy` on the same data between Swift accounts in the same run: 1,000 objects of 256 KiB
// and 4 of 64 MiB. Rounds alternate (kfstore, rclone, kfstore, rclone), each into a fresh bucket
// and, for kfstore, a fresh cluster, because this machine's throughput drifts minute to minute.
// Prints throughput, the ratio of total times, CPU time, and kfstore's peak memory.
import { randomBytes } from 'node:crypto';
import { delimiter, dirname } from 'node:path';
import { PutObjectCommand } from '@aws-sdk/client-s3';
import type { KubeObject } from '../test/support/kube-apiserver/index.ts';
import { seededCluster } from '../test/support/live-cluster.ts';
import { pluginBin } from '../test/support/plugin.ts';
import { sourceProviders } from '../test/support/migration-stores.ts';
import { rcloneEnv } from '../test/support/rclone.ts';
import { adminClient, seedBucket } from '../test/support/swift/seed.ts';
import { startSwift } from '../test/support/swift/server.ts';
import type { SwiftServer } from '../test/support/swift/server.ts';
import { measure } from './lib/rusage.ts';
import type { Measured } from './lib/rusage.ts';
import { formatTable } from './lib/table.ts';

const PREFIX = 'v2/artifacts/team-a/';
const ROUNDS = 2;

export interface CopyBenchResult {
  objects: number;
  bytes: number;
  rounds: number;
  kfstore: { seconds: number; mbPerSecond: number; cpuSeconds: number; maxRssMiB: number };
  rclone: { seconds: number; mbPerSecond: number; cpuSeconds: number; maxRssMiB: number };
  ratio: number;
  goals: { goal: string; pass: boolean; actual: string }[];
}

function cluster(swift: SwiftServer): KubeObject[] {
  const providers = sourceProviders(swift);
  const src = swift.credentials('src', 'u');
  const dst = swift.credentials('k', 'u');
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: { 'pipelines.kubeflow.org/enabled': 'true' } } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kubeflow' } },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'kfp-launcher', namespace: 'team-a' },
      data: { defaultPipelineRoot: 's3://data/v2/artifacts/team-a', providers },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'src-keys', namespace: 'team-a' },
      stringData: { AWS_ACCESS_KEY_ID: src.accessKeyId, AWS_SECRET_ACCESS_KEY: src.secretAccessKey },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'dst-keys', namespace: 'kubeflow' },
      stringData: { AWS_ACCESS_KEY_ID: dst.accessKeyId, AWS_SECRET_ACCESS_KEY: dst.secretAccessKey },
    },
  ] as unknown as KubeObject[];
}

async function kfstoreRound(swift: SwiftServer, bucket: string, objects: number): Promise<Measured> {
  const { api, env } = await seededCluster(cluster(swift));
  try {
    const PATH = [pluginBin(), dirname(process.execPath), process.env.PATH ?? ''].join(delimiter);
    const args = [
      'kfstore',
      'migrate',
      '--to',
      's3',
      '--bucket',
      bucket,
      '--endpoint',
      swift.endpoint,
      '--region',
      'us-east-1',
      '--path-style',
      'true',
      '-n',
      'team-a',
      '--clone-secret-from',
      'kubeflow/dst-keys',
      '--copy-artifacts',
      '--yes',
    ];
    const m = await measure('kubectl', args, { ...process.env, ...env, PATH });
    if (m.code !== 0 || !m.stdout.includes(`team-a: artifacts: ${objects} copied, 0 skipped`) || !m.stdout.includes('0 failed'))
      throw new Error(`kubectl kfstore migrate failed (exit ${m.code}):\n${m.stdout}${m.stderr}`);
    return m;
  } finally {
    await api.close();
  }
}

async function rcloneRound(swift: SwiftServer, bucket: string): Promise<Measured> {
  const env = rcloneEnv(swift, { src: ['src', 'u'], dst: ['r', 'u'] });
  const m = await measure(
    'rclone',
    ['copy', `src:data/${PREFIX}`, `dst:${bucket}/${PREFIX}`, '--transfers', '8', '--config', '/dev/null'],
    env,
  );
  if (m.code !== 0) throw new Error(`rclone copy failed (exit ${m.code}): ${m.stderr.slice(-1000)}`);
  return m;
}

export async function runCopyBench(opts: {
  small: number;
  smallKiB: number;
  large: number;
  largeMiB: number;
  log: (s: string) => void;
}): Promise<CopyBenchResult> {
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
    for (let i = 0; i < ROUNDS; i++) {
      await seedBucket(adminClient(swift, 'k', 'u'), `data${i}`);
      await seedBucket(adminClient(swift, 'r', 'u'), `data${i}`);
    }
    opts.log(`copy: seeding ${opts.small} x ${opts.smallKiB} KiB and ${opts.large} x ${opts.largeMiB} MiB`);
    const small = randomBytes(opts.smallKiB * 1024);
    let bytes = 0;
    for (let i = 0; i < opts.small; i += 16) {
      await Promise.all(
        Array.from({ length: Math.min(16, opts.small - i) }, (_, j) =>
          src.send(new PutObjectCommand({ Bucket: 'data', Key: `${PREFIX}small/${i + j}.bin`, Body: small })),
        ),
      );
      bytes += Math.min(16, opts.small - i) * small.length;
    }
    const large = randomBytes(opts.largeMiB * 1024 * 1024);
    for (let i = 0; i < opts.large; i++) {
      await src.send(new PutObjectCommand({ Bucket: 'data', Key: `${PREFIX}large/${i}.bin`, Body: large }));
      bytes += large.length;
    }
    src.destroy();
    const objects = opts.small + opts.large;
    const k: Measured[] = [];
    const r: Measured[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      opts.log(`copy: round ${i + 1}/${ROUNDS}: kubectl kfstore migrate --copy-artifacts (SHA-256 verified, 8 at a time)`);
      k.push(await kfstoreRound(swift, `data${i}`, objects));
      opts.log(`copy: round ${i + 1}/${ROUNDS}: rclone copy --transfers 8`);
      r.push(await rcloneRound(swift, `data${i}`));
    }
    const sum = (ms: Measured[], f: (m: Measured) => number): number => ms.reduce((n, m) => n + f(m), 0);
    const mb = (bytes * ROUNDS) / 1e6;
    const summary = (ms: Measured[]) => ({
      seconds: round(sum(ms, (m) => m.seconds)),
      mbPerSecond: round(mb / sum(ms, (m) => m.seconds)),
      cpuSeconds: round(sum(ms, (m) => m.cpuSeconds)),
      maxRssMiB: round(Math.max(...ms.map((m) => m.maxRssMiB))),
    });
    const result: CopyBenchResult = {
      objects,
      bytes,
      rounds: ROUNDS,
      kfstore: summary(k),
      rclone: summary(r),
      ratio: round(sum(r, (m) => m.seconds) / sum(k, (m) => m.seconds)),
      goals: [],
    };
    result.goals.push({ goal: 'kfstore/rclone throughput >= 1.0 (verification on)', pass: result.ratio >= 1, actual: `${result.ratio}x` });
    result.goals.push({
      goal: 'kfstore peak memory < 256 MB',
      pass: result.kfstore.maxRssMiB * 1024 * 1024 < 256e6,
      actual: `${result.kfstore.maxRssMiB} MiB`,
    });
    return result;
  } finally {
    await swift.stop();
  }
}

export function formatCopyReport(r: CopyBenchResult): string {
  const row = (name: string, m: CopyBenchResult['kfstore']): string[] => [
    name,
    String(m.seconds),
    String(m.mbPerSecond),
    String(m.cpuSeconds),
    `${m.maxRssMiB} MiB`,
  ];
  const table = formatTable(
    ['copier', 'seconds', 'MB/s', 'CPU s', 'peak RSS'],
    [row('kubectl kfstore migrate --copy-artifacts', r.kfstore), row('rclone copy --transfers 8', r.rclone)],
  );
  return [
    `${r.objects} objects, ${(r.bytes / 1e6).toFixed(0)} MB, ${r.rounds} alternating rounds each (times are totals)`,
    table,
    '',
    ...r.goals.map((g) => `${g.pass ? 'PASS' : 'MISS'}  ${g.goal} (actual ${g.actual})`),
  ].join('\n');
}

const round = (n: number): number => Math.round(n * 100) / 100;
