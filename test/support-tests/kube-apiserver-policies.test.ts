// ValidatingAdmissionPolicy in the in-process API server, held to kube-apiserver's rules with the
// real kubectl: policies and bindings applied with kubectl, matchConstraints and binding
// matchResources, matchConditions, variables, message/messageExpression/reason, failurePolicy,
// validationActions, and the denial text kubectl prints.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, beforeEach, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { startKubeApiServer } from '../support/kube-apiserver/index.ts';
import type { KubeApiServer } from '../support/kube-apiserver/index.ts';
import { kubectlWith } from '../support/kubectl-run.ts';
import type { Run } from '../support/kubectl-run.ts';

let server: KubeApiServer;
let dir: string;
let admin: string;
const kubectl = (...args: string[]): Promise<Run> => kubectlWith(dir, admin, args);

before(async () => {
  server = await startKubeApiServer();
  dir = await mkdtemp(join(tmpdir(), 'kfstore-kas-vap-'));
  admin = join(dir, 'admin.kubeconfig');
  await server.writeKubeconfig(admin);
  server.addUser('alice', { token: 'alice-token', groups: ['team'] });
  server.allow('alice', { verbs: ['*'], resources: ['configmaps'] });
  await server.writeKubeconfig(join(dir, 'alice.kubeconfig'), 'alice');
  server.seed([
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'guarded', labels: { guarded: 'true' } } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'open' } },
  ]);
});
after(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

async function apply(name: string, ...docs: Record<string, unknown>[]): Promise<Run> {
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, docs.map((d) => stringify(d)).join('---\n'));
  return kubectl('apply', '-f', file);
}

function policy(name: string, spec: Record<string, unknown>): Record<string, unknown> {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicy',
    metadata: { name },
    spec: {
      matchConstraints: {
        resourceRules: [{ apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE'], resources: ['configmaps'] }],
      },
      ...spec,
    },
  };
}

function binding(name: string, policyName: string, spec: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingAdmissionPolicyBinding',
    metadata: { name },
    spec: { policyName, validationActions: ['Deny'], ...spec },
  };
}

const createCm = (ns: string, name: string, ...extra: string[]): Promise<Run> => kubectl('-n', ns, 'create', 'configmap', name, ...extra);

describe('kube-apiserver: ValidatingAdmissionPolicy', () => {
  beforeEach(async () => {
    await kubectl('delete', 'validatingadmissionpolicy,validatingadmissionpolicybinding', '--all');
  });

  test('a policy applied with kubectl denies with its message, reason Invalid (422), only where bound', async () => {
    const r = await apply(
      'small',
      policy('small-configmaps', {
        validations: [{ expression: '!has(object.data) || size(object.data) <= 1', message: 'at most one key' }],
      }),
      binding('small-configmaps-guarded', 'small-configmaps', {
        matchResources: { namespaceSelector: { matchLabels: { guarded: 'true' } } },
      }),
    );
    assert.equal(r.code, 0, r.stderr);
    assert.match((await kubectl('get', 'validatingadmissionpolicy')).stdout, /^small-configmaps\s+1\s+<unset>\s+/m);
    const denied = await createCm('guarded', 'two', '--from-literal=a=1', '--from-literal=b=2');
    assert.equal(denied.code, 1);
    assert.equal(
      denied.stderr,
      `error: failed to create configmap: configmaps "two" is forbidden: ValidatingAdmissionPolicy 'small-configmaps' with binding 'small-configmaps-guarded' denied request: at most one key\n`,
    );
    const code = await kubectl('-n', 'guarded', 'create', 'configmap', 'two', '--from-literal=a=1', '--from-literal=b=2', '-v=6');
    assert.match(code.stderr, /422 Unprocessable Entity/);
    assert.equal((await createCm('guarded', 'one', '--from-literal=a=1')).code, 0);
    assert.equal(
      (await createCm('open', 'two', '--from-literal=a=1', '--from-literal=b=2')).code,
      0,
      'the binding selects only labelled namespaces',
    );
  });

  test('without a binding a policy does nothing', async () => {
    await apply('unbound', policy('deny-all', { validations: [{ expression: 'false' }] }));
    assert.equal((await createCm('open', 'unbound')).code, 0);
  });

  test('messageExpression, reason Forbidden (403) and the expression text as the last resort', async () => {
    await apply(
      'messages',
      policy('names', {
        validations: [
          {
            expression: "!object.metadata.name.startsWith('x-')",
            messageExpression: "'name ' + object.metadata.name + ' is reserved'",
            reason: 'Forbidden',
          },
          { expression: "object.metadata.name != 'plain'" },
        ],
      }),
      binding('names', 'names'),
    );
    const reserved = await kubectl('-n', 'open', 'create', 'configmap', 'x-1', '-o', 'name', '--dry-run=server', '-v=6');
    assert.match(reserved.stderr, /403 Forbidden/);
    assert.match(reserved.stderr, /denied request: name x-1 is reserved/);
    const plain = await createCm('open', 'plain');
    assert.match(plain.stderr, /denied request: failed expression: object\.metadata\.name != 'plain'\n$/);
  });

  test('variables are evaluated lazily; matchConditions pick requests; request.userInfo is the caller', async () => {
    await apply(
      'users',
      policy('team-owner', {
        matchConditions: [{ name: 'team-members', expression: "'team' in request.userInfo.groups" }],
        variables: [
          { name: 'owner', expression: "object.metadata.labels['owner']" },
          { name: 'caller', expression: 'request.userInfo.username' },
        ],
        validations: [{ expression: 'variables.owner == variables.caller', messageExpression: "'owner must be ' + variables.caller" }],
      }),
      binding('team-owner', 'team-owner'),
    );
    const alice = (...args: string[]): Promise<Run> => kubectlWith(dir, join(dir, 'alice.kubeconfig'), args);
    const file = join(dir, 'owned.yaml');
    await writeFile(
      file,
      stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'owned', namespace: 'open', labels: { owner: 'alice' } } }),
    );
    assert.equal((await alice('apply', '-f', file)).code, 0);
    const unlabelled = await alice('-n', 'open', 'create', 'configmap', 'unowned');
    assert.match(
      unlabelled.stderr,
      /denied request: expression 'variables\.owner == variables\.caller' resulted in error: no such key: labels\n$/,
      'the variable error surfaces where it is used, failurePolicy Fail',
    );
    assert.equal((await createCm('open', 'admin-is-not-in-team')).code, 0, 'matchConditions false: the policy does not apply to admin');
  });

  test('failurePolicy Ignore admits when a validation errors; Warn turns a denial into a warning', async () => {
    await apply(
      'ignore',
      policy('ignore-errors', { failurePolicy: 'Ignore', validations: [{ expression: "object.data['k'] == 'v'" }] }),
      binding('ignore-errors', 'ignore-errors'),
    );
    assert.equal((await createCm('open', 'no-data')).code, 0);
    await kubectl('delete', 'validatingadmissionpolicy,validatingadmissionpolicybinding', '--all');
    await apply(
      'warn',
      policy('warn-only', { validations: [{ expression: 'false', message: 'just saying' }] }),
      binding('warn-only', 'warn-only', { validationActions: ['Warn'] }),
    );
    const warned = await createCm('open', 'warned');
    assert.equal(warned.code, 0, warned.stderr);
    assert.match(
      warned.stderr,
      /^Warning: Validation failed for ValidatingAdmissionPolicy 'warn-only' with binding 'warn-only': just saying$/m,
    );
  });

  test('resourceNames and excludeResourceRules narrow what a policy sees', async () => {
    await apply(
      'names-only',
      policy('only-special', {
        matchConstraints: {
          resourceRules: [
            {
              apiGroups: [''],
              apiVersions: ['v1'],
              operations: ['CREATE'],
              resources: ['configmaps'],
              resourceNames: ['special', 'excluded'],
            },
          ],
          excludeResourceRules: [
            { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['configmaps'], resourceNames: ['excluded'] },
          ],
        },
        validations: [{ expression: 'false', message: 'no' }],
      }),
      binding('only-special', 'only-special'),
    );
    assert.equal((await createCm('open', 'special')).code, 1);
    assert.equal((await createCm('open', 'excluded')).code, 0);
    assert.equal((await createCm('open', 'ordinary')).code, 0);
  });

  test('policies and bindings are compiled and validated on write (422)', async () => {
    const r = await apply(
      'broken',
      policy('broken', { validations: [{ expression: 'object.metadata.name' }, { expression: 'true', messageExpression: '1 + 1' }] }),
      binding('broken', 'broken', { validationActions: ['Deny', 'Warn'] }),
    );
    assert.equal(r.code, 1);
    assert.match(r.stderr, /spec\.validations\[0\]\.expression: Invalid value: "object\.metadata\.name": must evaluate to bool/);
    assert.match(r.stderr, /spec\.validations\[1\]\.messageExpression: Invalid value: "1 \+ 1": must evaluate to string/);
    assert.match(r.stderr, /spec\.validationActions: Invalid value: .*must not contain both Deny and Warn/);
  });

  test('a policy cannot lock policies: bindings and policies themselves are never validated', async () => {
    await apply(
      'self',
      {
        ...policy('no-policy-changes', { validations: [{ expression: 'false' }] }),
        spec: {
          matchConstraints: { resourceRules: [{ apiGroups: ['*'], apiVersions: ['*'], operations: ['*'], resources: ['*'] }] },
          validations: [{ expression: 'false' }],
        },
      },
      binding('no-policy-changes', 'no-policy-changes'),
    );
    assert.equal((await createCm('open', 'locked')).code, 1, 'ordinary objects are denied');
    const del = await kubectl('delete', 'validatingadmissionpolicybinding', 'no-policy-changes');
    assert.equal(del.code, 0, del.stderr);
  });
});
