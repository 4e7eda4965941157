// storedUris and atTarget over the runs of test/fixtures/migrate-installation/held-runs.yaml.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { resolveTarget } from '../../../settings/migrate/migration-target.ts';
import { atTarget, storedUris } from '../../../settings/migrate/stored-uris.ts';
import type { HeldObject } from '../../../settings/migrate/stored-uris.ts';
import { readFixture } from '../../support/fixtures.ts';

const held = parseAllDocuments(readFixture('migrate-installation', 'held-runs.yaml')).map((d) => d.toJS() as HeldObject & { kind: string });
const one = (name: string): HeldObject & { kind: string } => {
  const o = held.find((h) => h.metadata.name === name);
  assert.ok(o !== undefined, name);
  return o;
};
const r = resolveTarget({ to: 's3', bucket: 'kfp-art', region: 'us-east-2' });
assert.ok(r.ok);
const target = r.target;

describe('storedUris', () => {
  it("a Workflow's logs: the key from the artifact, bucket and endpoint from the repository Argo resolved for the run", () => {
    assert.deepEqual(storedUris('Workflow', one('train-x7k2p')).uris, [
      {
        namespace: 'team-a',
        kind: 'Workflow',
        name: 'train-x7k2p',
        where: 'output main-logs of system-container-impl',
        uri: 's3://mlpipeline/private-artifacts/team-a/train-x7k2p/train-x7k2p-system-container-impl-1234/main.log',
        endpoint: 'minio-service.kubeflow:9000',
      },
    ]);
  });

  it('a ScheduledWorkflow pinning a root', () => {
    const [u] = storedUris('ScheduledWorkflow', one('nightly-train')).uris;
    assert.equal(u?.uri, 'minio://mlpipeline/v2/artifacts/team-a');
    assert.equal(u?.where, 'pipeline root (runtimeConfig)');
  });

  it('at the target: same bucket, and the same endpoint when the reference names one', () => {
    const after = storedUris('Workflow', one('train-after')).uris;
    assert.equal(after.length, 1);
    assert.ok(after.every((u) => atTarget(u, target)));
    assert.ok(!storedUris('Workflow', one('train-x7k2p')).uris.some((u) => atTarget(u, target)));
    // The same bucket name at another endpoint is another store.
    const elsewhere = after.map((u) => ({ ...u, endpoint: 'minio-service.kubeflow:9000' }));
    assert.ok(!elsewhere.some((u) => atTarget(u, target)));
  });

  it('artifacts naming no bucket fall back to the installation default given', () => {
    const wf = {
      metadata: { name: 'w', namespace: 'n' },
      status: { nodes: { a: { displayName: 'd', outputs: { artifacts: [{ name: 'x', s3: { key: 'k' } }] } } } },
    };
    assert.equal(storedUris('Workflow', wf, { bucket: 'mlpipeline' }).uris[0]?.uri, 's3://mlpipeline/k');
  });

  it('a status that is not what Argo writes is named, not thrown: the pinned roots are still reported', () => {
    for (const status of [{ nodes: { a: null } }, { nodes: { a: { outputs: { artifacts: {} } } } }, 'running']) {
      const held = storedUris('Workflow', { metadata: { name: 'w', namespace: 'n' }, status });
      assert.deepEqual(held.uris, []);
      assert.match(held.unreadable ?? '', /^status(\.|:)/, JSON.stringify(status));
    }
  });
});
