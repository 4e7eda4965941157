// kubectl kfstore against a live API server (the in-process test server, held to the real protocol
// by kubectl itself): kubeconfig rules, scope, request counts, RBAC failures, token verification.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { startKubeApiServer } from '../support/kube-apiserver/index.ts';
import type { KubeApiServer, KubeObject } from '../support/kube-apiserver/index.ts';
import { fixturePath, readFixture } from '../support/fixtures.ts';
import { kfstore } from '../support/plugin.ts';
import { closedPort } from '../support/ports.ts';

const CANARIES = [
  'CANARY-AKIA-TEAM-A',
  'CANARY-team-a-secret-value',
  'CANARY-AKIA-TEAM-B',
  'CANARY-admin-access',
  'CANARY-admin-secret-value',
];
type Finding = { id: string; level: string; namespace?: string; object?: { kind: string; name: string }; message: string };
type Report = { summary: Record<string, number>; namespaces: string[]; findings: Finding[] };

let api: KubeApiServer;
let dir = '';
let kubeconfig = '';

function noCanaries(...texts: string[]): void {
  for (const t of texts) for (const c of CANARIES) assert.ok(!t.includes(c), `output contains secret value ${c}`);
}

before(async () => {
  api = await startKubeApiServer();
  api.seed(parseAllDocuments(readFixture('cluster', 'profiles.yaml')).map((d) => d.toJS() as KubeObject));
  dir = mkdtempSync(join(tmpdir(), 'kfstore-live-'));
  kubeconfig = join(dir, 'admin.yaml');
  await api.writeKubeconfig(kubeconfig, 'admin', { context: 'admin', namespace: 'team-a' });
});
after(async () => {
  await api.close();
});

describe('doctor -A on a live cluster', () => {
  it('finds each profile’s problems with a constant number of list requests', async () => {
    api.resetRequests();
    const r = await kfstore(['doctor', '-A', '-o', 'json'], { KUBECONFIG: kubeconfig });
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    assert.deepEqual(report.namespaces, ['team-a', 'team-b', 'team-finance']);
    const has = (id: string, level: string, ns: string, text: string): boolean =>
      report.findings.some((f) => f.id === id && f.level === level && f.namespace === ns && f.message.includes(text));
    assert.ok(
      has('KFS031', 'error', 'team-b', 'Secret team-b-keys has no value for key AWS_SECRET_ACCESS_KEY'),
      JSON.stringify(
        report.findings.filter((f) => f.namespace === 'team-b'),
        null,
        1,
      ),
    );
    assert.ok(has('KFS003', 'warn', 'team-b', 'missing: ConfigMap metadata-grpc-configmap'));
    assert.ok(has('KFS040', 'warn', 'team-b', 'has no artifact-repositories'));
    assert.ok(
      !report.findings.some((f) => f.namespace === 'team-a' && (f.level === 'error' || f.level === 'warn')),
      JSON.stringify(report.findings.filter((f) => f.namespace === 'team-a')),
    );
    const gets = api.requests.filter((q) => q.verb === 'get');
    assert.deepEqual(gets, [], 'no per-object GETs');
    assert.ok(
      api.requests.every((q) => q.verb === 'list'),
      api.requests.map((q) => `${q.verb} ${q.path}`).join('\n'),
    );
    assert.ok(api.requests.length <= 6, `${api.requests.length} requests`);
    noCanaries(r.stdout, r.stderr);
  });

  it('-l selects namespaces by label instead', async () => {
    const r = await kfstore(['doctor', '-A', '-l', 'app.kubernetes.io/part-of=kubeflow-profile', '-o', 'json', '--exit-zero'], {
      KUBECONFIG: kubeconfig,
    });
    const report = JSON.parse(r.stdout) as Report;
    assert.deepEqual(report.namespaces, ['sandbox', 'team-a', 'team-b']);
    assert.ok(report.findings.some((f) => f.id === 'KFS002' && f.level === 'warn' && f.namespace === 'sandbox'));
  });

  it('verifies a web-identity token for the profile’s service account against the cluster JWKS', async () => {
    const r = await kfstore(
      ['doctor', '-n', 'team-finance', '--policy', fixturePath('policies', 'example.yaml'), '-o', 'json', '--exit-zero'],
      { KUBECONFIG: kubeconfig },
    );
    const report = JSON.parse(r.stdout) as Report;
    const check = report.findings.find((f) => f.id === 'KFS037');
    assert.ok(check, r.stdout + r.stderr);
    assert.equal(check.level, 'ok', check.message);
    assert.match(check.message, /verifies against the cluster JWKS/);
    const missing = await kfstore(
      ['doctor', '-n', 'team-finance', '--policy', fixturePath('policies', 'example.yaml'), '--service-account', 'nobody', '-o', 'json'],
      { KUBECONFIG: kubeconfig },
    );
    const bad = (JSON.parse(missing.stdout) as Report).findings.find((f) => f.id === 'KFS037');
    assert.equal(bad?.level, 'error');
    assert.match(bad?.message ?? '', /service account nobody does not exist in team-finance/);
    assert.equal(missing.code, 1);
  });
});

describe('inspect on a live cluster', () => {
  it('defaults to the context’s namespace and shows KFP’s session', async () => {
    const r = await kfstore(['inspect', '-o', 'json'], { KUBECONFIG: kubeconfig });
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as { namespaces: { namespace: string; session: { value: { params: Record<string, string> } } }[] };
    assert.deepEqual(
      report.namespaces.map((n) => n.namespace),
      ['team-a'],
    );
    assert.equal(report.namespaces[0]?.session.value.params.secretName, 'kubeflow-pipelines--profile-object-store-auth--team-a');
    noCanaries(r.stdout, r.stderr);
  });
});

describe('kubeconfig rules as kubectl’s', () => {
  it('KUBECONFIG a:b uses the first file’s current-context; --kubeconfig uses one file; --context picks', async () => {
    const first = join(dir, 'first.yaml');
    const second = join(dir, 'second.yaml');
    await api.writeKubeconfig(first, 'admin', { context: 'ctx-a', namespace: 'team-a' });
    await api.writeKubeconfig(second, 'admin', { context: 'ctx-b', namespace: 'team-b' });
    const env = { KUBECONFIG: `${first}:${second}` };
    const ns = async (args: string[], e: Record<string, string> = env): Promise<string[]> => {
      const r = await kfstore(['inspect', '-o', 'json', ...args], e);
      assert.equal(r.code, 0, r.stderr);
      return (JSON.parse(r.stdout) as { namespaces: { namespace: string }[] }).namespaces.map((n) => n.namespace);
    };
    assert.deepEqual(await ns([]), ['team-a']);
    assert.deepEqual(await ns([], { KUBECONFIG: `${second}:${first}` }), ['team-b']);
    assert.deepEqual(await ns(['--context', 'ctx-b']), ['team-b']);
    assert.deepEqual(await ns(['--kubeconfig', second]), ['team-b']);
    const r = await kfstore(['doctor', '-n', 'team-a', '-o', 'json', '--only', 'KFS090'], env);
    const report = JSON.parse(r.stdout) as Report;
    assert.ok(
      report.findings.some(
        (f) => f.message.includes('KUBECONFIG lists 2 files; using context ctx-a from') && f.message.includes('first.yaml'),
      ),
    );
  });

  it('a kubeconfig that does not parse: exit 2 naming the file', async () => {
    const broken = join(dir, 'broken.yaml');
    writeFileSync(broken, 'apiVersion: v1\nclusters: [\n');
    const r = await kfstore(['inspect'], { KUBECONFIG: broken });
    assert.equal(r.code, 2);
    assert.ok(r.stderr.includes(`kubeconfig ${broken}: not valid YAML`), r.stderr);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });

  it('a missing context: exit 2 listing the available ones', async () => {
    const r = await kfstore(['doctor', '--context', 'prod'], { KUBECONFIG: kubeconfig });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /context "prod" not found in kubeconfig .* \(available: admin\)/);
  });
});

describe('API server problems: exit 2 with a clear message', () => {
  it('an unreachable API server', async () => {
    const port = await closedPort();
    const file = join(dir, 'unreachable.yaml');
    writeFileSync(file, api.kubeconfig('admin').replace(api.url, `https://127.0.0.1:${port}`));
    const r = await kfstore(['doctor', '-A'], { KUBECONFIG: file });
    assert.equal(r.code, 2);
    assert.ok(r.stderr.includes(`cannot reach the API server https://127.0.0.1:${port}: connection refused`), r.stderr);
  });

  it('a user with no rights: 403 named', async () => {
    api.addUser('nobody', { token: 'nobody-token' });
    const file = join(dir, 'nobody.yaml');
    await api.writeKubeconfig(file, 'nobody', { context: 'nobody' });
    const r = await kfstore(['doctor', '-A'], { KUBECONFIG: file });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /refused: namespaces is forbidden: User "nobody" cannot list resource "namespaces"/);
  });

  it('a user who may not read Secrets: doctor still runs and says what it could not check', async () => {
    api.addUser('viewer', { token: 'viewer-token' });
    api.allow('viewer', { verbs: ['get', 'list'], resources: ['namespaces', 'configmaps', 'serviceaccounts'] });
    const file = join(dir, 'viewer.yaml');
    await api.writeKubeconfig(file, 'viewer', { context: 'viewer' });
    const r = await kfstore(['doctor', '-A', '-o', 'json'], { KUBECONFIG: file });
    assert.ok(r.code === 0 || r.code === 1, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    // Per namespace, never as a missing Secret or an error.
    for (const ns of ['team-a', 'team-b'])
      assert.ok(
        report.findings.some(
          (f) => f.id === 'KFS091' && f.level === 'warn' && f.namespace === ns && f.message.startsWith(`could not read Secrets in ${ns}`),
        ),
        ns,
      );
    assert.deepEqual(
      report.findings.filter((f) => /^KFS03/.test(f.id) && f.level !== 'ok').map((f) => f.message),
      [],
    );
    noCanaries(r.stdout, r.stderr);
  });
});
