// doctor --probe asks the API server (SubjectAccessReview) whether the run's service account may get
// kfp-launcher and its Secret. The real kubectl runs the plugin against the test API server, which answers
// from the RBAC objects it stores; the cluster holds the same manifests as the offline fixtures.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { startKubeApiServer } from '../../support/kube-apiserver/index.ts';
import type { KubeApiServer, KubeObject } from '../../support/kube-apiserver/index.ts';
import { readFixture } from '../../support/fixtures.ts';
import { kfstore } from '../../support/plugin.ts';

type Finding = { id: string; level: string; namespace?: string; message: string };

const servers: KubeApiServer[] = [];
after(async () => {
  for (const s of servers) await s.close();
});

/** A cluster holding a doctor fixture's objects; the store endpoint refuses connections (only access is asserted). */
async function clusterOf(fixture: string): Promise<{ api: KubeApiServer; kubeconfig: string }> {
  const objects = parseAllDocuments(readFixture('doctor', fixture)).map((d) => d.toJS() as KubeObject);
  for (const o of objects)
    if (o.kind === 'ConfigMap' && typeof (o.data as Record<string, string>).providers === 'string') {
      const data = o.data as Record<string, string>;
      data.providers = (data.providers ?? '').replace('s3.amazonaws.com', '127.0.0.1:1');
    }
  const api = await startKubeApiServer();
  servers.push(api);
  api.seed(objects);
  const kubeconfig = join(mkdtempSync(join(tmpdir(), 'kfstore-sar-')), 'kubeconfig');
  await api.writeKubeconfig(kubeconfig, 'admin');
  return { api, kubeconfig };
}

async function runAccess(kubeconfig: string, ...args: string[]): Promise<Finding[]> {
  const r = await kfstore(['doctor', '-n', 'team-a', '--probe', '-o', 'json', '--exit-zero', ...args], { KUBECONFIG: kubeconfig });
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { findings: Finding[] }).findings.filter((f) => f.id === 'KFS032' || f.id === 'KFS091');
}

describe('doctor --probe: may the run read its config (SubjectAccessReview)', () => {
  it('a Role without secrets: error on the Secret, not on kfp-launcher', async () => {
    const { api, kubeconfig } = await clusterOf('kfs032-secret-not-granted.yaml');
    const found = await runAccess(kubeconfig);
    assert.deepEqual(
      found.map((f) => `${f.id} ${f.level}`),
      ['KFS032 error'],
      JSON.stringify(found),
    );
    assert.match(found[0]?.message ?? '', /default-editor in team-a cannot get secret kfp-object-store/);
    const reviews = api.requests.filter((q) => q.resource === 'subjectaccessreviews');
    assert.equal(reviews.length, 2, 'one review per object: kfp-launcher and the Secret');
  });

  it("Kubeflow's aggregated kubeflow-edit grants both: ok", async () => {
    const { kubeconfig } = await clusterOf('kfs032-kubeflow-edit-aggregated.yaml');
    const found = await runAccess(kubeconfig);
    assert.deepEqual(
      found.map((f) => `${f.id} ${f.level}`),
      ['KFS032 ok'],
      JSON.stringify(found),
    );
  });

  it('a binding to a ClusterRole the cluster does not have grants nothing: both denied (offline this is unknown)', async () => {
    const { kubeconfig } = await clusterOf('kfs032-role-not-in-manifests.yaml');
    const found = await runAccess(kubeconfig);
    assert.deepEqual(found.map((f) => `${f.id} ${f.level} ${f.message.split(';')[0]}`).sort(), [
      'KFS032 error default-editor in team-a cannot get configmap kfp-launcher',
      'KFS032 error default-editor in team-a cannot get secret kfp-object-store',
    ]);
  });

  it('--service-account names the account reviewed', async () => {
    const { kubeconfig } = await clusterOf('kfs032-kubeflow-edit-aggregated.yaml');
    const found = await runAccess(kubeconfig, '--service-account', 'pipeline-runner');
    assert.ok(
      found.some((f) => f.level === 'error' && f.message.startsWith('pipeline-runner in team-a cannot get')),
      JSON.stringify(found),
    );
  });

  it("a recurring run's own service account gets the same review: its runs cannot read the Secret", async () => {
    const { api, kubeconfig } = await clusterOf('kfs032-recurring-run-account.yaml');
    const found = await runAccess(kubeconfig);
    assert.deepEqual(found.map((f) => `${f.id} ${f.level} ${f.message.split(';')[0]}`).sort(), [
      'KFS032 error pipeline-runner-nightly in team-a (used by recurring run nightly-train) cannot get secret kfp-object-store',
      'KFS032 ok default-editor may get configmaps/kfp-launcher and secrets/kfp-object-store',
    ]);
    const reviews = api.requests.filter((q) => q.resource === 'subjectaccessreviews');
    assert.equal(reviews.length, 4, 'two accounts, two objects each');
  });

  it('without permission to create SubjectAccessReviews: KFS091 says the check was not run, nothing is decided', async () => {
    const { api } = await clusterOf('kfs032-secret-not-granted.yaml');
    api.addUser('auditor', { token: 'auditor-token' });
    api.allow('auditor', { verbs: ['get', 'list', 'watch'], resources: ['*'], apiGroups: ['*'] });
    const kubeconfig = join(mkdtempSync(join(tmpdir(), 'kfstore-sar-')), 'kubeconfig');
    await api.writeKubeconfig(kubeconfig, 'auditor');
    const found = await runAccess(kubeconfig);
    assert.deepEqual(
      found.map((f) => `${f.id} ${f.level}`),
      ['KFS091 info'],
      JSON.stringify(found),
    );
    assert.match(found[0]?.message ?? '', /could not ask the API server whether default-editor may read/);
    assert.match(found[0]?.message ?? '', /subjectaccessreviews/);
  });
});
