// SubjectAccessReview against the test API server, through the real kubectl: RBAC objects applied with
// kubectl, reviews created with kubectl, answered by the rules of kube-apiserver's RBAC authorizer.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startKubeApiServer } from '../support/kube-apiserver/index.ts';
import type { KubeApiServer } from '../support/kube-apiserver/index.ts';
import { readFixture } from '../support/fixtures.ts';
import { kubectlWith } from '../support/kubectl-run.ts';

let server: KubeApiServer;
let dir = '';
let admin = '';

before(async () => {
  server = await startKubeApiServer();
  dir = await mkdtemp(join(tmpdir(), 'kfstore-rbac-'));
  admin = join(dir, 'admin.kubeconfig');
  await server.writeKubeconfig(admin, 'admin');
  const applied = await kubectlWith(dir, admin, ['apply', '-f', '-'], readFixture('kube-apiserver', 'rbac-grants.yaml'));
  assert.equal(applied.code, 0, applied.stderr);
});
after(async () => {
  await server?.close();
  await rm(dir, { recursive: true, force: true });
});

function review(user: string, groups: string[], attrs: Record<string, string>): string {
  return JSON.stringify({
    apiVersion: 'authorization.k8s.io/v1',
    kind: 'SubjectAccessReview',
    spec: { user, groups, resourceAttributes: attrs },
  });
}

async function allowed(sa: string, ns: string, attrs: Record<string, string>, kubeconfig = admin): Promise<boolean> {
  const [saNs, name] = sa.split('/');
  const body = review(
    `system:serviceaccount:${saNs}:${name}`,
    ['system:serviceaccounts', `system:serviceaccounts:${saNs}`, 'system:authenticated'],
    {
      namespace: ns,
      ...attrs,
    },
  );
  const r = await kubectlWith(dir, kubeconfig, ['create', '--validate=false', '-f', '-', '-o', 'json'], body);
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { status: { allowed: boolean } }).status.allowed;
}

describe('SubjectAccessReview from stored RBAC', () => {
  it('a RoleBinding grants in its namespace only; a ServiceAccount subject without namespace is the binding’s', async () => {
    assert.equal(await allowed('team-a/runner', 'team-a', { verb: 'get', resource: 'configmaps', name: 'kfp-launcher' }), true);
    assert.equal(await allowed('team-a/runner', 'team-b', { verb: 'get', resource: 'configmaps', name: 'kfp-launcher' }), false);
    assert.equal(await allowed('team-b/runner', 'team-a', { verb: 'get', resource: 'configmaps', name: 'kfp-launcher' }), false);
  });
  it('an aggregated ClusterRole carries only what it aggregates', async () => {
    assert.equal(await allowed('team-a/runner', 'team-a', { verb: 'list', resource: 'configmaps' }), false);
  });
  it('resourceNames limit a rule to those names', async () => {
    assert.equal(await allowed('team-a/runner', 'team-a', { verb: 'get', resource: 'secrets', name: 'store' }), true);
    assert.equal(await allowed('team-a/runner', 'team-a', { verb: 'get', resource: 'secrets', name: 'other' }), false);
  });
  it('a ClusterRoleBinding to a group grants everywhere', async () => {
    assert.equal(await allowed('team-b/anyone', 'team-a', { verb: 'list', resource: 'pods' }), true);
    assert.equal(await allowed('team-a/runner', 'team-a', { verb: 'list', resource: 'pods' }), false);
  });
  it('the allowing binding is named in status.reason', async () => {
    const body = review('system:serviceaccount:team-a:runner', [], {
      namespace: 'team-a',
      verb: 'get',
      resource: 'secrets',
      name: 'store',
    });
    const r = await kubectlWith(dir, admin, ['create', '--validate=false', '-f', '-', '-o', 'json'], body);
    const status = (JSON.parse(r.stdout) as { status: { reason?: string } }).status;
    assert.equal(
      status.reason,
      'RBAC: allowed by RoleBinding "runner-secret/team-a" of Role "one-secret" to ServiceAccount "runner/team-a"',
    );
  });
  it('no user and no groups: 422 as the real validation says', async () => {
    const r = await kubectlWith(dir, admin, ['create', '--validate=false', '-f', '-'], review('', [], { verb: 'get', resource: 'pods' }));
    assert.notEqual(r.code, 0);
    assert.match(
      r.stderr,
      /SubjectAccessReview .* is invalid: spec.user: Invalid value: "": at least one of user or group must be specified/,
    );
  });
  it('creating one needs create on subjectaccessreviews', async () => {
    server.addUser('viewer', { token: 'viewer-token' });
    const kc = join(dir, 'viewer.kubeconfig');
    await server.writeKubeconfig(kc, 'viewer');
    const r = await kubectlWith(dir, kc, ['create', '--validate=false', '-f', '-'], review('x', [], { verb: 'get', resource: 'pods' }));
    assert.notEqual(r.code, 0);
    assert.match(
      r.stderr,
      /subjectaccessreviews.authorization.k8s.io is forbidden: User "viewer" cannot create resource "subjectaccessreviews"/,
    );
  });
});
