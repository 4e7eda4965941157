// doctor --installation's checks on KFP's own rendered manifests (stock, two releases: no finding)
// and on one fixture per behaviour, whose `# expect:` header lists the ids it must produce.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ClusterSnapshot } from '../../../settings/cluster/snapshot.ts';
import { installationChecks } from '../../../settings/installation/checks.ts';
import { installationSettings } from '../../../settings/installation/settings.ts';
import { detectKfpVersion } from '../../../settings/kfp/version-source.ts';
import { loadManifests } from '../../../plugin/manifests/load.ts';
import { fixturePath, headerValue, listFixtures, readFixture } from '../../support/fixtures.ts';

function snapshotOf(path: string, flag?: string): ClusterSnapshot {
  const { snapshot } = loadManifests([path], 'kubeflow');
  const deployments = snapshot.deployments.filter((d) => d.metadata.name === 'ml-pipeline');
  const r = detectKfpVersion({ deployments, ...(flag !== undefined ? { flag } : {}) });
  assert.ok(r.ok);
  snapshot.kfp = r.info;
  return snapshot;
}

/** What each component of a stock install names, by release (KFP's manifests at the tag). */
const STOCK: Record<string, { api: string; argo: string; ui: string }> = {
  '2.5.0': { api: 'minio-service.kubeflow:9000', argo: 'minio-service.kubeflow:9000', ui: 'minio-service.kubeflow:9000' },
  '2.15.0': { api: 'minio-service.kubeflow:9000', argo: 'minio-service.kubeflow:9000', ui: 'minio-service.kubeflow:9000' },
  // From 2.16 the UI's MINIO_HOST default is seaweedfs (frontend/server/configs.ts).
  '2.17.0': { api: 'seaweedfs.kubeflow:9000', argo: 'seaweedfs.kubeflow.svc:9000', ui: 'seaweedfs.kubeflow:9000' },
};

describe('a stock KFP installation (KFP manifests, rendered)', () => {
  for (const [version, expected] of Object.entries(STOCK)) {
    it(`${version}: every component on one store, bucket mlpipeline, no finding`, () => {
      const s = installationSettings(snapshotOf(fixturePath('installation', version, 'stock.yaml')), 'kubeflow');
      assert.deepEqual(
        s.stores.map((c) => [c.component, c.endpoint?.value, c.bucket?.value]),
        [
          ['API server', expected.api, 'mlpipeline'],
          ['Argo', expected.argo, 'mlpipeline'],
          ['kfp-launcher', undefined, 'mlpipeline'],
        ],
      );
      assert.equal(s.ui?.minio.endpoint?.value, expected.ui);
      assert.deepEqual(installationChecks(s), []);
    });
  }
  it('2.17.0 objects judged as 2.15: the UI would default to minio-service, not the API server (KFS053)', () => {
    const s = installationSettings(snapshotOf(fixturePath('installation', '2.17.0', 'stock.yaml'), '2.15'), 'kubeflow');
    assert.equal(s.ui?.minio.endpoint?.value, 'minio-service.kubeflow:9000');
    assert.deepEqual(
      installationChecks(s).map((f) => f.id),
      ['KFS053'],
    );
  });
  it('2.5.0 has no OBJECTSTORECONFIG_HOST: the API server uses the Service links of minio-service (KFP <= 2.14)', () => {
    const s = installationSettings(snapshotOf(fixturePath('installation', '2.5.0', 'stock.yaml')), 'kubeflow');
    assert.match(s.stores[0]?.endpoint?.from ?? '', /Service links of Service minio-service/);
  });
  it('the same objects judged as 2.15 name no API server endpoint (the host is required from 2.15)', () => {
    const s = installationSettings(snapshotOf(fixturePath('installation', '2.5.0', 'stock.yaml'), '2.15'), 'kubeflow');
    assert.equal(s.stores[0]?.endpoint, undefined);
  });
});

describe('one fixture per finding', () => {
  for (const file of listFixtures('installation/findings')) {
    it(file, () => {
      const expected = headerValue(readFixture('installation', 'findings', file), 'expect');
      assert.ok(expected !== undefined, `${file} has an # expect: header`);
      const findings = installationChecks(installationSettings(snapshotOf(fixturePath('installation', 'findings', file)), 'kubeflow'));
      assert.deepEqual(
        findings.map((f) => f.id),
        expected === 'none' ? [] : expected.split(','),
        JSON.stringify(findings, null, 1),
      );
      for (const f of findings) assert.equal(f.namespace, 'kubeflow');
    });
  }
  it('the same objects as 2.15: no Service-link fallback, the API server would exit (KFS008), nothing to compare', () => {
    const s = installationSettings(snapshotOf(fixturePath('installation', 'findings', 'service-links-2.5.yaml'), '2.15'), 'kubeflow');
    const findings = installationChecks(s);
    assert.deepEqual(
      findings.map((f) => f.id),
      ['KFS008'],
    );
    assert.match(findings[0]?.message ?? '', /ObjectStoreConfig\.Host is required/);
  });
  it('offline, a ConfigMap the tree does not hold is not reported; live, it is (KFS008)', () => {
    const snapshot = snapshotOf(fixturePath('installation', 'findings', 'missing-configmap-key.yaml'));
    snapshot.configMaps = [];
    assert.deepEqual(installationChecks(installationSettings(snapshot, 'kubeflow')), []);
    const live = installationChecks(installationSettings({ ...snapshot, source: 'cluster' }, 'kubeflow'));
    assert.deepEqual(
      live.map((f) => [f.id, f.message]),
      [
        [
          'KFS008',
          'env OBJECTSTORECONFIG_BUCKETNAME (ConfigMap pipeline-install-config key bucketName) names a ConfigMap that does not exist: the pod cannot start (CreateContainerConfigError)',
        ],
      ],
    );
  });
  it('placeholders name the object and the setting', () => {
    const findings = installationChecks(
      installationSettings(snapshotOf(fixturePath('installation', 'findings', 'placeholder.yaml')), 'kubeflow'),
    );
    assert.deepEqual(
      findings.map((f) => [f.object?.kind, f.object?.name, f.evidence?.placeholder]),
      [
        ['Deployment', 'ml-pipeline', '$(kfp-artifact-storage-endpoint)'],
        ['ConfigMap', 'workflow-controller-configmap', '$(kfp-artifact-bucket-name)'],
      ],
    );
    assert.match(findings[0]?.message ?? '', /env OBJECTSTORECONFIG_HOST/);
  });
});
