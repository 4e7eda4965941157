// The webhook against a bare node:https server doing the same work (bench/bare-server.ts): the same
// patch for the KFP executor pod (asserted byte-identical before any load), the same cached lint for
// kfp-launcher. Per endpoint: CPU time per review of each server process (/proc/<pid>/stat, all
// threads, so validation workers count) and throughput under a closed loop of 32 connections, in
// alternating slices because this machine's speed drifts, over three pairs of fresh processes
// because its processes differ; then p99 at a fixed open-loop rate.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDevCertificates } from '../certs/cli.ts';
import { cpuSeconds } from './lib/cpu.ts';
import { runLoad, type LoadResult } from './lib/load.ts';
import { HOST, freePort, httpsCall, waitHealthy } from './lib/net.ts';
import { openLoop, type OpenLoopResult } from './lib/open-loop.ts';
import { pinCpus, type Pinning } from './lib/pin.ts';
import { atInterrupt, startChild, stderrTail, type Child } from './lib/proc.ts';
import { formatTable } from './lib/table.ts';
import { POLICY_FILE, mutationReview, validationReview } from './reviews.ts';

export interface WebhookBenchOptions {
  seconds: number;
  warmupSeconds: number;
  connections: number;
  /** Reviews per second for the open-loop p99. */
  rate: number;
  log: (line: string) => void;
}

export type Target = 'bare' | 'webhook';
export interface BenchRow extends LoadResult {
  target: Target;
  endpoint: string;
  /** Process CPU time per answered review, over every pair of processes. */
  cpuMicros: number;
  /** The same for each pair of fresh processes, in order: how far one pair's figure can stray. */
  cpuMicrosPerPair: number[];
  openLoop?: OpenLoopResult;
  /**
   * Process CPU time per review at the fixed open-loop rate: every review wakes an idle server, as
   * at a real cluster's rates; at saturation (cpuMicros) syscalls batch and costs differ.
   */
  openLoopCpuMicros?: number;
}
export interface GoalCheck {
  goal: string;
  pass: boolean;
  actual: string;
}
export interface WebhookBenchResult {
  rows: BenchRow[];
  /** bare CPU per review ÷ webhook CPU per review, per endpoint (1.0: no overhead). */
  cpuRatios: Record<string, number>;
  goals: GoalCheck[];
  failures: string[];
}

export const MIN_CPU_RATIO = 0.85;
export const MAX_P99_RATIO = 1.5;
const SLICE_SECONDS = 2;
/** Fresh bare + webhook processes, measured one pair after another. */
const PROCESS_PAIRS = 3;
const OPEN_LOOP_SECONDS = 5;

const WEBHOOK_JS = new URL('../dist/kfstore-webhook.js', import.meta.url).pathname;
const BARE_TS = new URL('./bare-server.ts', import.meta.url).pathname;

interface Endpoint {
  label: string;
  path: string;
  body: string;
  bodyFor?: (n: number) => string;
  uid: string;
  /** Compared between the servers before any load, so both do the same work. */
  same: (bare: Record<string, unknown>, webhook: Record<string, unknown>) => string | undefined;
  openLoop: boolean;
}

function endpoints(): Endpoint[] {
  const mk = (label: string, path: string, review: Record<string, unknown>, same: Endpoint['same'], open: boolean): Endpoint => ({
    label,
    path,
    body: JSON.stringify(review),
    uid: String((review.request as { uid: string }).uid),
    same,
    openLoop: open,
  });
  const samePatch: Endpoint['same'] = (b, w) =>
    typeof w.patch === 'string' && w.patch === b.patch
      ? undefined
      : `patches differ:\n bare    ${String(b.patch)}\n webhook ${String(w.patch)}`;
  const sameVerdict: Endpoint['same'] = (b, w) =>
    b.allowed === true && w.allowed === true ? undefined : `verdicts: bare ${String(b.allowed)}, webhook ${String(w.allowed)}`;
  // The lint cache answers re-applies of the same content; this variant defeats it.
  const unique = mk(
    '/validate/kfp-launcher (new content each)',
    '/validate/kfp-launcher',
    validationReview('shared-0'),
    sameVerdict,
    false,
  );
  const [head, tail] = unique.body.split('shared-0') as [string, string];
  unique.bodyFor = (n) => `${head}shared-${n}${tail}`;
  return [
    mk('/mutate/pods', '/mutate/pods', mutationReview(), samePatch, true),
    mk('/validate/kfp-launcher (cached)', '/validate/kfp-launcher', validationReview(), sameVerdict, true),
    unique,
  ];
}

export async function runWebhookBench(opts: WebhookBenchOptions): Promise<WebhookBenchResult> {
  if (!existsSync(WEBHOOK_JS)) throw new Error(`${WEBHOOK_JS} missing: run npm run build first`);
  const tmp = await mkdtemp(join(tmpdir(), 'kfstore-bench-'));
  const forget = atInterrupt(() => rm(tmp, { recursive: true, force: true }));
  const children: Child[] = [];
  let keepTmp = false;
  let pinning: Pinning | undefined;
  try {
    const certs = await ensureDevCertificates(join(tmp, 'certs'));
    const ca = readFileSync(certs.caCertFile, 'utf8');
    const tls = ['--tls-cert', certs.certFile, '--tls-key', certs.keyFile, '--host', HOST];
    pinning = pinCpus();
    opts.log(pinning === undefined ? 'not pinned: servers and load share the CPUs' : pinning.description);
    const prefix = pinning?.serverPrefix ?? [];
    // Fresh processes for every pair: identical servers differ by up to a fifth in CPU per review
    // from one process to the next on this machine (measured: four bare servers, interleaved), so
    // one pair would measure its processes' luck as much as the code.
    const startPair = async (k: number): Promise<Record<Target, { child: Child; url: string }>> => {
      const [webhookPort, barePort] = [await freePort(), await freePort()];
      // Info level as deployed, logging to a file (see lib/proc.ts).
      const webhookArgs = [
        ...['--policy', POLICY_FILE, ...tls, '--port', String(webhookPort), '--metrics-port', '0', '--no-cluster'],
        ...['--log-level', 'info', '--shutdown-delay', '0'],
      ];
      const servers: Record<Target, { child: Child; url: string }> = {
        webhook: { child: startChild(`webhook-${k}`, WEBHOOK_JS, webhookArgs, tmp, [], prefix), url: `https://${HOST}:${webhookPort}` },
        bare: {
          child: startChild(`bare-${k}`, BARE_TS, [...tls, '--policy', POLICY_FILE, '--port', String(barePort)], tmp, [], prefix),
          url: `https://${HOST}:${barePort}`,
        },
      };
      children.push(servers.webhook.child, servers.bare.child);
      await Promise.all(Object.values(servers).map((s) => waitHealthy(s.child, s.url, ca)));
      opts.log(`pair ${k + 1}/${PROCESS_PAIRS} ready (webhook :${webhookPort}, bare :${barePort}); logs in ${tmp}`);
      return servers;
    };

    const eps = endpoints();
    const failures: string[] = [];
    const slices = Math.max(1, Math.round(opts.seconds / SLICE_SECONDS / PROCESS_PAIRS));
    type Tally = { parts: LoadResult[]; cpu: number; perPair: number[]; openLoop?: OpenLoopResult; openLoopCpuMicros?: number };
    const tallies = new Map(
      eps.map((ep) => [
        ep,
        { bare: { parts: [], cpu: 0, perPair: [] }, webhook: { parts: [], cpu: 0, perPair: [] } } as Record<Target, Tally>,
      ]),
    );
    for (let k = 0; k < PROCESS_PAIRS; k++) {
      const servers = await startPair(k);
      if (k === 0) for (const ep of eps) await sameWork(servers, ep, ca);
      for (const ep of eps) {
        const tally = tallies.get(ep) as Record<Target, Tally>;
        const spec = (target: Target) => ({
          url: servers[target].url + ep.path,
          body: ep.body,
          connections: opts.connections,
          servername: 'localhost',
          ...(ep.bodyFor ? { bodyFor: ep.bodyFor } : {}),
        });
        opts.log(`${ep.label}: warm-up ${opts.warmupSeconds}s each, then ${slices} x ${SLICE_SECONDS}s slices per server, alternating`);
        for (const target of ['bare', 'webhook'] as const) await runLoad({ ...spec(target), seconds: opts.warmupSeconds });
        const pairCpu: Record<Target, { cpu: number; reviews: number }> = { bare: { cpu: 0, reviews: 0 }, webhook: { cpu: 0, reviews: 0 } };
        for (let i = 0; i < slices; i++) {
          for (const target of (i + k) % 2 === 0 ? (['bare', 'webhook'] as const) : (['webhook', 'bare'] as const)) {
            const pid = servers[target].child.proc.pid ?? 0;
            const before = cpuSeconds(pid);
            const part = await runLoad({ ...spec(target), seconds: SLICE_SECONDS });
            const used = cpuSeconds(pid) - before;
            tally[target].parts.push(part);
            tally[target].cpu += used;
            pairCpu[target].cpu += used;
            pairCpu[target].reviews += part.total;
            const exit = servers[target].child.exitReason();
            if (exit !== undefined) throw new Error(`${target} exited during the load (${exit}):\n${stderrTail(servers[target].child)}`);
          }
        }
        for (const target of ['bare', 'webhook'] as const)
          tally[target].perPair.push((pairCpu[target].cpu * 1e6) / pairCpu[target].reviews);
        // The open loop once, on the last pair.
        if (ep.openLoop && k === PROCESS_PAIRS - 1)
          for (const target of ['bare', 'webhook'] as const) {
            const ok = (status: number, text: string): boolean => status === 200 && text.includes('"allowed":true');
            const pid = servers[target].child.proc.pid ?? 0;
            const before = cpuSeconds(pid);
            const open = await openLoop(servers[target].url + ep.path, ca, ep.body, opts.rate, OPEN_LOOP_SECONDS, ok);
            tally[target].openLoop = open;
            if (open.answered > 0) tally[target].openLoopCpuMicros = ((cpuSeconds(pid) - before) * 1e6) / open.answered;
            if (open.failed > 0) failures.push(`${target} ${ep.label}: ${open.failed} open-loop reviews failed`);
          }
      }
      if (k < PROCESS_PAIRS - 1) await Promise.all([servers.bare.child.stop(), servers.webhook.child.stop()]);
    }

    const rows: BenchRow[] = [];
    for (const ep of eps) {
      const tally = tallies.get(ep) as Record<Target, Tally>;
      for (const target of ['bare', 'webhook'] as const) {
        const t = tally[target];
        const result = combine(t.parts);
        const row: BenchRow = {
          target,
          endpoint: ep.label,
          ...result,
          cpuMicros: result.total > 0 ? (t.cpu * 1e6) / result.total : Number.NaN,
          cpuMicrosPerPair: t.perPair,
          ...(t.openLoop ? { openLoop: t.openLoop } : {}),
          ...(t.openLoopCpuMicros !== undefined ? { openLoopCpuMicros: t.openLoopCpuMicros } : {}),
        };
        rows.push(row);
        if (result.errors > 0 || result.non2xx > 0 || result.total === 0)
          failures.push(
            `${target} ${ep.label}: ${result.errors} errors/timeouts, ${result.non2xx} non-2xx, status ${JSON.stringify(result.statusCodes)}`,
          );
      }
    }
    keepTmp = failures.length > 0;
    return { rows, failures, ...checkGoals(rows, opts.rate) };
  } catch (e) {
    keepTmp = true;
    throw e;
  } finally {
    pinning?.release();
    forget();
    await Promise.all(children.map((c) => c.stop()));
    if (keepTmp) opts.log(`kept server logs in ${tmp}`);
    else await rm(tmp, { recursive: true, force: true });
  }
}

async function sameWork(servers: Record<Target, { url: string }>, ep: Endpoint, ca: string): Promise<void> {
  const answers: Record<string, Record<string, unknown>> = {};
  for (const target of ['bare', 'webhook'] as const) {
    const reply = await httpsCall(servers[target].url + ep.path, ca, 'POST', ep.body);
    if (reply.status !== 200) throw new Error(`${target} ${ep.label} pre-check: HTTP ${reply.status}: ${reply.body.slice(0, 500)}`);
    const response = (JSON.parse(reply.body) as { response?: Record<string, unknown> }).response ?? {};
    if (response.uid !== ep.uid) throw new Error(`${target} ${ep.label} pre-check: uid not echoed`);
    answers[target] = response;
  }
  const problem = ep.same(answers.bare ?? {}, answers.webhook ?? {});
  if (problem !== undefined) throw new Error(`${ep.label}: the servers do not do the same work: ${problem}`);
}

function checkGoals(rows: BenchRow[], rate: number): Pick<WebhookBenchResult, 'cpuRatios' | 'goals'> {
  const cpuRatios: Record<string, number> = {};
  const goals: GoalCheck[] = [];
  for (const label of new Set(rows.map((r) => r.endpoint))) {
    const bare = rows.find((r) => r.endpoint === label && r.target === 'bare');
    const hook = rows.find((r) => r.endpoint === label && r.target === 'webhook');
    if (bare === undefined || hook === undefined) continue;
    const ratio = bare.cpuMicros / hook.cpuMicros;
    cpuRatios[label] = round(ratio, 3);
    if (label !== '/mutate/pods') continue;
    goals.push({
      goal: `${label} CPU per review: bare/webhook >= ${MIN_CPU_RATIO}`,
      pass: ratio >= MIN_CPU_RATIO,
      actual: ratio.toFixed(2),
    });
    if (bare.openLoop !== undefined && hook.openLoop !== undefined) {
      const p99 = hook.openLoop.p99 / bare.openLoop.p99;
      goals.push({
        goal: `${label} p99 at ${rate}/s: webhook/bare <= ${MAX_P99_RATIO}`,
        pass: p99 <= MAX_P99_RATIO,
        actual: `${p99.toFixed(2)} (${hook.openLoop.p99.toFixed(2)} vs ${bare.openLoop.p99.toFixed(2)} ms)`,
      });
    }
  }
  return { cpuRatios, goals };
}

export function formatWebhookReport(r: WebhookBenchResult, rate: number): string {
  const ms = (v: number | undefined): string => (v === undefined ? '' : v.toFixed(2));
  const table = formatTable(
    [
      'target',
      'endpoint',
      'CPU µs/review',
      'bare/webhook CPU',
      'req/s (32 conn)',
      `CPU µs @${rate}/s`,
      `p50 ms @${rate}/s`,
      `p99 ms @${rate}/s`,
      'errors',
    ],
    r.rows.map((row) => [
      row.target,
      row.endpoint,
      row.cpuMicros.toFixed(0),
      row.target === 'webhook' && r.cpuRatios[row.endpoint] !== undefined ? `${(r.cpuRatios[row.endpoint] ?? 0).toFixed(2)}` : '',
      row.requestsPerSec.toFixed(0),
      row.openLoopCpuMicros === undefined ? '' : row.openLoopCpuMicros.toFixed(0),
      ms(row.openLoop?.p50),
      ms(row.openLoop?.p99),
      String(row.errors + row.non2xx),
    ]),
  );
  const pairs = [...new Set(r.rows.map((row) => row.endpoint))].map((label) => {
    const per = (target: Target): number[] => r.rows.find((row) => row.endpoint === label && row.target === target)?.cpuMicrosPerPair ?? [];
    const [bare, hook] = [per('bare'), per('webhook')];
    const ratios = bare.map((b, i) => (b / (hook[i] ?? Number.NaN)).toFixed(2));
    return `${label}: bare/webhook CPU per pair of fresh processes ${ratios.join(', ')}`;
  });
  const goals = r.goals.map((g) => `${g.pass ? 'PASS' : 'MISS'}  ${g.goal} (actual ${g.actual})`);
  const failures = r.failures.map((f) => `FAILED ${f}`);
  return [table, '', ...pairs, '', ...goals, ...failures].join('\n');
}

const round = (n: number, digits: number): number => Math.round(n * 10 ** digits) / 10 ** digits;

/** Slices of one target as one run: mean throughput, median of the slices' p50 and p99. */
function combine(parts: LoadResult[]): LoadResult {
  const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
  const statusCodes: Record<string, number> = {};
  for (const p of parts) for (const [code, n] of Object.entries(p.statusCodes)) statusCodes[code] = (statusCodes[code] ?? 0) + n;
  return {
    requestsPerSec: parts.reduce((a, p) => a + p.requestsPerSec, 0) / parts.length,
    p50Ms: median(parts.map((p) => p.p50Ms)),
    p99Ms: median(parts.map((p) => p.p99Ms)),
    total: parts.reduce((a, p) => a + p.total, 0),
    errors: parts.reduce((a, p) => a + p.errors, 0),
    non2xx: parts.reduce((a, p) => a + p.non2xx, 0),
    statusCodes,
  };
}
