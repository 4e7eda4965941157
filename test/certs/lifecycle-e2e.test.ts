// End to end: the built webhook behind the in-process API server, its certificate kept by the built
// `kfstore-certs ensure`, rotated (leaf renewal, then a full CA rollover through its three phases)
// while a load loop keeps sending admissions through the API server. Not one may fail.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { connect as tlsConnect } from 'node:tls';
import { after, before, test } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
// ca.ts first: it installs the Reflect shim that @peculiar/x509 needs at import time.
import { certificateInfo, isIssuedBy } from '../../certs/ca.ts';
import { writePairAtomically } from '../../certs/files.ts';
import { pemCertificates } from '../../certs/lifecycle/bundle.ts';
import { startKubeApiServer } from '../support/kube-apiserver/index.ts';
import type { KubeApiServer, KubeObject } from '../support/kube-apiserver/index.ts';
import { startWebhook } from '../support/webhook-process.ts';
import type { WebhookProcess } from '../support/webhook-process.ts';
import { freePorts } from '../support/ports.ts';

const CERTS_BUNDLE = fileURLToPath(new URL('../../dist/kfstore-certs.js', import.meta.url));
const POLICY = fileURLToPath(new URL('../../deploy/examples/policy.yaml', import.meta.url));
const DAY = 24 * 60 * 60 * 1000;
const MINUTE = 60 * 1000;
const NS = 'kfstore-system';
const SECRET = 'kfstore-webhook-tls';
const MIN_ADMISSIONS = 300;
const WORKERS = 4;

let server: KubeApiServer;
let webhook: WebhookProcess | undefined;
let dir = '';
let mount = '';
let kubeconfig = '';
const agent = new Agent({ keepAlive: true, maxSockets: WORKERS + 2 });

before(async () => {
  server = await startKubeApiServer();
  dir = await mkdtemp(join(tmpdir(), 'kfstore-certs-e2e-'));
  mount = join(dir, 'mount');
  await mkdir(mount);
  kubeconfig = join(dir, 'kubeconfig');
  await server.writeKubeconfig(kubeconfig);
});
after(async () => {
  await webhook?.stop();
  agent.destroy();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

function webhookConfigs(port: number): KubeObject[] {
  const common = { sideEffects: 'None', admissionReviewVersions: ['v1'], failurePolicy: 'Fail', timeoutSeconds: 10 };
  return [
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'kfstore-webhook' },
      webhooks: [
        {
          ...common,
          name: 'kfp-launcher.kfstore.dev',
          clientConfig: { url: `https://127.0.0.1:${port}/validate/kfp-launcher` },
          rules: [{ operations: ['CREATE', 'UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }],
        },
      ],
    },
    {
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'MutatingWebhookConfiguration',
      metadata: { name: 'kfstore-webhook' },
      webhooks: [
        {
          ...common,
          name: 'pods.kfstore.dev',
          reinvocationPolicy: 'IfNeeded',
          clientConfig: { url: `https://127.0.0.1:${port}/mutate/pods` },
          objectSelector: { matchLabels: { 'pipelines.kubeflow.org/v2_component': 'true' } },
          rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['pods'] }],
        },
      ],
    },
  ];
}

type Run = { code: number | null; stdout: string; stderr: string };
function ensure(now: Date, extra: string[] = []): Promise<Run> {
  const args = [
    CERTS_BUNDLE,
    'ensure',
    '--namespace',
    NS,
    '--secret',
    SECRET,
    '--service',
    'kfstore-webhook',
    '--mutating',
    'kfstore-webhook',
    '--validating',
    'kfstore-webhook',
    '--extra-ip',
    '127.0.0.1',
    '--kubeconfig',
    kubeconfig,
    ...extra,
  ];
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, args, {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, KFSTORE_CERTS_NOW: now.toISOString() },
      timeout: 60_000,
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.once('error', reject);
    proc.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

async function ensureOk(now: Date, extra: string[] = []): Promise<string> {
  const r = await ensure(now, extra);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  return r.stdout;
}

function secretFile(key: string): string {
  const data = (server.get('Secret', NS, SECRET)?.data ?? {}) as Record<string, string>;
  return Buffer.from(data[key] ?? '', 'base64').toString('utf8');
}

/** What the kubelet does when the Secret changes: replace the mounted files atomically. */
async function syncMount(): Promise<void> {
  await writePairAtomically(mount, { certPem: secretFile('tls.crt'), keyPem: secretFile('tls.key') });
}

function publishedBundle(kind: 'MutatingWebhookConfiguration' | 'ValidatingWebhookConfiguration'): string[] {
  const hooks = (server.get(kind, undefined, 'kfstore-webhook')?.webhooks ?? []) as { clientConfig?: { caBundle?: string } }[];
  return hooks.map((h) => Buffer.from(h.clientConfig?.caBundle ?? '', 'base64').toString('utf8'));
}

function servedSerial(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({ host: '127.0.0.1', port, rejectUnauthorized: false }, () => {
      const serial = socket.getPeerCertificate().serialNumber.toUpperCase();
      socket.end();
      resolve(serial);
    });
    socket.setTimeout(5_000, () => socket.destroy(new Error('TLS probe timed out')));
    socket.once('error', reject);
  });
}

/** The overlap, compressed: wait until the webhook serves the leaf now in the Secret. */
async function waitServed(port: number): Promise<string> {
  const want = certificateInfo(secretFile('tls.crt')).serial;
  const deadline = Date.now() + 20_000;
  while (Date.now() < deadline) {
    if ((await servedSerial(port)) === want) return want;
    await sleep(100);
  }
  throw new Error(`the webhook did not pick up serving certificate ${want}`);
}

type Reply = { status: number; body: Record<string, unknown> };
function api(method: string, path: string, body: unknown): Promise<Reply> {
  const payload = JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = request(
      `${server.url}${path}`,
      {
        method,
        ca: server.caPem,
        agent,
        timeout: 30_000,
        headers: {
          authorization: `Bearer ${server.adminToken}`,
          'content-type': 'application/json',
          'content-length': Buffer.byteLength(payload),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(text) as Record<string, unknown> }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${path} timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

const pod = (name: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'Pod',
  metadata: { name, namespace: 'team-a', labels: { 'pipelines.kubeflow.org/v2_component': 'true' } },
  spec: { containers: [{ name: 'main', image: 'python:3.12' }] },
});
const launcher = (root: string): KubeObject => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name: 'kfp-launcher', namespace: 'team-a' },
  data: { defaultPipelineRoot: root, providers: 's3:\n  default:\n    region: us-west-2\n    credentials: {fromEnv: true}\n' },
});

function injectedEnv(stored: KubeObject | undefined): Record<string, unknown> {
  const containers =
    (stored?.spec as { containers?: { name: string; env?: { name: string; value?: string; valueFrom?: unknown }[] }[] } | undefined)
      ?.containers ?? [];
  const main = containers.find((c) => c.name === 'main');
  return Object.fromEntries((main?.env ?? []).map((e) => [e.name, e.value ?? e.valueFrom]));
}

test('admission keeps working through leaf renewal and a full CA rollover', { timeout: 180_000 }, async () => {
  if (!existsSync(CERTS_BUNDLE)) throw new Error(`${CERTS_BUNDLE} is missing: run npm run build`);
  server.seed([
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } },
  ]);
  const port = (await freePorts(1))[0] ?? 0;
  for (const config of webhookConfigs(port)) server.registerWebhook(config);

  // Install, as if 61 days ago: the leaf is then due for renewal today.
  const realNow = Date.now();
  const installed = await ensureOk(new Date(realNow - 61 * DAY));
  assert.match(
    installed,
    /created Secret kfstore-system\/kfstore-webhook-tls\npatched caBundle of MutatingWebhookConfiguration kfstore-webhook\npatched caBundle of ValidatingWebhookConfiguration kfstore-webhook\n$/,
  );
  const firstCA = secretFile('ca.crt');
  assert.deepEqual(certificateInfo(secretFile('tls.crt')).ipAddresses, ['127.0.0.1']);
  await syncMount();
  webhook = await startWebhook([
    '--policy',
    POLICY,
    '--tls-cert',
    join(mount, 'tls.crt'),
    '--tls-key',
    join(mount, 'tls.key'),
    '--no-cluster',
    '--port',
    String(port),
    '--metrics-port',
    '0',
    '--cert-poll',
    '1',
    '--host',
    '127.0.0.1',
    '--shutdown-delay',
    '0',
  ]);
  const serials = new Set([await waitServed(port)]);

  // Mutation and denial, through the API server.
  const created = await api('POST', '/api/v1/namespaces/team-a/pods', pod('first'));
  assert.equal(created.status, 201, JSON.stringify(created.body));
  const env = injectedEnv(server.get('Pod', 'team-a', 'first'));
  assert.deepEqual(env.AWS_ACCESS_KEY_ID, {
    secretKeyRef: { name: 'kubeflow-pipelines--profile-object-store-auth--team-a', key: 'AWS_ACCESS_KEY_ID' },
  });
  assert.equal(env.AWS_REGION, 'us-west-2');
  const denied = await api('POST', '/api/v1/namespaces/team-a/configmaps', launcher('s3://kubeflow-pipelines/v2/artifacts/team-b'));
  assert.equal(denied.status, 403, JSON.stringify(denied.body));
  assert.match(
    String(denied.body.message),
    /^admission webhook "kfp-launcher\.kfstore\.dev" denied the request: kfp-launcher in team-a rejected by kfstore:/,
  );
  assert.equal(server.get('ConfigMap', 'team-a', 'kfp-launcher'), undefined);

  // The load: ConfigMaps (a dry-run kfp-launcher that the webhook fully validates, and plain ones),
  // and now and then a pod, from several workers at once.
  let admissions = 0;
  let stop = false;
  const failures: string[] = [];
  const worker = async (w: number): Promise<void> => {
    for (let i = 0; !stop; i += 1) {
      const n = `${w}-${i}`;
      const kind = i % 10 === 9 ? 'pod' : i % 2 === 0 ? 'launcher' : 'configmap';
      let reply: Reply;
      if (kind === 'pod') reply = await api('POST', '/api/v1/namespaces/team-a/pods', pod(`load-${n}`));
      else if (kind === 'launcher')
        reply = await api(
          'POST',
          '/api/v1/namespaces/team-a/configmaps?dryRun=All',
          launcher('s3://kubeflow-pipelines/v2/artifacts/team-a'),
        );
      else
        reply = await api('POST', '/api/v1/namespaces/team-a/configmaps', {
          apiVersion: 'v1',
          kind: 'ConfigMap',
          metadata: { name: `load-${n}`, namespace: 'team-a' },
          data: { n },
        });
      admissions += 1;
      if (reply.status !== 201) failures.push(`${kind} ${n}: ${reply.status} ${String(reply.body.message)}`);
      else if (kind === 'pod' && injectedEnv(reply.body as KubeObject).AWS_ACCESS_KEY_ID === undefined)
        failures.push(`pod ${n}: not mutated`);
    }
  };
  const workers = Array.from({ length: WORKERS }, (_, w) => worker(w));
  const progress = async (more: number): Promise<void> => {
    const target = admissions + more;
    const deadline = Date.now() + 60_000;
    while (admissions < target && failures.length === 0) {
      if (Date.now() > deadline) throw new Error(`load stalled at ${admissions} admissions`);
      await sleep(20);
    }
  };

  try {
    await progress(40);
    // Leaf renewal: same CA, new leaf; caBundle untouched.
    const bundleBefore = publishedBundle('ValidatingWebhookConfiguration');
    const renewed = await ensureOk(new Date(realNow + MINUTE));
    assert.match(
      renewed,
      /^issued serving certificate serial \S+ expiring \S+ \(the previous one expires within the renewal window\)\nupdated Secret kfstore-system\/kfstore-webhook-tls\n$/,
    );
    assert.deepEqual(publishedBundle('ValidatingWebhookConfiguration'), bundleBefore);
    await syncMount();
    serials.add(await waitServed(port));
    await progress(40);

    // CA rollover, the overlap compressed to the 6 minutes of injected time the tool allows (each
    // phase waits for the webhook to serve what the Secret holds, which is what the overlap is for).
    const rollover = ['--ca-renew-before-days', '3600', '--min-overlap-hours', '0.1'];
    const phase1 = await ensureOk(new Date(realNow + MINUTE), rollover);
    assert.match(phase1, /CA rollover phase 1: /);
    const [oldCA, newCA] = pemCertificates(publishedBundle('MutatingWebhookConfiguration')[0] ?? '');
    assert.equal(oldCA, pemCertificates(firstCA)[0]);
    assert.equal(newCA, pemCertificates(secretFile('ca-next.crt'))[0]);
    await syncMount();
    await progress(40);

    const phase2 = await ensureOk(new Date(realNow + 8 * MINUTE), rollover);
    assert.match(
      phase2,
      /CA rollover phase 2: .*\nissued serving certificate serial .* \(CA rollover\)\nupdated Secret .*\npatched caBundle of MutatingWebhookConfiguration kfstore-webhook\npatched caBundle of ValidatingWebhookConfiguration kfstore-webhook\n$/,
    );
    assert.deepEqual(pemCertificates(publishedBundle('ValidatingWebhookConfiguration')[0] ?? ''), [newCA, oldCA]);
    assert.ok(isIssuedBy(secretFile('tls.crt'), newCA ?? ''));
    await progress(20);
    await syncMount();
    serials.add(await waitServed(port));
    await progress(40);

    const phase3 = await ensureOk(new Date(realNow + 15 * MINUTE), rollover);
    assert.match(phase3, /^CA rollover phase 3: dropped the previous CA \S+ from caBundle\nupdated Secret .*\n/);
    for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'] as const)
      assert.deepEqual(pemCertificates(publishedBundle(kind)[0] ?? ''), [newCA]);
    await progress(40);
    assert.match(await ensureOk(new Date(realNow + 16 * MINUTE), rollover), /^nothing to do: certificate valid until \S+$/m);

    await progress(Math.max(0, MIN_ADMISSIONS - admissions));
  } finally {
    stop = true;
    await Promise.all(workers);
  }
  assert.deepEqual(failures, []);
  assert.ok(admissions >= MIN_ADMISSIONS, `${admissions} admissions`);
  assert.equal(serials.size, 3, 'the webhook served the install, renewed and rolled-over leaves');
  assert.notEqual(secretFile('ca.crt'), firstCA);
});
