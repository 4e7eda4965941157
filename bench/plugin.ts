// Plugin benchmarks: `kubectl kfstore --help` start-up against `node -e 0` (same run, interleaved),
// and `doctor -A` over 1,000 profile namespaces on the test API server: wall time and API requests.
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKubeApiServer } from '../test/support/kube-apiserver/index.ts';
import type { KubeObject } from '../test/support/kube-apiserver/index.ts';
import { formatTable } from './lib/table.ts';

const PLUGIN = new URL('../dist/kubectl-kfstore.js', import.meta.url).pathname;

export interface PluginBenchResult {
  startup: { pluginMs: number; nodeMs: number; ratio: number; runs: number };
  doctor: { namespaces: number; wallMs: number; requests: Record<string, number>; perNamespaceGets: number; exitCode: number | null };
  goals: { goal: string; pass: boolean; actual: string }[];
}

function run(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ ms: number; code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const p = spawn(process.execPath, args, { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    p.once('error', reject);
    p.once('exit', (code) => resolve({ ms: performance.now() - started, code, stdout, stderr }));
  });
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};

async function startup(runs: number): Promise<PluginBenchResult['startup']> {
  const plugin: number[] = [];
  const node: number[] = [];
  await run(['-e', '0']);
  await run([PLUGIN, '--help']);
  for (let i = 0; i < runs; i++) {
    node.push((await run(['-e', '0'])).ms);
    const r = await run([PLUGIN, '--help']);
    if (r.code !== 0) throw new Error(`kubectl-kfstore --help failed: ${r.stderr}`);
    plugin.push(r.ms);
  }
  const pluginMs = median(plugin);
  const nodeMs = median(node);
  return { pluginMs: round(pluginMs), nodeMs: round(nodeMs), ratio: round(pluginMs / nodeMs), runs };
}

function profileObjects(n: number): KubeObject[] {
  const objects: KubeObject[] = [];
  for (let i = 0; i < n; i++) {
    const ns = `team-${String(i).padStart(4, '0')}`;
    const secret = `kubeflow-pipelines--profile-object-store-auth--${ns}`;
    objects.push(
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'pipelines.kubeflow.org/enabled': 'true' } } },
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'kfp-launcher', namespace: ns },
        data: {
          defaultPipelineRoot: `s3://kubeflow-pipelines/v2/artifacts/${ns}`,
          providers: `s3:\n  default:\n    region: us-west-2\n    credentials:\n      secretRef: {secretName: ${secret}, accessKeyKey: AWS_ACCESS_KEY_ID, secretKeyKey: AWS_SECRET_ACCESS_KEY}\n`,
        },
      },
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'metadata-grpc-configmap', namespace: ns },
        data: { METADATA_GRPC_SERVICE_HOST: 'metadata-grpc-service.kubeflow' },
      },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: secret, namespace: ns },
        stringData: { AWS_ACCESS_KEY_ID: `AKIA${i}`, AWS_SECRET_ACCESS_KEY: `secret-${i}` },
      },
    );
  }
  return objects;
}

async function doctorAll(n: number): Promise<PluginBenchResult['doctor']> {
  const server = await startKubeApiServer();
  const dir = await mkdtemp(join(tmpdir(), 'kfstore-bench-plugin-'));
  try {
    server.seed(profileObjects(n));
    const kubeconfig = join(dir, 'kubeconfig');
    await server.writeKubeconfig(kubeconfig, 'admin');
    server.resetRequests();
    const r = await run([PLUGIN, 'doctor', '-A', '-o', 'json', '--exit-zero'], { KUBECONFIG: kubeconfig });
    if (r.code !== 0) throw new Error(`doctor -A failed (${r.code}): ${r.stderr}`);
    const report = JSON.parse(r.stdout) as { namespaces: string[] };
    if (report.namespaces.length !== n) throw new Error(`doctor saw ${report.namespaces.length} namespaces, expected ${n}`);
    const requests: Record<string, number> = {};
    for (const q of server.requests) requests[q.verb] = (requests[q.verb] ?? 0) + 1;
    const perNamespaceGets = server.requests.filter((q) => q.verb === 'get' && q.namespace !== undefined).length;
    return { namespaces: n, wallMs: round(r.ms), requests, perNamespaceGets, exitCode: r.code };
  } finally {
    await server.close();
    await rm(dir, { recursive: true, force: true });
  }
}

export async function runPluginBench(opts: { runs: number; namespaces: number; log: (s: string) => void }): Promise<PluginBenchResult> {
  opts.log(`plugin: --help start-up, ${opts.runs} runs each`);
  const s = await startup(opts.runs);
  opts.log(`plugin: doctor -A over ${opts.namespaces} namespaces`);
  const d = await doctorAll(opts.namespaces);
  const lists = d.requests.list ?? 0;
  const goals = [
    { goal: '--help start-up <= 1.5x node -e 0', pass: s.ratio <= 1.5, actual: `${s.ratio}x` },
    {
      goal: `doctor -A (${d.namespaces} namespaces): no per-namespace GETs`,
      pass: d.perNamespaceGets === 0,
      actual: `${d.perNamespaceGets} GETs`,
    },
    {
      goal: `doctor -A (${d.namespaces} namespaces): a constant number of list requests`,
      pass: lists <= 12,
      actual: `${lists} lists (paginated by 500)`,
    },
    { goal: `doctor -A (${d.namespaces} namespaces) under 5 s`, pass: d.wallMs < 5000, actual: `${d.wallMs} ms` },
  ];
  return { startup: s, doctor: d, goals };
}

export function formatPluginReport(r: PluginBenchResult): string {
  const table = formatTable(
    ['measure', 'value'],
    [
      ['kubectl-kfstore --help (median)', `${r.startup.pluginMs} ms`],
      ['node -e 0 (median)', `${r.startup.nodeMs} ms`],
      ['start-up ratio', `${r.startup.ratio}x`],
      [`doctor -A, ${r.doctor.namespaces} namespaces, wall`, `${r.doctor.wallMs} ms`],
      [
        'API requests by verb',
        Object.entries(r.doctor.requests)
          .map(([v, n]) => `${v} ${n}`)
          .join(', '),
      ],
    ],
  );
  return [table, '', ...r.goals.map((g) => `${g.pass ? 'PASS' : 'MISS'}  ${g.goal} (actual ${g.actual})`)].join('\n');
}

const round = (n: number): number => Math.round(n * 100) / 100;
