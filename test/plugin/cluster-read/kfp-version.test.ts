// The KFP release through the real plugin (kubectl runs it): detected from the ml-pipeline
// Deployment offline (-f) and live, overridden by --kfp-version, stated in every report, and
// deciding KFP's defaults: on a stock 2.15 install the launcher's built-in endpoint is
// minio-service.kubeflow:9000, so Argo's repository there is no mismatch (KFS041).
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import type { KubeApiServer, KubeObject } from '../../support/kube-apiserver/index.ts';
import { fixturePath, readFixture } from '../../support/fixtures.ts';
import { seededCluster } from '../../support/live-cluster.ts';
import { kfstore } from '../../support/plugin.ts';

type Finding = { id: string; level: string; namespace?: string; message: string; evidence?: Record<string, string> };
type DoctorReport = { kfp?: { version: string; source: string; detail: string }; findings: Finding[] };
type InspectReport = {
  kfp?: { version: string; source: string };
  namespaces: { namespace: string; session: { ok: boolean; value?: { params: Record<string, string> } } }[];
};

const STOCK = fixturePath('kfp-versions', 'stock-2.15');
const PROFILE = fixturePath('kfp-versions', 'stock-2.15', 'team-a.yaml');

function kfs041(report: DoctorReport): Finding[] {
  return report.findings.filter((f) => f.id === 'KFS041' && f.namespace === 'team-a');
}

describe('KFP release offline (-f)', () => {
  it('from the ml-pipeline Deployment among the manifests: 2.15 defaults, no false KFS041', async () => {
    const r = await kfstore(['doctor', '-f', STOCK, '-o', 'json']);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const report = JSON.parse(r.stdout) as DoctorReport;
    assert.deepEqual([report.kfp?.version, report.kfp?.source], ['2.15.0', 'image']);
    const kfs001 = report.findings.find((f) => f.id === 'KFS001');
    assert.equal(kfs001?.level, 'info');
    assert.match(
      kfs001?.message ?? '',
      /^KFP 2\.15\.0 \(from image ghcr\.io\/kubeflow\/kfp-api-server:2\.15\.0 of Deployment kubeflow\/ml-pipeline\)/,
    );
    assert.deepEqual(kfs041(report), []);

    const inspect = await kfstore(['inspect', '-f', STOCK, '-o', 'json']);
    const view = (JSON.parse(inspect.stdout) as InspectReport).namespaces.find((n) => n.namespace === 'team-a');
    assert.equal(view?.session.value?.params.endpoint, 'minio-service.kubeflow:9000');
    const table = await kfstore(['inspect', '-f', STOCK]);
    assert.match(table.stdout, /Sessions as KFP 2\.15\.0 \(from image /);
  });

  it('--kfp-version overrides: 2.17 computes seaweedfs.kubeflow:9000, and Argo now disagrees', async () => {
    const r = await kfstore(['doctor', '-f', STOCK, '-o', 'json', '--kfp-version', '2.17']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as DoctorReport;
    assert.deepEqual([report.kfp?.version, report.kfp?.source], ['2.17.0', 'flag']);
    assert.match(kfs041(report)[0]?.message ?? '', /endpoint minio-service\.kubeflow:9000 vs seaweedfs\.kubeflow:9000/);
  });

  it('no Deployment in the files: the newest release, and the report says it was assumed', async () => {
    const r = await kfstore(['doctor', '-f', PROFILE, '-o', 'json']);
    const report = JSON.parse(r.stdout) as DoctorReport;
    assert.equal(report.kfp?.source, 'assumed');
    const kfs001 = report.findings.find((f) => f.id === 'KFS001');
    assert.equal(kfs001?.level, 'info');
    assert.match(kfs001?.message ?? '', /KFP 2\.17\.0 \(assumed: no Deployment ml-pipeline found in kubeflow/);
  });

  it('a --kfp-version that is no release: exit 2, naming the flag', async () => {
    const r = await kfstore(['inspect', '-f', STOCK, '--kfp-version', 'latest']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--kfp-version: 'latest' is not a KFP release/);
    assert.doesNotMatch(r.stderr, /at .*\.ts:\d+/);
  });
});

describe('KFP release on a live cluster', () => {
  let api: KubeApiServer;
  let env: Record<string, string>;
  before(async () => {
    const objects = [
      ...parseAllDocuments(readFixture('kfp-versions', 'stock-2.15', 'kubeflow-ml-pipeline.yaml')),
      ...parseAllDocuments(readFixture('kfp-versions', 'stock-2.15', 'team-a.yaml')),
    ].map((d) => d.toJS() as KubeObject);
    ({ api, env } = await seededCluster(objects));
  });
  after(async () => {
    await api.close();
  });

  it("reads the ml-pipeline Deployment with one LIST of kubeflow's Deployments and judges by 2.15", async () => {
    const r = await kfstore(['doctor', '-A', '-o', 'json'], env);
    assert.equal(r.code, 0, r.stderr + r.stdout);
    const report = JSON.parse(r.stdout) as DoctorReport;
    assert.deepEqual([report.kfp?.version, report.kfp?.source], ['2.15.0', 'image']);
    assert.deepEqual(kfs041(report), []);
    const reads = api.requests.filter((q) => q.path.includes('/deployments'));
    assert.deepEqual(
      reads.map((q) => q.verb),
      ['list'],
    );
  });

  it('a user who may not read Deployments: the newest rules, a KFS001 warning naming the permission', async () => {
    api.addUser('viewer', { token: 'viewer-token' });
    api.allow('viewer', { verbs: ['get', 'list'], resources: ['namespaces', 'configmaps', 'secrets'] });
    const file = `${env.KUBECONFIG}.viewer`;
    await api.writeKubeconfig(file, 'viewer', { context: 'viewer' });
    const r = await kfstore(['doctor', '-A', '-o', 'json'], { KUBECONFIG: file });
    const report = JSON.parse(r.stdout) as DoctorReport;
    const kfs001 = report.findings.find((f) => f.id === 'KFS001');
    assert.equal(kfs001?.level, 'warn');
    assert.match(kfs001?.message ?? '', /not readable .*kubectl auth can-i list deployments\.apps --namespace kubeflow/);
  });
});
