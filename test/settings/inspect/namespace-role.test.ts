// What a namespace is to KFP, from the objects a snapshot holds.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptySnapshot, indexSnapshot } from '../../../settings/cluster/snapshot.ts';
import type { ClusterSnapshot } from '../../../settings/cluster/snapshot.ts';
import { namespaceRole } from '../../../settings/inspect/namespace-role.ts';

function cluster(fill: (s: ClusterSnapshot) => void, source: ClusterSnapshot['source'] = 'cluster'): ReturnType<typeof indexSnapshot> {
  const s = emptySnapshot(source);
  fill(s);
  return indexSnapshot(s);
}

describe('namespaceRole', () => {
  it('a profile: the enabled label, the part-of label, or a kfp-launcher', () => {
    const index = cluster((s) => {
      s.namespaces.push(
        { metadata: { name: 'a', labels: { 'pipelines.kubeflow.org/enabled': 'true' } } },
        { metadata: { name: 'b', labels: { 'app.kubernetes.io/part-of': 'kubeflow-profile' } } },
        { metadata: { name: 'c' } },
      );
      s.configMaps.push({ metadata: { name: 'kfp-launcher', namespace: 'c' } });
    });
    assert.deepEqual(
      ['a', 'b', 'c'].map((ns) => namespaceRole(index, ns)),
      ['profile', 'profile', 'profile'],
    );
  });
  it('KFP’s own namespace, by name or by its objects', () => {
    const index = cluster((s) => {
      s.namespaces.push({ metadata: { name: 'kubeflow' } }, { metadata: { name: 'kfp' } });
      s.secrets.push({ metadata: { name: 'mlpipeline-minio-artifact', namespace: 'kfp' }, values: {}, invalidKeys: [] });
    });
    assert.equal(namespaceRole(index, 'kubeflow'), 'kfp');
    assert.equal(namespaceRole(index, 'kfp'), 'kfp');
  });
  it('default is other; an absent namespace is missing, unless it could not be read', () => {
    const index = cluster((s) => {
      s.namespaces.push({ metadata: { name: 'default' } });
      s.partial.push({
        kind: 'Namespace',
        namespace: 'secret-ns',
        name: 'secret-ns',
        reason: 'forbidden',
        check: 'kubectl auth can-i get namespaces/secret-ns',
        known: [],
      });
    });
    assert.equal(namespaceRole(index, 'default'), 'other');
    assert.equal(namespaceRole(index, 'nope'), 'missing');
    assert.equal(namespaceRole(index, 'secret-ns'), 'unreadable');
  });
  it('manifests: a namespace only objects name is other; one nothing names is missing', () => {
    const index = cluster((s) => {
      s.configMaps.push({ metadata: { name: 'settings', namespace: 'tools' } });
      s.namespaces.push({ metadata: { name: 'tools' } });
      s.implicitNamespaces = ['tools'];
    }, 'manifests');
    assert.equal(namespaceRole(index, 'tools'), 'other');
    assert.equal(namespaceRole(index, 'team-zzz'), 'missing');
  });
});
