// What --probe reads with, per release: the profile's session and Secret (2.3-2.16, and through the
// proxy) or the UI's own MINIO_*/AWS_* settings (2.17 without proxy), on the fixtures of test/fixtures/installation/ui/.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { indexSnapshot } from '../../../settings/cluster/snapshot.ts';
import { installationSettings } from '../../../settings/installation/settings.ts';
import { uiReads } from '../../../settings/installation/ui-read.ts';
import type { UiReadPlan } from '../../../settings/installation/ui-read.ts';
import { detectKfpVersion } from '../../../settings/kfp/version-source.ts';
import { loadManifests } from '../../../plugin/manifests/load.ts';
import { fixturePath } from '../../support/fixtures.ts';

function plans(file: string): UiReadPlan[] {
  const { snapshot } = loadManifests([fixturePath('installation', 'ui', file)], 'kubeflow');
  const r = detectKfpVersion({ deployments: snapshot.deployments.filter((d) => d.metadata.name === 'ml-pipeline') });
  assert.ok(r.ok);
  snapshot.kfp = r.info;
  return uiReads(indexSnapshot(snapshot), installationSettings(snapshot, 'kubeflow'));
}

describe('the UI read --probe reproduces', () => {
  it("2.15 without proxy: team-a's session (endpoint, TLS) and its Secret's keys", () => {
    const [p] = plans('store-without-proxy-2.15.yaml');
    assert.ok(p?.ok);
    const { host, port, useSSL, region, accessKey, bucket, prefix } = p.read;
    assert.deepEqual(
      { host, port, useSSL, region, accessKey, bucket, prefix },
      {
        host: 'minio.storage.example.com',
        port: 9000,
        useSSL: true,
        region: 'us-east-1',
        accessKey: { kind: 'secret', namespace: 'team-a', name: 'team-a-store', key: 'AWS_ACCESS_KEY_ID' },
        bucket: 'team-a-artifacts',
        prefix: 'v2/artifacts/',
      },
    );
  });
  it("2.17 through the proxy: the built-in minio session, plain HTTP (disableSSL), the profile's mlpipeline-minio-artifact", () => {
    const [p] = plans('proxy-istio-allowed.yaml');
    assert.ok(p?.ok);
    assert.deepEqual([p.read.host, p.read.port, p.read.useSSL], ['seaweedfs.kubeflow', 9000, false]);
    assert.deepEqual(p.read.secretKey, { kind: 'secret', namespace: 'team-a', name: 'mlpipeline-minio-artifact', key: 'secretkey' });
  });
  it("2.17 without proxy: the UI's own MINIO_* settings and, unset, its default keys", () => {
    const [p] = plans('same-store-2.17.yaml');
    assert.ok(p?.ok);
    assert.deepEqual([p.read.host, p.read.port, p.read.useSSL], ['seaweedfs.kubeflow', 9000, false]);
    assert.equal(p.read.accessKey.kind === 'value' ? p.read.accessKey.from : '', 'MINIO_ACCESS_KEY unset (UI default)');
    assert.match(p.read.via, /ml-pipeline-ui's own MINIO_\* settings/);
  });
  it('2.17 without proxy, s3:// and a UI without AWS keys: not reproducible (the AWS default chain)', () => {
    const [p] = plans('store-without-proxy-2.17.yaml');
    assert.equal(p?.ok, false);
    assert.match(p?.ok === false ? p.why : '', /default chain/);
  });
});

describe('a standalone install (not multi-user): the installation namespace itself', () => {
  it("KFP 2.17.0's stock objects: kubeflow's kfp-launcher session and its Secret (providerInfo honoured)", () => {
    const { snapshot } = loadManifests([fixturePath('installation', '2.17.0', 'stock.yaml')], 'kubeflow');
    const r = detectKfpVersion({ deployments: snapshot.deployments.filter((d) => d.metadata.name === 'ml-pipeline') });
    assert.ok(r.ok);
    snapshot.kfp = r.info;
    const [p, more] = uiReads(indexSnapshot(snapshot), installationSettings(snapshot, 'kubeflow'));
    assert.equal(more, undefined);
    assert.ok(p?.ok);
    assert.deepEqual(
      [p.read.namespace, p.read.host, p.read.port, p.read.useSSL, p.read.bucket],
      ['kubeflow', 'seaweedfs.kubeflow', 9000, false, 'mlpipeline'],
    );
    assert.deepEqual(p.read.accessKey, { kind: 'secret', namespace: 'kubeflow', name: 'mlpipeline-minio-artifact', key: 'accesskey' });
  });
});
