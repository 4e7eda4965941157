// Webhook throughput/latency vs. a bare node:https baseline, for /mutate/pods and /validate/kfp-launcher.
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ensureDevCertificates } from '../certs/cli.ts';
import { runLoad, type LoadResult } from './lib/load.ts';
import { HOST, freePort, httpsCall, waitHealthy } from './lib/net.ts';
import { atInterrupt, startChild, stderrTail, type Child } from './lib/proc.ts';
import { formatTable } from './lib/table.ts';
import { POLICY_FILE, mutationReview, validationReview } from './reviews.ts';

export interface WebhookBenchOptions {
  seconds: number;
  warmupSeconds: number;
  connections: number;
  log: (line: string) => void;
}

export type Target = 'baseline' | 'webhook';
export interface BenchRow extends LoadResult {
  target: Target;
  endpoint: string;
}
export interface GoalCheck {
  goal: string;
  pass: boolean;
  actual: string;
}
export interface WebhookBenchResult {
  rows: BenchRow[];
  /** webhook req/s ÷ baseline req/s, per endpoint. */
  ratios: Record<string, number>;
  goals: GoalCheck[];
  /** Runs with socket errors, timeouts or non-2xx answers: the bench as a whole failed. */
  failures: string[];
}

export const MIN_RATIO = 0.85;
const SLICE_SECONDS = 2;
export const MAX_P99_MS = 10;

const WEBHOOK_JS = new URL('../dist/kfstore-webhook.js', import.meta.url).pathname;
const BASELINE_TS = new URL('./baseline-server.ts', import.meta.url).pathname;

interface Endpoint {
  /** Row label: the path, plus a note for variants. */
  label: string;
  path: string;
  body: string;
  /** Set for the variant where every request carries a ConfigMap the webhook has not seen. */
  bodyFor?: (n: number) => string;
  uid: string;
  /** Extra check on the webhook's reply, so the load measures real work and not an early exit. */
  expect: (response: Record<string, unknown>) => string | undefined;
}

function endpoints(): Endpoint[] {
  const mk = (label: string, path: string, review: Record<string, unknown>, expect: Endpoint['expect']): Endpoint => {
    const uid = String((review.request as { uid: string }).uid);
    return { label, path, body: JSON.stringify(review), uid, expect };
  };
  const allowed: Endpoint['expect'] = (r) => (r.status === undefined ? undefined : `unexpected status ${JSON.stringify(r.status)}`);
  // The webhook caches lint results by ConfigMap content (re-applies repeat it); this variant
  // defeats the cache so the table also shows the cost of parsing a new ConfigMap every time.
  const unique = mk('/validate/kfp-launcher (new content each)', '/validate/kfp-launcher', validationReview('shared-0'), allowed);
  // A string replace per request: building a review object here would make the load tool the bottleneck.
  const [head, tail] = unique.body.split('shared-0') as [string, string];
  unique.bodyFor = (n) => `${head}shared-${n}${tail}`;
  return [
    mk('/mutate/pods', '/mutate/pods', mutationReview(), (r) => (r.patchType === 'JSONPatch' && typeof r.patch === 'string' ? undefined : 'expected a JSONPatch')),
    mk('/validate/kfp-launcher', '/validate/kfp-launcher', validationReview(), allowed),
    unique,
  ];
}

export async function runWebhookBench(opts: WebhookBenchOptions): Promise<WebhookBenchResult> {
  if (!existsSync(WEBHOOK_JS)) throw new Error(`${WEBHOOK_JS} missing: run npm run build first`);
  const tmp = await mkdtemp(join(tmpdir(), 'kfstore-bench-'));
  const forget = atInterrupt(() => rm(tmp, { recursive: true, force: true }));
  const children: Child[] = [];
  let keepTmp = false;
  try {
    const certs = await ensureDevCertificates(join(tmp, 'certs'));
    const ca = readFileSync(certs.caCertFile, 'utf8');
    const tls = ['--tls-cert', certs.certFile, '--tls-key', certs.keyFile, '--host', HOST];
    const [webhookPort, baselinePort] = [await freePort(), await freePort()];
    // Info level as deployed: each mutation logs a line, to a file (see lib/proc.ts).
    const webhookArgs = ['--policy', POLICY_FILE, ...tls, '--port', String(webhookPort), '--metrics-port', '0', '--no-cluster', '--log-level', 'info', '--shutdown-delay', '0'];
    const servers: Record<Target, { child: Child; url: string }> = {
      webhook: { child: startChild('webhook', WEBHOOK_JS, webhookArgs, tmp), url: `https://${HOST}:${webhookPort}` },
      baseline: { child: startChild('baseline', BASELINE_TS, [...tls, '--port', String(baselinePort)], tmp), url: `https://${HOST}:${baselinePort}` },
    };
    children.push(servers.webhook.child, servers.baseline.child);
    await Promise.all(Object.values(servers).map((s) => waitHealthy(s.child, s.url, ca)));
    opts.log(`servers ready (webhook :${webhookPort}, baseline :${baselinePort}); logs in ${tmp}`);

    const eps = endpoints();
    for (const ep of eps) for (const target of ['baseline', 'webhook'] as const) await checkOnce(servers[target].url, ep, ca, target);

    const rows: BenchRow[] = [];
    const failures: string[] = [];
    // The machine is shared and noisy, so baseline and webhook alternate in short slices (same
    // total time each): both see the same noise, and the ratio compares like with like.
    const slices = Math.max(1, Math.round(opts.seconds / SLICE_SECONDS));
    for (const ep of eps) {
      const spec = (target: Target) => ({ url: servers[target].url + ep.path, body: ep.body, connections: opts.connections, servername: 'localhost', ...(ep.bodyFor ? { bodyFor: ep.bodyFor } : {}) });
      opts.log(`${ep.label}: warm-up ${opts.warmupSeconds}s each, then ${slices} x ${SLICE_SECONDS}s slices per server, alternating`);
      for (const target of ['baseline', 'webhook'] as const) await runLoad({ ...spec(target), seconds: opts.warmupSeconds });
      const parts: Record<Target, LoadResult[]> = { baseline: [], webhook: [] };
      for (let i = 0; i < slices; i++) {
        for (const target of i % 2 === 0 ? (['baseline', 'webhook'] as const) : (['webhook', 'baseline'] as const)) {
          parts[target].push(await runLoad({ ...spec(target), seconds: SLICE_SECONDS }));
          const exit = servers[target].child.exitReason();
          if (exit !== undefined) throw new Error(`${target} exited during the load (${exit}):\n${stderrTail(servers[target].child)}`);
        }
      }
      for (const target of ['baseline', 'webhook'] as const) {
        const result = combine(parts[target]);
        rows.push({ target, endpoint: ep.label, ...result });
        if (result.errors > 0 || result.non2xx > 0 || result.total === 0) {
          failures.push(`${target} ${ep.label}: ${result.errors} errors/timeouts, ${result.non2xx} non-2xx, status ${JSON.stringify(result.statusCodes)}`);
        }
      }
    }
    keepTmp = failures.length > 0;
    return { rows, failures, ...checkGoals(rows, eps) };
  } catch (e) {
    keepTmp = true;
    throw e;
  } finally {
    forget();
    await Promise.all(children.map((c) => c.stop()));
    if (keepTmp) opts.log(`kept server logs in ${tmp}`);
    else await rm(tmp, { recursive: true, force: true });
  }
}

async function checkOnce(baseUrl: string, ep: Endpoint, ca: string, target: Target): Promise<void> {
  const reply = await httpsCall(baseUrl + ep.path, ca, 'POST', ep.body);
  const what = `${target} ${ep.path} pre-check`;
  if (reply.status !== 200) throw new Error(`${what}: HTTP ${reply.status}: ${reply.body.slice(0, 500)}`);
  const response = (JSON.parse(reply.body) as { response?: Record<string, unknown> }).response ?? {};
  if (response.uid !== ep.uid || response.allowed !== true) throw new Error(`${what}: not allowed: ${reply.body.slice(0, 500)}`);
  const problem = target === 'webhook' ? ep.expect(response) : undefined;
  if (problem !== undefined) throw new Error(`${what}: ${problem}: ${reply.body.slice(0, 500)}`);
}

function checkGoals(rows: BenchRow[], eps: Endpoint[]): Pick<WebhookBenchResult, 'ratios' | 'goals'> {
  const ratios: Record<string, number> = {};
  const goals: GoalCheck[] = [];
  for (const ep of eps) {
    const base = rows.find((r) => r.endpoint === ep.label && r.target === 'baseline');
    const hook = rows.find((r) => r.endpoint === ep.label && r.target === 'webhook');
    if (base === undefined || hook === undefined) continue;
    const ratio = base.requestsPerSec > 0 ? hook.requestsPerSec / base.requestsPerSec : 0;
    ratios[ep.label] = round(ratio, 3);
    goals.push({ goal: `${ep.label} webhook/baseline req/s >= ${MIN_RATIO}`, pass: ratio >= MIN_RATIO, actual: ratio.toFixed(2) });
    goals.push({ goal: `${ep.label} webhook p99 < ${MAX_P99_MS} ms`, pass: hook.p99Ms < MAX_P99_MS, actual: `${hook.p99Ms} ms` });
  }
  return { ratios, goals };
}

export function formatWebhookReport(r: WebhookBenchResult): string {
  const table = formatTable(
    ['target', 'endpoint', 'req/s', 'p50 ms', 'p99 ms', 'errors', 'non-2xx', 'vs baseline'],
    r.rows.map((row) => [
      row.target,
      row.endpoint,
      row.requestsPerSec.toFixed(0),
      String(row.p50Ms),
      String(row.p99Ms),
      String(row.errors),
      String(row.non2xx),
      row.target === 'webhook' && r.ratios[row.endpoint] !== undefined ? `${(r.ratios[row.endpoint] ?? 0).toFixed(2)}x` : '',
    ]),
  );
  const goals = r.goals.map((g) => `${g.pass ? 'PASS' : 'MISS'}  ${g.goal} (actual ${g.actual})`);
  const failures = r.failures.map((f) => `FAILED ${f}`);
  return [table, '', ...goals, ...failures].join('\n');
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
