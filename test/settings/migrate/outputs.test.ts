// IAM policies, the diff format and every provider's planned kfp-launcher, without manifests.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { emptySnapshot, indexSnapshot } from '../../../settings/cluster/snapshot.ts';
import { diffChange, diffLines } from '../../../settings/migrate/diff.ts';
import { backendPolicy, namespacePolicy } from '../../../settings/migrate/iam.ts';
import { planNamespace } from '../../../settings/migrate/plan.ts';
import type { ObjectChange } from '../../../settings/migrate/plan.ts';
import { resolveTarget } from '../../../settings/migrate/migration-target.ts';
import type { MigrationTarget, TargetInput } from '../../../settings/migrate/migration-target.ts';

function target(input: Omit<TargetInput, 'to'>): MigrationTarget {
  const r = resolveTarget({ to: 's3', ...input });
  assert.ok(r.ok, r.ok ? '' : r.errors.join('\n'));
  return r.target;
}

describe('migrate IAM policies', () => {
  it("backend policy: deployKF's prefixes for every profile plus pipelines/", () => {
    const t = target({ endpoint: 'http://minio:9000', bucket: 'kfp' });
    assert.deepEqual(backendPolicy(t), {
      Version: '2012-10-17',
      Statement: [
        { Effect: 'Allow', Action: ['s3:GetBucketLocation', 's3:ListBucket'], Resource: ['arn:aws:s3:::kfp'] },
        {
          Effect: 'Allow',
          Action: ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'],
          Resource: ['arn:aws:s3:::kfp/artifacts/*', 'arn:aws:s3:::kfp/pipelines/*', 'arn:aws:s3:::kfp/v2/artifacts/*'],
        },
      ],
    });
  });

  it("a namespace's policy follows the root template", () => {
    const t = target({ endpoint: 'http://minio:9000', bucket: 'kfp', rootTemplate: 's3://{bucket}/tenants/{profile}/kfp' });
    assert.deepEqual(namespacePolicy(t, 'team-a').Statement[1]?.Resource, ['arn:aws:s3:::kfp/tenants/team-a/*']);
    assert.deepEqual(backendPolicy(t).Statement[1]?.Resource, ['arn:aws:s3:::kfp/tenants/*', 'arn:aws:s3:::kfp/pipelines/*']);
  });
});

describe('migrate planned kfp-launcher per provider', () => {
  const cases: [string, Omit<TargetInput, 'to' | 'bucket'>][] = [
    ['aws', { endpoint: 'aws', region: 'us-east-2' }],
    ['gcs', { endpoint: 'gcs' }],
    ['r2', { endpoint: 'r2', account: '0123456789abcdef0123456789abcdef' }],
    ['ibm', { endpoint: 'ibm', region: 'us-south' }],
    ['minio', { endpoint: 'http://minio.storage:9000' }],
    ['ceph', { endpoint: 'https://rgw.example', region: 'default' }],
  ];
  for (const [name, input] of cases) {
    it(`${name}: lints clean`, () => {
      const plan = planNamespace(indexSnapshot(emptySnapshot('manifests')), 'team-a', target({ ...input, bucket: 'kfp' }));
      assert.deepEqual(plan.launcherFindings, []);
    });
  }
  it('oss: virtual-hosted style, which OSS requires, lints clean', () => {
    const plan = planNamespace(
      indexSnapshot(emptySnapshot('manifests')),
      'team-a',
      target({ endpoint: 'oss', region: 'cn-hangzhou', bucket: 'kfp' }),
    );
    assert.deepEqual(
      plan.launcherFindings.map((f) => `${f.id} ${f.level}`),
      [],
    );
  });
});

describe('migrate diff', () => {
  it('diffs multi-line values line by line', () => {
    assert.deepEqual(diffLines(['a', 'b', 'c'], ['a', 'x', 'c']), ['    a', '+   x', '-   b', '    c']);
  });

  it('a Secret diff names keys, never values', () => {
    const change: ObjectChange = {
      kind: 'Secret',
      name: 's',
      action: 'update',
      resourceVersion: '5',
      before: { apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: 'team-a' }, data: { a: 'c2VjcmV0' } },
      after: {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 's', namespace: 'team-a' },
        data: { a: 'c2VjcmV0' },
        stringData: { b: 'hunter2' },
      },
    };
    const text = diffChange(change, 'team-a');
    assert.equal(
      text,
      '--- Secret team-a/s (resourceVersion 5)\n+++ Secret team-a/s (update)\n  data.a: (kept)\n+ data.b: (value to be provided)\n',
    );
  });
});
