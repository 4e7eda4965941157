// StorePolicy loading: every bad policy fails at start-up with the path of the offending field;
// a good one resolves per profile with the source of every value.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadPolicy } from '../../../settings/policy/load.ts';
import { resolveProfile } from '../../../settings/policy/resolve.ts';
import { headerValue, listFixtures, readFixture } from '../../support/fixtures.ts';

describe('invalid policies, one fixture each', () => {
  for (const file of listFixtures('policies/invalid')) {
    const text = readFixture('policies', 'invalid', file);
    it(file, () => {
      const r = loadPolicy(text);
      assert.ok(!r.ok, 'must be rejected');
      const expected = headerValue(text, 'expect-error') ?? '';
      assert.ok(
        r.errors.some((e) => e.includes(expected)),
        `expected "${expected}" in ${JSON.stringify(r.errors)}`,
      );
    });
  }
});

describe('the example policy', () => {
  const r = loadPolicy(readFixture('policies', 'example.yaml'));
  assert.ok(r.ok, r.ok ? '' : r.errors.join('\n'));
  const policy = r.policy;

  it('resolves a plain profile from store, templated', () => {
    const s = resolveProfile(policy, 'team-a');
    assert.equal(s.pipelineRoot, 's3://kubeflow-pipelines/v2/artifacts/team-a');
    assert.deepEqual(s.auth, {
      kind: 'secret',
      name: 'kubeflow-pipelines--profile-object-store-auth--team-a',
      accessKeyKey: 'AWS_ACCESS_KEY_ID',
      secretKeyKey: 'AWS_SECRET_ACCESS_KEY',
    });
    assert.equal(s.region, 'us-west-2');
    assert.equal(s.sources.auth, 'store');
  });
  it('applies a profile override field by field ({bucket} follows the override)', () => {
    const s = resolveProfile(policy, 'team-finance');
    assert.equal(s.bucket, 'finance-kfp');
    assert.equal(s.pipelineRoot, 's3://finance-kfp/v2/artifacts/team-finance');
    assert.deepEqual(s.auth, {
      kind: 'webIdentity',
      roleArn: 'arn:aws:iam::123456789012:role/kfp-team-finance',
      audience: 'sts.amazonaws.com',
      expirationSeconds: 86400,
    });
    assert.equal(s.sources.bucket, 'profiles.team-finance');
    assert.equal(s.sources.region, 'store');
  });
  it('fills defaults for what a minimal policy leaves out', () => {
    const m = loadPolicy('apiVersion: kfstore.dev/v1alpha1\nkind: StorePolicy\nstore: {bucket: kfp, auth: {fromEnv: {}}}\n');
    assert.ok(m.ok);
    assert.deepEqual(m.policy.inject, {
      containers: ['main'],
      podSelector: { matchLabels: { 'pipelines.kubeflow.org/v2_component': 'true' } },
    });
    assert.equal(m.policy.validate.requireProfilePrefix, true);
    assert.equal(resolveProfile(m.policy, 'x-y').pipelineRoot, 's3://kfp/v2/artifacts/x-y');
  });
});
