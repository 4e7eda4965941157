// Webhook matchConditions in the in-process API server, held to kube-apiserver's rules with the
// real kubectl: CEL over object/oldObject/request as unstructured maps, all conditions true to
// call, any false to skip (even past an error), an error refusing with 403 under Fail and
// skipping under Ignore, expressions compiled on write, and admission configuration exempt.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { stringify } from 'yaml';
import { startKubeApiServer } from '../support/kube-apiserver/index.ts';
import type { KubeApiServer, KubeObject } from '../support/kube-apiserver/index.ts';
import { kubectlWith } from '../support/kubectl-run.ts';
import type { Run } from '../support/kubectl-run.ts';
import { allow, startTestWebhook } from '../support/test-webhook.ts';
import type { TestWebhook } from '../support/test-webhook.ts';

const NS = 'hooked';

let server: KubeApiServer;
let hook: TestWebhook;
let dir: string;
let admin: string;
const kubectl = (...args: string[]): Promise<Run> => kubectlWith(dir, admin, args);

before(async () => {
  server = await startKubeApiServer();
  hook = await startTestWebhook((review) => allow(review));
  dir = await mkdtemp(join(tmpdir(), 'kfstore-kas-cel-'));
  admin = join(dir, 'admin.kubeconfig');
  await server.writeKubeconfig(admin);
  server.seed([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }]);
});
after(async () => {
  await hook.close();
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

function config(conditions: { name: string; expression: string }[], extra: Record<string, unknown> = {}): KubeObject {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name: 'conditions' },
    webhooks: [
      {
        name: 'conditions.kfstore.test',
        clientConfig: { url: `${hook.url}/validate`, caBundle: hook.caBundle },
        rules: [{ operations: ['CREATE', 'UPDATE', 'DELETE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }],
        sideEffects: 'None',
        admissionReviewVersions: ['v1'],
        matchConditions: conditions,
        ...extra,
      },
    ],
  };
}

/** Applies a ConfigMap with kubectl and says whether the webhook was called for it. */
async function applyConfigMap(name: string, metadata: Record<string, unknown> = {}): Promise<{ run: Run; called: boolean }> {
  const before = hook.calls.length;
  const file = join(dir, `${name}.yaml`);
  await writeFile(
    file,
    stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: NS, ...metadata }, data: { a: 'b' } }),
  );
  const run = await kubectl('apply', '-f', file);
  return { run, called: hook.calls.slice(before).some((c) => c.request.name === name) };
}

describe('kube-apiserver: webhook matchConditions', () => {
  test('all true calls the webhook; one false skips it', async () => {
    server.registerWebhook(
      config([
        { name: 'labelled', expression: "has(object.metadata.labels) && 'team' in object.metadata.labels" },
        { name: 'not-skipped', expression: "object.metadata.name != 'skip-me'" },
      ]),
    );
    const called = await applyConfigMap('labelled', { labels: { team: 'a' } });
    assert.equal(called.run.code, 0, called.run.stderr);
    assert.equal(called.called, true);
    const unlabelled = await applyConfigMap('unlabelled');
    assert.equal(unlabelled.run.code, 0, unlabelled.run.stderr);
    assert.equal(unlabelled.called, false, 'has() is false, so the webhook is skipped');
    const named = await applyConfigMap('skip-me', { labels: { team: 'a' } });
    assert.equal(named.called, false, 'the second condition is false');
  });

  test('a missing map key is an error: 403 under Fail, without calling the webhook', async () => {
    const expression = "object.metadata.labels['team'] == 'a'";
    server.registerWebhook(config([{ name: 'team-a', expression }]));
    const r = await applyConfigMap('no-team-label', { labels: { other: 'x' } });
    assert.equal(r.run.code, 1);
    assert.equal(r.called, false);
    assert.match(
      r.run.stderr,
      /configmaps "no-team-label" is forbidden: expression 'object\.metadata\.labels\['team'\] == 'a'' resulted in error: no such key: team/,
    );
    assert.equal(server.get('ConfigMap', NS, 'no-team-label'), undefined);
    const res = await kubectl('-n', NS, 'create', 'configmap', 'direct', '-o', 'json', '--dry-run=server');
    assert.equal(
      res.stderr,
      "error: failed to create configmap: configmaps \"direct\" is forbidden: expression 'object.metadata.labels['team'] == 'a'' resulted in error: no such key: labels\n",
    );
  });

  test('the same error under failurePolicy Ignore skips the webhook and admits', async () => {
    server.registerWebhook(config([{ name: 'team-a', expression: "object.metadata.labels['team'] == 'a'" }], { failurePolicy: 'Ignore' }));
    const r = await applyConfigMap('ignored-error', { labels: { other: 'x' } });
    assert.equal(r.run.code, 0, r.run.stderr);
    assert.equal(r.called, false);
  });

  test('a false condition wins over another condition that errors', async () => {
    server.registerWebhook(
      config([
        { name: 'errors', expression: "object.metadata.annotations['x'] == 'y'" },
        { name: 'false', expression: "object.metadata.name == 'something-else'" },
      ]),
    );
    const r = await applyConfigMap('false-beats-error');
    assert.equal(r.run.code, 0, r.run.stderr);
    assert.equal(r.called, false);
  });

  test('&& and || absorb an error when the other side decides, as cel-go does', async () => {
    server.registerWebhook(
      config([{ name: 'absorbed', expression: "object.metadata.annotations['x'] == 'y' || object.metadata.name == 'absorbed'" }]),
    );
    const r = await applyConfigMap('absorbed');
    assert.equal(r.run.code, 0, r.run.stderr);
    assert.equal(r.called, true);
  });

  test('request carries the operation, user, namespace and name; oldObject is the stored object on UPDATE', async () => {
    server.registerWebhook(
      config([
        {
          name: 'update-by-admin',
          expression:
            "request.operation == 'UPDATE' && request.userInfo.username == 'admin' && request.namespace == 'hooked' && request.name == object.metadata.name",
        },
        { name: 'value-changed', expression: 'oldObject != null && oldObject.data.a != object.data.a' },
      ]),
    );
    const created = await applyConfigMap('updated');
    assert.equal(created.called, false, 'CREATE: request.operation is not UPDATE');
    const before = hook.calls.length;
    const patched = await kubectl('-n', NS, 'patch', 'configmap', 'updated', '--type=merge', '-p', '{"data":{"a":"c"}}');
    assert.equal(patched.code, 0, patched.stderr);
    assert.equal(hook.calls.length, before + 1);
    assert.equal(hook.calls.at(-1)?.request.operation, 'UPDATE');
    const unchanged = await kubectl('-n', NS, 'label', 'configmap', 'updated', 'x=y');
    assert.equal(unchanged.code, 0, unchanged.stderr);
    assert.equal(hook.calls.length, before + 1, 'data unchanged: value-changed is false');
  });

  test('DELETE: object is null, so has() is false and a field of it is an error', async () => {
    await applyConfigMap('to-delete');
    server.registerWebhook(config([{ name: 'has-object', expression: 'has(object.metadata)' }]));
    const r = await kubectl('-n', NS, 'delete', 'configmap', 'to-delete', '--dry-run=server');
    assert.equal(r.code, 0, r.stderr);
    server.registerWebhook(config([{ name: 'object-name', expression: "object.metadata.name == 'to-delete'" }]));
    const refused = await kubectl('-n', NS, 'delete', 'configmap', 'to-delete');
    assert.equal(refused.code, 1);
    assert.match(refused.stderr, /resulted in error: no such key: metadata/);
  });

  test('optional field selection works as in Kubernetes (OptionalTypes)', async () => {
    server.registerWebhook(config([{ name: 'optional', expression: "object.metadata.?labels[?'team'].orValue('none') == 'none'" }]));
    assert.equal((await applyConfigMap('optional-none')).called, true);
    assert.equal((await applyConfigMap('optional-team', { labels: { team: 'a' } })).called, false);
  });

  test('expressions are compiled on write: kubectl apply of a broken condition is refused with 422', async () => {
    server.unregisterWebhook('ValidatingWebhookConfiguration', 'conditions');
    const file = join(dir, 'broken.yaml');
    const broken = config([
      { name: 'syntax', expression: 'object.metadata.name ==' },
      { name: 'not-bool', expression: 'object.metadata.name' },
      { name: 'mixed-list', expression: "['a', 1].size() == 2" },
    ]);
    await writeFile(file, stringify(broken));
    const r = await kubectl('apply', '-f', file);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /^The ValidatingWebhookConfiguration "conditions" is invalid: $/m);
    assert.match(
      r.stderr,
      /webhooks\[0\]\.matchConditions\[0\]\.expression: Invalid value: "object\.metadata\.name ==": compilation failed/,
    );
    assert.match(
      r.stderr,
      /webhooks\[0\]\.matchConditions\[1\]\.expression: Invalid value: "object\.metadata\.name": must evaluate to bool/,
    );
    assert.match(
      r.stderr,
      /webhooks\[0\]\.matchConditions\[2\]\.expression: Invalid value: .*compilation failed/,
      'aggregate literals must be homogeneous',
    );
    assert.equal(server.get('ValidatingWebhookConfiguration', undefined, 'conditions'), undefined);
  });

  test('webhooks are never called for admission configuration itself', async () => {
    // A webhook that would refuse every write to webhook configurations, and is down.
    const down = await startTestWebhook(() => 'hang');
    await down.close();
    server.registerWebhook({
      apiVersion: 'admissionregistration.k8s.io/v1',
      kind: 'ValidatingWebhookConfiguration',
      metadata: { name: 'lock' },
      webhooks: [
        {
          name: 'lock.kfstore.test',
          clientConfig: { url: `${down.url}/x`, caBundle: down.caBundle },
          rules: [{ operations: ['*'], apiGroups: ['*'], apiVersions: ['*'], resources: ['*'] }],
          sideEffects: 'None',
          admissionReviewVersions: ['v1'],
        },
      ],
    });
    try {
      const r = await kubectl('delete', 'validatingwebhookconfiguration', 'lock');
      assert.equal(r.code, 0, r.stderr);
    } finally {
      server.unregisterWebhook('ValidatingWebhookConfiguration', 'lock');
    }
  });
});
