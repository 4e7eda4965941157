// Where the launcher connects, as NetworkPolicies see it (destinationOf); the policy verdicts themselves are
// covered one fixture each (test/fixtures/doctor/kfs060-*.yaml, test/settings/doctor/run.test.ts).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptySnapshot, indexSnapshot } from '../../../../settings/cluster/snapshot.ts';
import { destinationOf } from '../../../../settings/doctor/checks/network.ts';

const snap = emptySnapshot('manifests');
snap.namespaces = [
  { metadata: { name: 'team-a' } },
  { metadata: { name: 'kubeflow', labels: { 'kubernetes.io/metadata.name': 'kubeflow' } } },
];
const index = indexSnapshot(snap);
const dest = (params: Record<string, string>, provider = 's3') => destinationOf(index, 'team-a', provider, params);

describe('destinationOf', () => {
  it('an IP literal with its port, or the scheme’s port', () => {
    assert.deepEqual(dest({ endpoint: '10.0.0.5:9000', disableSSL: 'true' }), { kind: 'ip', ip: '10.0.0.5', port: 9000 });
    assert.deepEqual(dest({ endpoint: 'http://10.0.0.5' }), { kind: 'ip', ip: '10.0.0.5', port: 80 });
    assert.deepEqual(dest({ endpoint: '10.0.0.5' }), { kind: 'ip', ip: '10.0.0.5', port: 443 });
  });
  it('a Service: name.namespace of a known namespace, .svc names, a bare name in the pod’s namespace', () => {
    assert.deepEqual(dest({ endpoint: 'seaweedfs.kubeflow:9000', disableSSL: 'true' }), {
      kind: 'service',
      name: 'seaweedfs',
      namespace: 'kubeflow',
      port: 9000,
      namespaceLabels: { 'kubernetes.io/metadata.name': 'kubeflow' },
    });
    assert.deepEqual(dest({ endpoint: 'minio.store.svc.cluster.local:9000' }), {
      kind: 'service',
      name: 'minio',
      namespace: 'store',
      port: 9000,
    });
    assert.deepEqual(dest({ endpoint: 'minio-service:9000' }), { kind: 'service', name: 'minio-service', namespace: 'team-a', port: 9000 });
  });
  it('other names: DNS; two labels of an unknown namespace may still be a Service', () => {
    assert.deepEqual(dest({ endpoint: 'minio.example.com' }), { kind: 'dns', host: 'minio.example.com', port: 443 });
    assert.deepEqual(dest({ endpoint: 'minio.store:9000' }), { kind: 'dns', host: 'minio.store', port: 9000, maybeService: true });
    assert.deepEqual(dest({ region: 'eu-west-1' }), { kind: 'dns', host: 's3.eu-west-1.amazonaws.com', port: 443 });
    assert.deepEqual(dest({}, 'gs'), { kind: 'dns', host: 'storage.googleapis.com', port: 443 });
  });
});
