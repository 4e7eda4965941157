// kubectl kfstore doctor --installation: real kubectl runs the plugin against the test API server
// seeded with a stock KFP install's objects (KFP's manifests, rendered) for three releases, and
// offline (-f) on the same files and on the per-finding fixtures.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import type { KubeApiServer, KubeObject } from '../support/kube-apiserver/index.ts';
import { fixturePath, readFixture } from '../support/fixtures.ts';
import { assertNoSecrets, seededCluster, writeRequests } from '../support/live-cluster.ts';
import { kfstore, kubectl } from '../support/plugin.ts';

type Report = {
  kfp?: { version: string; source: string };
  namespaces: string[];
  summary: Record<string, number>;
  findings: { id: string; level: string; namespace?: string; object?: { kind: string; name: string }; message: string }[];
};

const KUBEFLOW: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kubeflow' } } as KubeObject;
/** The stock manifests' MinIO keys (public defaults): never printed. */
const STOCK_SECRETS = ['minio123'];

function objects(...parts: string[]): KubeObject[] {
  return parseAllDocuments(readFixture(...parts)).map((d) => d.toJS() as KubeObject);
}

for (const version of ['2.5.0', '2.15.0', '2.17.0']) {
  describe(`doctor --installation on a live stock KFP ${version}`, () => {
    let api: KubeApiServer;
    let env: Record<string, string>;
    before(async () => {
      ({ api, env } = await seededCluster([KUBEFLOW, ...objects('installation', version, 'stock.yaml')], 'default'));
    });
    after(async () => {
      await api.close();
    });

    it('reads namespace kubeflow, learns the release from ml-pipeline, finds nothing wrong', async () => {
      api.resetRequests();
      const r = await kfstore(['doctor', '--installation', '-o', 'json'], env);
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout) as Report;
      assert.deepEqual(report.namespaces, ['kubeflow']);
      assert.equal(report.kfp?.version, version);
      assert.deepEqual(
        report.findings.map((f) => f.id),
        ['KFS001'],
      );
      assert.deepEqual(writeRequests(api), []);
      // The namespace's Deployments (the release is read from ml-pipeline among them) and ConfigMaps,
      // then the profile namespaces (none here: nothing more is read).
      assert.deepEqual(
        api.requests.map((q) => `${q.verb} ${q.path}`),
        ['list /apis/apps/v1/namespaces/kubeflow/deployments', 'list /api/v1/namespaces/kubeflow/configmaps', 'list /api/v1/namespaces'],
      );
      assertNoSecrets(STOCK_SECRETS, r.stdout, r.stderr);
    });

    it('a placeholder set on the live API server with kubectl is an error (exit 1)', async () => {
      const set = await kubectl(
        ['set', 'env', 'deployment/ml-pipeline', '-n', 'kubeflow', 'OBJECTSTORECONFIG_REGION=$(kfp-artifact-storage-region)'],
        env,
      );
      assert.equal(set.code, 0, set.stderr);
      const r = await kfstore(['doctor', '--installation'], env);
      assert.equal(r.code, 1, r.stderr);
      assert.match(
        r.stdout,
        /ERROR\s+KFS005\s+kubeflow\s+Deployment\/ml-pipeline\s+env OBJECTSTORECONFIG_REGION holds the unrendered placeholder \$\(kfp-artifact-storage-region\)/,
      );
    });

    it('pipeline-install-config deleted with kubectl: ml-pipeline cannot start (KFS008)', async () => {
      const del = await kubectl(['delete', 'configmap', 'pipeline-install-config', '-n', 'kubeflow'], env);
      assert.equal(del.code, 0, del.stderr);
      const r = await kfstore(['doctor', '--installation', '-o', 'json'], env);
      assert.equal(r.code, 1, r.stderr);
      const report = JSON.parse(r.stdout) as Report;
      assert.ok(
        report.findings.some(
          (f) =>
            f.id === 'KFS008' &&
            f.object?.name === 'ml-pipeline' &&
            f.message.includes('ConfigMap pipeline-install-config key bucketName) names a ConfigMap that does not exist'),
        ),
        r.stdout,
      );
    });

    it('a reader who may list Deployments but not ConfigMaps: exit 2 naming the permission', async () => {
      api.addUser('deploy-reader', { token: 'deploy-reader-token' });
      api.allow('deploy-reader', { verbs: ['list'], resources: ['deployments'], apiGroups: ['apps'], namespaces: ['kubeflow'] });
      const kubeconfig = join(mkdtempSync(join(tmpdir(), 'kfstore-install-')), 'reader.yaml');
      await api.writeKubeconfig(kubeconfig, 'deploy-reader', { context: 'deploy-reader', namespace: 'default' });
      const r = await kfstore(['doctor', '--installation'], { KUBECONFIG: kubeconfig });
      assert.equal(r.code, 2, r.stdout);
      assert.match(r.stderr, /cannot list configmaps in namespace kubeflow: .*kubectl auth can-i list configmaps --namespace kubeflow/);
    });
  });
}

describe('doctor --installation offline (-f)', () => {
  it('the stock renders of three releases: exit 0', async () => {
    for (const version of ['2.5.0', '2.15.0', '2.17.0']) {
      const r = await kfstore(['doctor', '--installation', '-f', fixturePath('installation', version), '-o', 'json']);
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout) as Report;
      assert.equal(report.kfp?.version, version);
      assert.deepEqual([report.summary.error, report.summary.warn], [0, 0]);
      assertNoSecrets(STOCK_SECRETS, r.stdout, r.stderr);
    }
  });
  it('a placeholder: exit 1, file and line of the object with -o wide', async () => {
    const r = await kfstore(['doctor', '--installation', '-f', fixturePath('installation', 'findings', 'placeholder.yaml'), '-o', 'wide']);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /KFS005/);
    assert.match(r.stdout, /placeholder\.yaml:\d+/);
  });
  it('a split store is a warning: exit 0, exit 1 with --fail-on warn', async () => {
    const file = fixturePath('installation', 'findings', 'endpoint-mismatch.yaml');
    const warn = await kfstore(['doctor', '--installation', '-f', file]);
    assert.equal(warn.code, 0, warn.stderr);
    assert.match(warn.stdout, /WARN\s+KFS006/);
    assert.equal((await kfstore(['doctor', '--installation', '-f', file, '--fail-on', 'warn'])).code, 1);
  });
  it('no installation objects in the namespace: exit 2 naming what was looked for', async () => {
    const r = await kfstore(['doctor', '--installation', '-f', fixturePath('installation', 'findings', 'placeholder.yaml'), '-n', 'other']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /no KFP installation in namespace other/);
  });
  it("a profile's store the 2.17 UI cannot read without proxy: KFS050 ERROR with the fix, exit 1", async () => {
    const r = await kfstore(['doctor', '--installation', '-f', fixturePath('installation', 'ui', 'store-without-proxy-2.17.yaml')]);
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /ERROR\s+KFS050\s+team-a\s+ConfigMap\/kfp-launcher\s+artifacts of team-a will not render in the UI/);
    assert.match(r.stdout, /ARTIFACTS_PROXY_ENABLED/);
  });
  it('a malformed AuthorizationPolicy: exit 2 naming the file, the object and the field', async () => {
    const r = await kfstore([
      'doctor',
      '--installation',
      '-f',
      fixturePath('installation', 'invalid-authorization-policy.yaml'),
      '-f',
      fixturePath('installation', '2.17.0'),
    ]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /invalid-authorization-policy\.yaml.*AuthorizationPolicy team-a\/typo spec\.action/);
  });
  it('-A makes no sense with one installation: exit 2', async () => {
    const r = await kfstore(['doctor', '--installation', '-A', '-f', fixturePath('installation', '2.15.0')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /drop -A/);
  });
});
