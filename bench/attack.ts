// Pod mutation while a tenant attacks validation: pipeline-pod reviews sent open-loop at a fixed
// rate (as kube-apiserver sends them, whether or not earlier ones finished), first alone, then
// while attacker threads send the worst kfp-launcher, run and pod reviews the limits allow as
// fast as the webhook answers. Reports the pod reviews' p50/p99/max latency in both runs and how
// many attack reviews were answered (and refused at the queue or deadline).
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { ensureDevCertificates } from '../certs/cli.ts';
import * as hostile from '../test/support/hostile-inputs.ts';
import { HOST, freePort, waitHealthy } from './lib/net.ts';
import { openLoop } from './lib/open-loop.ts';
import { atInterrupt, startChild } from './lib/proc.ts';
import { formatTable } from './lib/table.ts';
import { POLICY_FILE, mutationReview } from './reviews.ts';

const WEBHOOK_JS = new URL('../dist/kfstore-webhook.js', import.meta.url).pathname;
const ATTACKER = new URL('./lib/attacker.ts', import.meta.url);

export interface AttackBenchOptions {
  seconds: number;
  /** Pod reviews per second, open loop. */
  rate: number;
  log: (line: string) => void;
}

export interface LatencyRow {
  run: 'alone' | 'under attack';
  pods: number;
  failed: number;
  p50: number;
  p99: number;
  max: number;
  attackAnswered?: number;
  attackRefused?: number;
}

export interface AttackBenchResult {
  rows: LatencyRow[];
  /** p99 under attack / p99 alone. */
  p99Ratio: number;
}

export async function runAttackBench(opts: AttackBenchOptions): Promise<AttackBenchResult> {
  const tmp = await mkdtemp(join(tmpdir(), 'kfstore-attack-'));
  const forget = atInterrupt(() => rm(tmp, { recursive: true, force: true }));
  const certs = await ensureDevCertificates(join(tmp, 'certs'));
  const ca = readFileSync(certs.caCertFile, 'utf8');
  const port = await freePort();
  const child = startChild(
    'webhook',
    WEBHOOK_JS,
    [
      '--policy',
      POLICY_FILE,
      '--tls-cert',
      certs.certFile,
      '--tls-key',
      certs.keyFile,
      '--host',
      HOST,
      '--port',
      String(port),
      '--metrics-port',
      '0',
      '--no-cluster',
      '--shutdown-delay',
      '0',
    ],
    tmp,
  );
  const url = `https://${HOST}:${port}`;
  try {
    await waitHealthy(child, url, ca);
    const pod = JSON.stringify(mutationReview());
    const podOk = (status: number, text: string): boolean => status === 200 && text.includes('"patchType":"JSONPatch"');
    const alone = await openLoop(`${url}/mutate/pods`, ca, pod, opts.rate, opts.seconds, podOk);
    opts.log(`alone: ${alone.answered} pod reviews, p99 ${alone.p99.toFixed(2)} ms`);
    const launcher = (providers: string) => ({
      path: '/validate/kfp-launcher',
      body: JSON.stringify(hostile.launcherReview({ defaultPipelineRoot: hostile.OWN_ROOT, providers })),
    });
    const bodies = [
      launcher(hostile.aliasFanOut()),
      launcher(hostile.deepNesting()),
      launcher(hostile.flowItems()),
      { path: '/validate/kfp-launcher', body: JSON.stringify(hostile.launcherReview({ defaultPipelineRoot: hostile.hugeRoot() })) },
      { path: '/validate/workflows', body: JSON.stringify(hostile.nestedJsonWorkflow()) },
      { path: '/mutate/pods', body: JSON.stringify(hostile.duplicateContainersPod()) },
    ];
    const attacker = new Worker(ATTACKER, { workerData: { url, ca, bodies, concurrency: 8 } });
    const attackDone = new Promise<{ sent: number; refused: number }>((resolve, reject) => {
      attacker.once('message', resolve);
      attacker.once('error', reject);
    });
    await new Promise((r) => setTimeout(r, 1000));
    const under = await openLoop(`${url}/mutate/pods`, ca, pod, opts.rate, opts.seconds, podOk);
    attacker.postMessage('stop');
    const attack = await attackDone;
    opts.log(`under attack: ${under.answered} pod reviews, p99 ${under.p99.toFixed(2)} ms; ${attack.sent} attack reviews answered`);
    const rows: LatencyRow[] = [
      { run: 'alone', pods: alone.answered, failed: alone.failed, p50: alone.p50, p99: alone.p99, max: alone.max },
      {
        run: 'under attack',
        pods: under.answered,
        failed: under.failed,
        p50: under.p50,
        p99: under.p99,
        max: under.max,
        attackAnswered: attack.sent,
        attackRefused: attack.refused,
      },
    ];
    return { rows, p99Ratio: under.p99 / alone.p99 };
  } finally {
    forget();
    await child.stop();
    await rm(tmp, { recursive: true, force: true });
  }
}

export function formatAttackReport(r: AttackBenchResult): string {
  const ms = (v: number): string => v.toFixed(2);
  const table = formatTable(
    ['run', 'pod reviews', 'failed', 'p50 ms', 'p99 ms', 'max ms', 'attack reviews answered (refused at a limit)'],
    r.rows.map((row) => [
      row.run,
      String(row.pods),
      String(row.failed),
      ms(row.p50),
      ms(row.p99),
      ms(row.max),
      row.attackAnswered === undefined ? '-' : `${row.attackAnswered} (${row.attackRefused})`,
    ]),
  );
  return `Pod mutation under a validation attack (open loop)\n${table}\np99 under attack / alone: ${r.p99Ratio.toFixed(2)}x`;
}
