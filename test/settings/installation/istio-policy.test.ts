// Istio's authorization order for the UI calling a profile's artifact proxy, one fixture per behaviour
// under test/fixtures/installation/istio/ (`# expect: allowed|denied`), loaded as doctor -f loads them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { admits, principalOf } from '../../../settings/installation/istio-policy.ts';
import { loadManifests } from '../../../plugin/manifests/load.ts';
import { fixturePath, headerValue, listFixtures, readFixture } from '../../support/fixtures.ts';

const PROXY_LABELS = { app: 'ml-pipeline-ui-artifact' };
const UI = { principal: principalOf('kubeflow', 'ml-pipeline-ui'), namespace: 'kubeflow', method: 'GET' };

describe('AuthorizationPolicies and the ml-pipeline-ui principal', () => {
  for (const file of listFixtures('installation/istio')) {
    it(file, () => {
      const expected = headerValue(readFixture('installation', 'istio', file), 'expect');
      assert.ok(expected === 'allowed' || expected === 'denied', `${file} has an # expect: allowed|denied header`);
      const { snapshot } = loadManifests([fixturePath('installation', 'istio', file)], 'team-a');
      const answer = admits(snapshot.authorizationPolicies ?? [], PROXY_LABELS, UI);
      assert.equal(answer.allowed ? 'allowed' : 'denied', expected, JSON.stringify(answer));
    });
  }
  it('a refusal names the policy that decides it', () => {
    const { snapshot } = loadManifests([fixturePath('installation', 'istio', 'deny-principal.yaml')], 'team-a');
    const answer = admits(snapshot.authorizationPolicies ?? [], PROXY_LABELS, UI);
    assert.deepEqual(answer.allowed ? undefined : [answer.policy, answer.why], [
      'deny-ui',
      'AuthorizationPolicy deny-ui (action DENY) matches it',
    ]);
  });
});
