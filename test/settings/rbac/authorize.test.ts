// The pure RBAC evaluator on the same RBAC the test API server's SubjectAccessReview test applies
// (test/fixtures/kube-apiserver/rbac-grants.yaml), read with the plugin's manifest loader: both must agree.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadManifests } from '../../../plugin/manifests/load.ts';
import { authorize, serviceAccountUser } from '../../../settings/rbac/authorize.ts';
import type { RbacObjects } from '../../../settings/rbac/authorize.ts';
import { fixturePath } from '../../support/fixtures.ts';

const rbac: RbacObjects = loadManifests([fixturePath('kube-apiserver', 'rbac-grants.yaml')], 'default').snapshot.rbac ?? {
  roles: [],
  bindings: [],
};

function allowed(sa: string, namespace: string, verb: string, resource: string, name?: string): boolean | string {
  const [saNs = '', saName = ''] = sa.split('/');
  const a = authorize(rbac, serviceAccountUser(saNs, saName), {
    verb,
    apiGroup: '',
    resource,
    namespace,
    ...(name !== undefined ? { name } : {}),
  });
  return a.allowed ? true : (a.undecided ?? false);
}

describe('authorize', () => {
  it('a RoleBinding grants in its namespace only; a ServiceAccount subject without namespace is the binding’s', () => {
    assert.equal(allowed('team-a/runner', 'team-a', 'get', 'configmaps', 'kfp-launcher'), true);
    assert.equal(allowed('team-a/runner', 'team-b', 'get', 'configmaps', 'kfp-launcher'), false);
    assert.equal(allowed('team-b/runner', 'team-a', 'get', 'configmaps', 'kfp-launcher'), false);
  });
  it('an aggregated ClusterRole carries only what it aggregates', () => {
    assert.equal(allowed('team-a/runner', 'team-a', 'list', 'configmaps'), false);
  });
  it('resourceNames limit a rule to those names', () => {
    assert.equal(allowed('team-a/runner', 'team-a', 'get', 'secrets', 'store'), true);
    assert.equal(allowed('team-a/runner', 'team-a', 'get', 'secrets', 'other'), false);
  });
  it('a ClusterRoleBinding to a group grants everywhere', () => {
    assert.equal(allowed('team-b/anyone', 'team-a', 'list', 'pods'), true);
    assert.equal(allowed('team-a/runner', 'team-a', 'list', 'pods'), false);
  });
  it('a binding to a role the objects do not hold leaves the answer open, naming the binding', () => {
    const open = authorize({ roles: [], bindings: rbac.bindings }, serviceAccountUser('team-a', 'runner'), {
      verb: 'get',
      apiGroup: '',
      resource: 'configmaps',
      namespace: 'team-a',
      name: 'kfp-launcher',
    });
    assert.equal(open.allowed, false);
    assert.match(open.allowed ? '' : (open.undecided ?? ''), /RoleBinding team-a\/runner-config \(ClusterRole config-reader\)/);
  });
});
