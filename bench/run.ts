// `npm run bench`: runs each benchmark, prints its table and goal checks, then one `RESULT {json}`
// line. Goal misses are reported, not fatal; failed requests or servers that did not start are (exit 1).
import { availableParallelism } from 'node:os';
import { stopAll } from './lib/proc.ts';
import { formatAttackReport, runAttackBench } from './attack.ts';
import { formatCopyReport, runCopyBench } from './copy.ts';
import { formatPluginReport, runPluginBench } from './plugin.ts';
import { formatWebhookReport, runWebhookBench } from './webhook.ts';

const DEFAULT_SECONDS = 10;
const WARMUP_SECONDS = 2;
const CONNECTIONS = 32;
/** Admission reviews per second for the open-loop latency figures. */
const OPEN_LOOP_RATE = 1000;

function benchSeconds(): number {
  const raw = process.env.BENCH_SECONDS;
  if (raw === undefined || raw === '') return DEFAULT_SECONDS;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1) throw new Error(`BENCH_SECONDS must be a whole number >= 1, got '${raw}'`);
  return n;
}

// Ctrl-C: stop the servers (bounded) before leaving, so no webhook is left listening.
process.once('SIGINT', () => {
  process.stderr.write('\ninterrupted: stopping servers\n');
  void stopAll().finally(() => process.exit(130));
});

const log = (line: string): void => void process.stderr.write(`bench: ${line}\n`);

try {
  const seconds = benchSeconds();
  log(`node ${process.version}, ${availableParallelism()} CPUs, ${CONNECTIONS} connections, ${seconds}s per run`);
  const only = process.env.BENCH_ONLY ?? '';
  const webhook =
    only === '' || only === 'webhook'
      ? await runWebhookBench({ seconds, warmupSeconds: WARMUP_SECONDS, connections: CONNECTIONS, rate: OPEN_LOOP_RATE, log })
      : undefined;
  if (webhook !== undefined) process.stdout.write(`${formatWebhookReport(webhook, OPEN_LOOP_RATE)}\n\n`);
  const attack = only === '' || only === 'attack' ? await runAttackBench({ seconds, rate: 200, log }) : undefined;
  if (attack !== undefined) process.stdout.write(`${formatAttackReport(attack)}\n\n`);
  const plugin = only === '' || only === 'plugin' ? await runPluginBench({ runs: 20, namespaces: 1000, log }) : undefined;
  if (plugin !== undefined) process.stdout.write(`${formatPluginReport(plugin)}\n`);
  const copy = only === '' || only === 'copy' ? await runCopyBench({ small: 1000, smallKiB: 256, large: 4, largeMiB: 64, log }) : undefined;
  if (copy !== undefined) process.stdout.write(`\n${formatCopyReport(copy)}\n`);
  const config = {
    node: process.version,
    cpus: availableParallelism(),
    connections: CONNECTIONS,
    pipelining: 1,
    seconds,
    warmupSeconds: WARMUP_SECONDS,
  };
  process.stdout.write(`RESULT ${JSON.stringify({ timestamp: new Date().toISOString(), config, webhook, attack, plugin, copy })}\n`);
  const attackFailed = attack?.rows.some((r) => r.failed > 0) ?? false;
  process.exitCode = (webhook?.failures.length ?? 0) > 0 || attackFailed ? 1 : 0;
} catch (e) {
  process.stderr.write(`bench: error: ${e instanceof Error ? e.message : String(e)}\n`);
  await stopAll();
  process.exitCode = 1;
}
