// doctor --installation and the UI's path to profile artifacts, live: real kubectl runs the plugin against
// the test API server seeded with KFP 2.17.0's stock objects and one profile namespace, and each step
// changes the cluster with kubectl the way an operator would (proxy on, proxy applied, Istio, RBAC).
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import type { KubeApiServer, KubeObject } from '../../support/kube-apiserver/index.ts';
import { fixturePath, readFixture } from '../../support/fixtures.ts';
import { assertNoSecrets, seededCluster, writeRequests } from '../../support/live-cluster.ts';
import { kfstore, kubectl } from '../../support/plugin.ts';

type Report = {
  findings: { id: string; level: string; namespace?: string; object?: { kind: string; name: string }; message: string; fix?: string }[];
};

const KUBEFLOW = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kubeflow' } } as KubeObject;
const CANARIES = ['minio123', 'TEAMAKEYCANARY000001', 'team-a-secret-canary-value'];

function objects(...parts: string[]): KubeObject[] {
  return parseAllDocuments(readFixture(...parts)).map((d) => d.toJS() as KubeObject);
}

describe('doctor --installation: the UI path to a profile store, live (KFP 2.17.0)', () => {
  let api: KubeApiServer;
  let env: Record<string, string>;
  const doctor = async (): Promise<{ code: number | null; report: Report; stdout: string }> => {
    const r = await kfstore(['doctor', '--installation', '-o', 'json'], env);
    assertNoSecrets(CANARIES, r.stdout, r.stderr);
    return { code: r.code, report: JSON.parse(r.stdout) as Report, stdout: r.stdout };
  };
  const ui = (report: Report) => report.findings.filter((f) => ['KFS050', 'KFS051', 'KFS052'].includes(f.id));
  before(async () => {
    ({ api, env } = await seededCluster(
      [KUBEFLOW, ...objects('installation', '2.17.0', 'stock.yaml'), ...objects('installation', 'live', 'profile-team-a.yaml')],
      'default',
    ));
  });
  after(async () => {
    await api.close();
  });

  it('no proxy: team-a stores elsewhere than the UI reads, and 2.17 ignores its Secret: KFS050 ERROR (exit 1)', async () => {
    api.resetRequests();
    const { code, report } = await doctor();
    assert.equal(code, 1);
    assert.deepEqual(
      ui(report).map((f) => [f.id, f.level, f.namespace]),
      [['KFS050', 'error', 'team-a']],
    );
    // Reads only: profile namespaces and their kfp-launcher, no Secret; no SubjectAccessReview (2.17 without proxy reads no Secret).
    assert.deepEqual(writeRequests(api), []);
    assert.ok(!api.requests.some((q) => q.path.includes('/secrets')));
  });

  it('ARTIFACTS_PROXY_ENABLED "true" with kubectl, no proxy in team-a yet: KFS051 for the Deployment and the Service', async () => {
    const patch = await kubectl(
      [
        'patch',
        'configmap',
        'pipeline-install-config',
        '-n',
        'kubeflow',
        '--type=merge',
        '-p',
        '{"data":{"ARTIFACTS_PROXY_ENABLED":"true"}}',
      ],
      env,
    );
    assert.equal(patch.code, 0, patch.stderr);
    const { code, report } = await doctor();
    assert.equal(code, 1);
    assert.deepEqual(
      ui(report).map((f) => [f.id, f.object?.kind]),
      [
        ['KFS051', 'Deployment'],
        ['KFS051', 'Service'],
      ],
    );
  });

  it('a reader who may not list Deployments cluster-wide: the proxy Deployment is reported unchecked, never missing', async () => {
    api.addUser('no-proxy-list', { token: 'no-proxy-list-token' });
    // Everything doctor --installation reads, except Deployments and Services outside kubeflow.
    api.allow('no-proxy-list', {
      verbs: ['get', 'list', 'create'],
      resources: ['*'],
      apiGroups: ['', 'rbac.authorization.k8s.io', 'authorization.k8s.io', 'security.istio.io', 'argoproj.io', 'kubeflow.org'],
    });
    api.allow('no-proxy-list', {
      verbs: ['get', 'list'],
      resources: ['deployments', 'services'],
      apiGroups: ['', 'apps'],
      namespaces: ['kubeflow'],
    });
    const file = join(mkdtempSync(join(tmpdir(), 'kfstore-ui-reach-')), 'no-proxy-list.yaml');
    await api.writeKubeconfig(file, 'no-proxy-list', { context: 'no-proxy-list', namespace: 'kubeflow' });
    const r = await kfstore(['doctor', '--installation', '-o', 'json', '--exit-zero'], { ...env, KUBECONFIG: file });
    assert.equal(r.code, 0, r.stderr);
    assertNoSecrets(CANARIES, r.stdout, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    assert.deepEqual(
      report.findings.filter((f) => /there is no Deployment/.test(f.message)).map((f) => f.message),
      [],
    );
    assert.ok(
      report.findings.some((f) => f.level === 'warn' && f.message.includes('could not list Deployments ml-pipeline-ui-artifact')),
      r.stdout.slice(0, 2000),
    );
  });

  it('proxy applied, not running: KFS051 no available replica; once available only the 2.17.0 s3 defect (KFS052, exit 0)', async () => {
    const apply = await kubectl(['apply', '-f', fixturePath('installation', 'live', 'proxy-team-a.yaml')], env);
    assert.equal(apply.code, 0, apply.stderr);
    const down = await doctor();
    assert.equal(down.code, 1);
    assert.match(
      ui(down.report)
        .map((f) => f.message)
        .join('\n'),
      /Deployment ml-pipeline-ui-artifact has no available replica/,
    );
    const status = await kubectl(
      [
        'patch',
        'deployment',
        'ml-pipeline-ui-artifact',
        '-n',
        'team-a',
        '--subresource=status',
        '--type=merge',
        '-p',
        '{"status":{"availableReplicas":1}}',
      ],
      env,
    );
    assert.equal(status.code, 0, status.stderr);
    api.resetRequests();
    const up = await doctor();
    assert.equal(up.code, 0, up.stdout);
    assert.deepEqual(
      ui(up.report).map((f) => [f.id, f.level]),
      [['KFS052', 'warn']],
    );
    // The proxy's service account may read team-a-store: asked of the API server, once.
    const reviews = api.requests.filter((q) => q.path.endsWith('/subjectaccessreviews'));
    assert.equal(reviews.length, 1);
  });

  it('an Istio policy (v1beta1) without ml-pipeline-ui: KFS051 on the AuthorizationPolicy', async () => {
    const apply = await kubectl(['apply', '-f', fixturePath('installation', 'live', 'istio-owner-only.yaml')], env);
    assert.equal(apply.code, 0, apply.stderr);
    const { code, report } = await doctor();
    assert.equal(code, 1);
    const f = ui(report).find((x) => x.object?.kind === 'AuthorizationPolicy');
    assert.equal(f?.id, 'KFS051');
    assert.equal(f?.object?.name, 'ns-owner-access-istio');
    assert.match(f?.fix ?? '', /cluster\.local\/ns\/kubeflow\/sa\/ml-pipeline-ui/);
    const del = await kubectl(['delete', '-f', fixturePath('installation', 'live', 'istio-owner-only.yaml')], env);
    assert.equal(del.code, 0, del.stderr);
  });

  it("default-editor's RoleBinding deleted: the proxy cannot read team-a-store (KFS051 names the permission and the can-i)", async () => {
    const del = await kubectl(['delete', 'rolebinding', 'default-editor', '-n', 'team-a'], env);
    assert.equal(del.code, 0, del.stderr);
    const { code, report } = await doctor();
    assert.equal(code, 1);
    const f = ui(report).find((x) => x.object?.kind === 'Secret');
    assert.equal(f?.id, 'KFS051');
    assert.match(f?.message ?? '', /missing: get on secrets for system:serviceaccount:team-a:default-editor/);
    assert.match(f?.fix ?? '', /kubectl auth can-i get secrets\/team-a-store -n team-a --as=system:serviceaccount:team-a:default-editor/);
  });
});

describe('doctor --installation: the UI reads the profile Secret itself, live (KFP 2.15.0)', () => {
  let api: KubeApiServer;
  let env: Record<string, string>;
  before(async () => {
    ({ api, env } = await seededCluster(
      [KUBEFLOW, ...objects('installation', '2.15.0', 'stock.yaml'), ...objects('installation', 'live', 'profile-team-a.yaml')],
      'default',
    ));
  });
  after(async () => {
    await api.close();
  });

  it("no secrets rule for ml-pipeline-ui: KFS051 for its service account and KFS050 WARN; with KFP 2.15's rule only the WARN", async () => {
    const run = async (): Promise<Report['findings']> => {
      const r = await kfstore(['doctor', '--installation', '-o', 'json'], env);
      assertNoSecrets(CANARIES, r.stdout, r.stderr);
      return (JSON.parse(r.stdout) as Report).findings.filter((f) => ['KFS050', 'KFS051', 'KFS052'].includes(f.id));
    };
    const before = await run();
    assert.deepEqual(
      before.map((f) => [f.id, f.level]),
      [
        ['KFS051', 'error'],
        ['KFS050', 'warn'],
      ],
    );
    assert.match(before[0]?.fix ?? '', /--as=system:serviceaccount:kubeflow:ml-pipeline-ui/);
    const apply = await kubectl(['apply', '-f', fixturePath('installation', 'live', 'ui-rbac-2.15.yaml')], env);
    assert.equal(apply.code, 0, apply.stderr);
    assert.deepEqual(
      (await run()).map((f) => [f.id, f.level]),
      [['KFS050', 'warn']],
    );
  });
});
