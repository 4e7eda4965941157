// refusedWrites: a planned kfp-launcher over the API server's 1 MiB data limit (counted in UTF-8
// bytes, as core validation does) stops the plan; one just under it does not. The immutable case
// is a plan fixture (immutable-launcher-refused.yaml).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptySnapshot, indexSnapshot } from '../../../settings/cluster/snapshot.ts';
import { MAX_DATA_BYTES, refusedWrites } from '../../../settings/migrate/api-limits.ts';
import { planNamespace } from '../../../settings/migrate/plan.ts';
import { resolveTarget } from '../../../settings/migrate/migration-target.ts';

function planWith(extra: string): ReturnType<typeof planNamespace> {
  const snapshot = emptySnapshot('manifests');
  snapshot.configMaps.push({
    metadata: { name: 'kfp-launcher', namespace: 'team-a' },
    data: { defaultPipelineRoot: 'minio://mlpipeline/v2/artifacts/team-a', extra },
  });
  const target = resolveTarget({ to: 's3', bucket: 'kfp', endpoint: 'http://minio.storage.svc:9000' });
  assert.ok(target.ok);
  return planNamespace(indexSnapshot(snapshot), 'team-a', target.target);
}

describe('refusedWrites', () => {
  it('KFS078 when the planned data exceeds 1 MiB in UTF-8 bytes; none just under', () => {
    const small = planWith('');
    const used = Object.values(small.changes.find((c) => c.name === 'kfp-launcher')?.after.data ?? {}).reduce(
      (n, v) => n + Buffer.byteLength(v),
      0,
    );
    const room = MAX_DATA_BYTES - used;
    assert.deepEqual(refusedWrites(planWith('a'.repeat(room))), []);
    // 'é' is two bytes: the same number of characters goes over.
    const over = refusedWrites(planWith(`${'a'.repeat(room - 1)}é`));
    assert.deepEqual(
      over.map((f) => `${f.id} ${f.level} ${f.namespace} ${f.object?.name}`),
      ['KFS078 error team-a kfp-launcher'],
    );
    assert.match(
      over[0]?.message ?? '',
      new RegExp(`holds ${MAX_DATA_BYTES + 1} bytes of data, over the API server's limit of ${MAX_DATA_BYTES}`),
    );
  });
});
