// Holds the in-process kube-apiserver to the real protocol: the real kubectl runs against
// it, and raw HTTPS requests check lists, watches, errors and admission webhooks.
import assert from 'node:assert/strict';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { request } from 'node:https';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { CoreV1Api, KubeConfig, makeInformer } from '@kubernetes/client-node';
import type { V1ConfigMap } from '@kubernetes/client-node';
import { createLocalJWKSet, jwtVerify } from 'jose';
import type { JSONWebKeySet } from 'jose';
import { startKubeApiServer } from '../support/kube-apiserver/index.ts';
import type { KubeApiServer, KubeObject } from '../support/kube-apiserver/index.ts';
import { kubectlWith } from '../support/kubectl-run.ts';
import type { Run } from '../support/kubectl-run.ts';
import { allow, startTestWebhook } from '../support/test-webhook.ts';

const dirs: string[] = [];
after(async () => {
  await Promise.all(dirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kfstore-kas-'));
  dirs.push(dir);
  return dir;
}

interface Reply {
  status: number;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

interface Options {
  body?: unknown;
  token?: string | null;
  contentType?: string;
  accept?: string;
}

/** A raw API call, verified against the server's CA. */
function api(server: KubeApiServer, method: string, path: string, opts: Options = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (opts.token !== null) headers.authorization = `Bearer ${opts.token ?? server.adminToken}`;
    if (opts.accept !== undefined) headers.accept = opts.accept;
    const payload = opts.body === undefined ? undefined : typeof opts.body === 'string' ? opts.body : JSON.stringify(opts.body);
    if (payload !== undefined) headers['content-type'] = opts.contentType ?? 'application/json';
    const req = request(`${server.url}${path}`, { method, ca: server.caPem, headers, timeout: 10_000 }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        let body: Record<string, unknown> = {};
        try {
          body = JSON.parse(text) as Record<string, unknown>;
        } catch {
          body = { text };
        }
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body });
      });
    });
    req.on('timeout', () => req.destroy(new Error(`timeout: ${method} ${path}`)));
    req.on('error', reject);
    req.end(payload);
  });
}

interface WatchEvent {
  type: string;
  object: KubeObject & { code?: number; reason?: string; message?: string };
}

interface Watch {
  events: WatchEvent[];
  ended: Promise<void>;
  waitFor(count: number): Promise<WatchEvent[]>;
  close(): void;
}

/** Opens a watch and resolves once the response headers arrive. */
function openWatch(server: KubeApiServer, path: string, accept?: string): Promise<Watch> {
  return new Promise((resolve, reject) => {
    const events: WatchEvent[] = [];
    const waiters: (() => void)[] = [];
    let endResolve: () => void = () => undefined;
    const ended = new Promise<void>((r) => (endResolve = r));
    const headers: Record<string, string> = { authorization: `Bearer ${server.adminToken}` };
    if (accept !== undefined) headers.accept = accept;
    const req = request(`${server.url}${path}`, { ca: server.caPem, headers }, (res: IncomingMessage) => {
      if (res.statusCode !== 200 || res.headers['content-type'] !== 'application/json') {
        reject(new Error(`watch ${path}: HTTP ${res.statusCode ?? 0} ${res.headers['content-type'] ?? ''}`));
        res.resume();
        return;
      }
      let buffer = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => {
        buffer += chunk;
        let nl = buffer.indexOf('\n');
        while (nl >= 0) {
          events.push(JSON.parse(buffer.slice(0, nl)) as WatchEvent);
          buffer = buffer.slice(nl + 1);
          nl = buffer.indexOf('\n');
        }
        for (const w of waiters.splice(0)) w();
      });
      res.on('close', () => {
        endResolve();
        for (const w of waiters.splice(0)) w();
      });
      resolve({
        events,
        ended,
        close: () => req.destroy(),
        waitFor: (count) =>
          new Promise((res2, rej2) => {
            const timer = setTimeout(
              () => rej2(new Error(`watch saw ${events.length} of ${count} events: ${JSON.stringify(events.map((e) => e.type))}`)),
              10_000,
            );
            const check = (): void => {
              if (events.length >= count) {
                clearTimeout(timer);
                res2(events.slice(0, count));
              } else waiters.push(check);
            };
            check();
          }),
      });
    });
    req.on('error', (err) => {
      if ((err as NodeJS.ErrnoException).code !== 'ECONNRESET') reject(err);
    });
    req.end();
  });
}

function cm(namespace: string, name: string, labels: Record<string, string> = {}, data: Record<string, string> = { k: 'v' }): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, labels }, data };
}

/** Polls until `check` holds, failing after a bounded wait. */
async function eventually(what: string, check: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

function names(list: Record<string, unknown>): string[] {
  return (list.items as KubeObject[]).map((i) => i.metadata.name ?? '');
}

describe('kube-apiserver under the real kubectl', () => {
  let server: KubeApiServer;
  let dir: string;
  let admin: string;
  const kubectl = (...args: string[]): Promise<Run> => kubectlWith(dir, admin, args);

  before(async () => {
    server = await startKubeApiServer();
    dir = await tempDir();
    admin = join(dir, 'admin.kubeconfig');
    await server.writeKubeconfig(admin, 'admin', { context: 'test', namespace: 'default' });
  });
  after(() => server.close());

  test('get, create and delete namespaces and configmaps', async () => {
    const ns = await kubectl('get', 'ns');
    assert.equal(ns.code, 0, ns.stderr);
    assert.match(ns.stdout, /^NAME\s+STATUS\s+AGE$/m);
    assert.match(ns.stdout, /^default\s+Active\s+/m);

    const created = await kubectl('create', 'namespace', 'team-a');
    assert.equal(created.code, 0, created.stderr);
    assert.equal(created.stdout.trim(), 'namespace/team-a created');
    assert.equal(server.get('Namespace', undefined, 'team-a')?.metadata.labels?.['kubernetes.io/metadata.name'], 'team-a');

    const cmCreated = await kubectl('-n', 'team-a', 'create', 'configmap', 'x', '--from-literal=a=b');
    assert.equal(cmCreated.code, 0, cmCreated.stderr);
    assert.equal(cmCreated.stdout.trim(), 'configmap/x created');

    const got = await kubectl('-n', 'team-a', 'get', 'cm', 'x', '-o', 'json');
    assert.equal(got.code, 0, got.stderr);
    const obj = JSON.parse(got.stdout) as KubeObject & { data: Record<string, string> };
    assert.equal(obj.kind, 'ConfigMap');
    assert.equal(obj.apiVersion, 'v1');
    assert.deepEqual(obj.data, { a: 'b' });
    assert.equal(obj.metadata.namespace, 'team-a');
    assert.match(obj.metadata.resourceVersion ?? '', /^\d+$/);
    assert.match(obj.metadata.uid ?? '', /^[0-9a-f-]{36}$/);
    assert.equal(obj.metadata.generateName, undefined, 'zero protobuf fields are not surfaced');

    const dup = await kubectl('-n', 'team-a', 'create', 'configmap', 'x');
    assert.notEqual(dup.code, 0);
    assert.match(dup.stderr, /configmaps "x" already exists/);

    const deleted = await kubectl('delete', 'cm', 'x', '-n', 'team-a');
    assert.equal(deleted.code, 0, deleted.stderr);
    assert.equal(deleted.stdout.trim(), 'configmap "x" deleted');
    assert.equal(server.get('ConfigMap', 'team-a', 'x'), undefined);

    const missing = await kubectl('-n', 'team-a', 'get', 'cm', 'x');
    assert.notEqual(missing.code, 0);
    assert.equal(missing.stderr.trim(), 'Error from server (NotFound): configmaps "x" not found');
  });

  test('client-side apply creates, patches and then leaves alone; label selectors filter', async () => {
    await kubectl('create', 'namespace', 'apply-ns');
    const manifest = (value: string): string =>
      `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: applied\n  namespace: apply-ns\n  labels:\n    app: kfp\ndata:\n  k: ${value}\n`;
    const file = join(dir, 'cm.yaml');
    await writeFile(file, manifest('one'));
    const first = await kubectl('apply', '-f', file);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stdout.trim(), 'configmap/applied created');

    await writeFile(file, manifest('two'));
    server.resetRequests();
    const second = await kubectl('apply', '-f', file);
    assert.equal(second.code, 0, second.stderr);
    assert.equal(second.stdout.trim(), 'configmap/applied configured');
    const patch = server.requests.find((r) => r.verb === 'patch');
    assert.equal(patch?.path, '/api/v1/namespaces/apply-ns/configmaps/applied');
    const stored = server.get('ConfigMap', 'apply-ns', 'applied');
    assert.deepEqual(stored?.data, { k: 'two' });
    assert.match(stored?.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration'] ?? '', /"k":"two"/);

    const third = await kubectl('apply', '-f', file);
    assert.equal(third.stdout.trim(), 'configmap/applied unchanged');

    await kubectl('-n', 'apply-ns', 'create', 'configmap', 'other');
    const selected = await kubectl('-n', 'apply-ns', 'get', 'cm', '-l', 'app=kfp', '-o', 'name');
    assert.equal(selected.code, 0, selected.stderr);
    assert.equal(selected.stdout.trim(), 'configmap/applied');
    const notSelected = await kubectl('-n', 'apply-ns', 'get', 'cm', '-l', '!app', '-o', 'name');
    assert.equal(notSelected.stdout.trim(), 'configmap/other');
  });

  test("a user without a matching rule gets kubectl's Forbidden text; a bad token is Unauthorized", async () => {
    server.addUser('viewer', { token: 'viewer-token' });
    server.allow('viewer', { verbs: ['get', 'list'], resources: ['configmaps'], namespaces: ['team-b'] });
    await kubectl('create', 'namespace', 'team-b');
    const kc = join(dir, 'viewer.kubeconfig');
    await server.writeKubeconfig(kc, 'viewer', { namespace: 'team-a' });

    const denied = await kubectlWith(dir, kc, ['get', 'cm']);
    assert.equal(denied.code, 1);
    assert.equal(
      denied.stderr.trim(),
      'Error from server (Forbidden): configmaps is forbidden: User "viewer" cannot list resource "configmaps" in API group "" in the namespace "team-a"',
    );
    const allowed = await kubectlWith(dir, kc, ['-n', 'team-b', 'get', 'cm']);
    assert.equal(allowed.code, 0, allowed.stderr);
    assert.equal(allowed.stderr.trim(), 'No resources found in team-b namespace.');

    const direct = await api(server, 'GET', '/api/v1/namespaces/team-a/configmaps', { token: 'viewer-token' });
    assert.equal(direct.status, 403);
    assert.deepEqual(direct.body, {
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'configmaps is forbidden: User "viewer" cannot list resource "configmaps" in API group "" in the namespace "team-a"',
      reason: 'Forbidden',
      details: { kind: 'configmaps' },
      code: 403,
    });

    const bad = join(dir, 'bad.kubeconfig');
    await writeFile(bad, server.kubeconfig('viewer').replace('viewer-token', 'nope'));
    const unauth = await kubectlWith(dir, bad, ['get', 'cm']);
    assert.equal(unauth.code, 1);
    assert.match(unauth.stderr, /error: You must be logged in to the server \(Unauthorized\)/);
    assert.equal((await api(server, 'GET', '/api/v1/namespaces', { token: null })).status, 401);
  });

  test('kubectl get wf -A lists the custom resource across namespaces', async () => {
    server.seed([
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Workflow',
        metadata: { name: 'wf-1', namespace: 'team-a' },
        spec: { entrypoint: 'main' },
        status: { phase: 'Running' },
      },
      {
        apiVersion: 'argoproj.io/v1alpha1',
        kind: 'Workflow',
        metadata: { name: 'wf-2', namespace: 'team-b' },
        spec: { entrypoint: 'main' },
      },
    ]);
    const res = await kubectl('get', 'wf', '-A');
    assert.equal(res.code, 0, res.stderr);
    assert.match(res.stdout, /^NAMESPACE\s+NAME\s+STATUS\s+AGE$/m);
    assert.match(res.stdout, /^team-a\s+wf-1\s+Running\s+/m);
    assert.match(res.stdout, /^team-b\s+wf-2\s+/m);
    const list = await api(server, 'GET', '/apis/argoproj.io/v1alpha1/workflows');
    assert.equal(list.body.kind, 'WorkflowList');
    assert.equal((list.body.items as KubeObject[])[0]?.kind, 'Workflow', 'custom resource items keep kind, as unstructured');
  });

  test('kubectl create token issues a JWT that verifies against the served JWKS', async () => {
    const res = await kubectl('create', 'token', 'default', '-n', 'team-a', '--audience', 'kfstore', '--duration', '20m');
    assert.equal(res.code, 0, res.stderr);
    const token = res.stdout.trim();

    const discovery = await api(server, 'GET', '/.well-known/openid-configuration', { token: null });
    assert.equal(discovery.status, 200);
    assert.equal(discovery.body.issuer, server.issuer);
    const jwksUri = new URL(String(discovery.body.jwks_uri));
    assert.equal(jwksUri.origin, server.url);
    const jwks = await api(server, 'GET', jwksUri.pathname, { token: null });
    assert.equal(jwks.headers['content-type'], 'application/jwk-set+json');

    const { payload, protectedHeader } = await jwtVerify(token, createLocalJWKSet(jwks.body as unknown as JSONWebKeySet), {
      issuer: server.issuer,
      audience: 'kfstore',
    });
    assert.equal(protectedHeader.alg, 'RS256');
    assert.equal(payload.sub, 'system:serviceaccount:team-a:default');
    assert.equal((payload.exp ?? 0) - (payload.iat ?? 0), 1200);
    const sa = server.get('ServiceAccount', 'team-a', 'default');
    assert.deepEqual(payload['kubernetes.io'], { namespace: 'team-a', serviceaccount: { name: 'default', uid: sa?.metadata.uid } });

    // A token for the API audience authenticates as the service account.
    const apiToken = (await kubectl('create', 'token', 'default', '-n', 'team-a')).stdout.trim();
    const asSa = await api(server, 'GET', '/api/v1/namespaces/team-a/secrets', { token: apiToken });
    assert.equal(asSa.status, 403);
    assert.match(String(asSa.body.message), /User "system:serviceaccount:team-a:default" cannot list resource "secrets"/);
    const wrongAudience = await api(server, 'GET', '/api/v1/namespaces/team-a/secrets', { token });
    assert.equal(wrongAudience.status, 401);

    const missing = await kubectl('create', 'token', 'nobody', '-n', 'team-a');
    assert.match(missing.stderr, /serviceaccounts "nobody" not found/);
  });

  test('immutable ConfigMaps and Secrets, the 1 MiB data limit and a Secret type are enforced with the real text', async () => {
    await kubectl('create', 'namespace', 'rules');
    const file = join(dir, 'frozen.yaml');
    await writeFile(
      file,
      'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: frozen, namespace: rules}\nimmutable: true\ndata: {k: one}\n---\napiVersion: v1\nkind: Secret\nmetadata: {name: frozen, namespace: rules}\nimmutable: true\nstringData: {k: one}\n',
    );
    assert.equal((await kubectl('apply', '-f', file)).code, 0);
    const data = await kubectl('-n', 'rules', 'patch', 'cm', 'frozen', '--type', 'merge', '-p', '{"data":{"k":"two"}}');
    assert.equal(data.code, 1);
    assert.equal(data.stderr.trim(), 'The ConfigMap "frozen" is invalid: data: Forbidden: field is immutable when `immutable` is set');
    const thaw = await kubectl(
      '-n',
      'rules',
      'patch',
      'secret',
      'frozen',
      '--type',
      'merge',
      '-p',
      '{"immutable":false,"stringData":{"k":"two"}}',
    );
    assert.equal(thaw.code, 1);
    assert.equal(
      thaw.stderr.trim(),
      'The Secret "frozen" is invalid: \n* immutable: Forbidden: field is immutable when `immutable` is set\n* data: Forbidden: field is immutable when `immutable` is set',
    );
    // Metadata stays editable.
    assert.equal((await kubectl('-n', 'rules', 'label', 'cm', 'frozen', 'team=a')).code, 0);
    assert.deepEqual(server.get('ConfigMap', 'rules', 'frozen')?.data, { k: 'one' });
    const retype = await kubectl(
      '-n',
      'rules',
      'patch',
      'secret',
      'frozen',
      '--type',
      'merge',
      '-p',
      '{"type":"kubernetes.io/basic-auth"}',
    );
    assert.equal(
      retype.stderr.trim(),
      'The Secret "frozen" is invalid: type: Invalid value: "kubernetes.io/basic-auth": field is immutable',
    );

    const exact = join(dir, 'exact.bin');
    await writeFile(exact, Buffer.alloc(1024 * 1024, 'a'));
    assert.equal((await kubectl('-n', 'rules', 'create', 'configmap', 'exact', `--from-file=v=${exact}`)).code, 0);
    const big = join(dir, 'big.bin');
    await writeFile(big, Buffer.alloc(1024 * 1024 + 1, 'a'));
    const cmBig = await kubectl('-n', 'rules', 'create', 'configmap', 'big', `--from-file=v=${big}`);
    assert.equal(
      cmBig.stderr.trim(),
      'error: failed to create configmap: ConfigMap "big" is invalid: []: Too long: may not be more than 1048576 bytes',
    );
    const secretBig = await kubectl('-n', 'rules', 'create', 'secret', 'generic', 'big', `--from-file=v=${big}`);
    assert.equal(
      secretBig.stderr.trim(),
      'error: failed to create secret Secret "big" is invalid: data: Too long: may not be more than 1048576 bytes',
    );
    // Grown past the limit by an update, through the API.
    const grown = await api(server, 'PATCH', '/api/v1/namespaces/rules/configmaps/exact', {
      body: { data: { w: 'x' } },
      contentType: 'application/merge-patch+json',
    });
    assert.equal(grown.status, 422);
    assert.deepEqual((grown.body.details as { causes: unknown }).causes, [
      { reason: 'FieldValueTooLong', message: 'Too long: may not be more than 1048576 bytes', field: '[]' },
    ]);
  });

  test("an update whose metadata.uid is not the object's is refused: a PUT as a failed precondition, a patch as invalid", async () => {
    await kubectl('create', 'namespace', 'uids');
    assert.equal((await kubectl('-n', 'uids', 'create', 'configmap', 'gitops', '--from-literal=k=one')).code, 0);
    const got = await kubectl('-n', 'uids', 'get', 'cm', 'gitops', '-o', 'json');
    const saved = JSON.parse(got.stdout) as KubeObject;
    // GitOps deletes and re-creates it: same name, new uid.
    await kubectl('-n', 'uids', 'delete', 'cm', 'gitops');
    await kubectl('-n', 'uids', 'create', 'configmap', 'gitops', '--from-literal=k=two');
    const now = server.get('ConfigMap', 'uids', 'gitops');
    const file = join(dir, 'saved.json');
    await writeFile(file, JSON.stringify({ ...saved, metadata: { ...saved.metadata, resourceVersion: now?.metadata.resourceVersion } }));
    const replaced = await kubectl('replace', '-f', file);
    assert.equal(replaced.code, 1);
    assert.equal(
      replaced.stderr.trim(),
      `Error from server (Conflict): error when replacing "${file}": Operation cannot be fulfilled on configmaps "gitops": StorageError: invalid object, Code: 4, Key: /registry/configmaps/uids/gitops, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: UID in precondition: ${saved.metadata.uid}, UID in object meta: ${now?.metadata.uid}`,
    );
    const patched = await kubectl(
      '-n',
      'uids',
      'patch',
      'cm',
      'gitops',
      '--type',
      'merge',
      '-p',
      JSON.stringify({ metadata: { uid: saved.metadata.uid } }),
    );
    assert.equal(patched.code, 1);
    assert.equal(
      patched.stderr.trim(),
      `The ConfigMap "gitops" is invalid: metadata.uid: Invalid value: "${saved.metadata.uid}": field is immutable`,
    );
    assert.deepEqual(server.get('ConfigMap', 'uids', 'gitops')?.data, { k: 'two' });
    // The current uid (or none) is accepted.
    const current = { ...saved, metadata: { ...saved.metadata, uid: now?.metadata.uid, resourceVersion: now?.metadata.resourceVersion } };
    const ok = await api(server, 'PUT', '/api/v1/namespaces/uids/configmaps/gitops', { body: current });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.deepEqual(server.get('ConfigMap', 'uids', 'gitops')?.data, { k: 'one' });
  });

  test('deleting a namespace deletes what is in it', async () => {
    await kubectl('create', 'namespace', 'doomed');
    await kubectl('-n', 'doomed', 'create', 'configmap', 'c1');
    await kubectl('-n', 'doomed', 'create', 'secret', 'generic', 's1', '--from-literal=a=b');
    const res = await kubectl('delete', 'namespace', 'doomed');
    assert.equal(res.code, 0, res.stderr);
    assert.equal(server.list('ConfigMap', 'doomed').length, 0);
    assert.equal(server.list('Secret', 'doomed').length, 0);
    const create = await api(server, 'POST', '/api/v1/namespaces/doomed/configmaps', { body: cm('doomed', 'late') });
    assert.equal(create.status, 404);
    assert.deepEqual(create.body.details, { name: 'doomed', kind: 'namespaces' });
    assert.equal(create.body.message, 'namespaces "doomed" not found');
  });
});

describe('kube-apiserver wire protocol', () => {
  let server: KubeApiServer;

  before(async () => {
    server = await startKubeApiServer();
    server.seed([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } }]);
  });
  after(() => server.close());

  test('discovery documents', async () => {
    const version = await api(server, 'GET', '/version');
    assert.match(String(version.body.gitVersion), /^v1\.32\.\d+$/);
    const core = await api(server, 'GET', '/api/v1');
    const resources = core.body.resources as { name: string; namespaced: boolean; shortNames?: string[]; kind: string; verbs: string[] }[];
    const cmRes = resources.find((r) => r.name === 'configmaps');
    assert.deepEqual(cmRes?.shortNames, ['cm']);
    assert.equal(cmRes?.namespaced, true);
    assert.ok(cmRes?.verbs.includes('watch'));
    assert.equal(resources.find((r) => r.name === 'namespaces')?.namespaced, false);
    assert.equal(resources.find((r) => r.name === 'serviceaccounts/token')?.kind, 'TokenRequest');
    const groups = await api(server, 'GET', '/apis');
    const groupNames = (groups.body.groups as { name: string }[]).map((g) => g.name);
    assert.ok(groupNames.includes('apps') && groupNames.includes('argoproj.io'));
    const argo = await api(server, 'GET', '/apis/argoproj.io/v1alpha1');
    assert.deepEqual((argo.body.resources as { shortNames?: string[] }[])[0]?.shortNames, ['wf']);
    const aggregated = await api(server, 'GET', '/apis', {
      accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json',
    });
    assert.equal(aggregated.headers['content-type'], 'application/json');
    assert.equal(aggregated.body.kind, 'APIGroupList');
  });

  test('limit/continue pages 1,200 ConfigMaps consistently', async () => {
    const objects: KubeObject[] = [];
    for (let n = 0; n < 12; n += 1)
      for (let i = 0; i < 100; i += 1) objects.push(cm(`page-${String(n).padStart(2, '0')}`, `cm-${String(i).padStart(3, '0')}`));
    server.seed(objects);
    const seen: string[] = [];
    let cont = '';
    let pages = 0;
    const remaining: (number | undefined)[] = [];
    let listRv = '';
    do {
      const res = await api(
        server,
        'GET',
        `/api/v1/configmaps?labelSelector=&limit=500${cont === '' ? '' : `&continue=${encodeURIComponent(cont)}`}`,
      );
      assert.equal(res.status, 200, JSON.stringify(res.body));
      const meta = res.body.metadata as { resourceVersion: string; continue?: string; remainingItemCount?: number };
      if (pages === 0) {
        listRv = meta.resourceVersion;
        // Written after the first page: a consistent list must not show it.
        assert.equal((await api(server, 'POST', '/api/v1/namespaces/page-00/configmaps', { body: cm('page-00', 'cm-late') })).status, 201);
      }
      assert.equal(meta.resourceVersion, listRv);
      for (const item of res.body.items as KubeObject[]) {
        assert.equal(item.kind, undefined, 'list items carry no kind');
        seen.push(`${item.metadata.namespace ?? ''}/${item.metadata.name ?? ''}`);
      }
      remaining.push(meta.remainingItemCount);
      cont = meta.continue ?? '';
      pages += 1;
    } while (cont !== '' && pages < 10);
    assert.equal(pages, 3);
    assert.deepEqual(remaining, [700, 200, undefined]);
    assert.equal(seen.length, 1200);
    assert.equal(new Set(seen).size, 1200);
    assert.deepEqual(seen, [...seen].sort());
    assert.ok(!seen.includes('page-00/cm-late'));

    const oneNs = await api(server, 'GET', '/api/v1/namespaces/page-03/configmaps?limit=60');
    assert.equal((oneNs.body.items as KubeObject[]).length, 60);
    assert.equal((oneNs.body.metadata as { remainingItemCount?: number }).remainingItemCount, 40);

    server.compact();
    const stale = await api(
      server,
      'GET',
      `/api/v1/configmaps?limit=500&continue=${encodeURIComponent(String((oneNs.body.metadata as { continue: string }).continue))}`,
    );
    assert.equal(stale.status, 410);
    assert.equal(stale.body.reason, 'Expired');
  });

  test('watch from a resourceVersion sees ADDED, MODIFIED, DELETED in order', async () => {
    const list = await api(server, 'GET', '/api/v1/namespaces/team-a/configmaps');
    const rv = String((list.body.metadata as { resourceVersion: string }).resourceVersion);
    const watch = await openWatch(
      server,
      `/api/v1/namespaces/team-a/configmaps?watch=true&resourceVersion=${rv}&labelSelector=w%3Dyes&allowWatchBookmarks=true`,
    );
    const created = await api(server, 'POST', '/api/v1/namespaces/team-a/configmaps', { body: cm('team-a', 'w1', { w: 'yes' }) });
    await api(server, 'POST', '/api/v1/namespaces/team-a/configmaps', { body: cm('team-a', 'ignored', { w: 'no' }) });
    const updated = await api(server, 'PATCH', '/api/v1/namespaces/team-a/configmaps/w1', {
      body: { data: { k: 'v2' } },
      contentType: 'application/merge-patch+json',
    });
    assert.equal(updated.status, 200);
    const deleted = await api(server, 'DELETE', '/api/v1/namespaces/team-a/configmaps/w1');
    assert.equal(deleted.body.status, 'Success');
    const events = await watch.waitFor(3);
    watch.close();
    assert.deepEqual(
      events.map((e) => e.type),
      ['ADDED', 'MODIFIED', 'DELETED'],
    );
    assert.ok(events.every((e) => e.object.kind === 'ConfigMap' && e.object.metadata.name === 'w1'));
    const rvs = events.map((e) => Number(e.object.metadata.resourceVersion));
    assert.ok(rvs[0] === Number((created.body.metadata as { resourceVersion: string }).resourceVersion));
    assert.ok(rvs[0]! < rvs[1]! && rvs[1]! < rvs[2]!);
    assert.deepEqual(events[1]?.object.data, { k: 'v2' });

    // The deprecated /watch/ prefix with a name watches one object.
    const named = await openWatch(server, `/api/v1/watch/namespaces/team-a/configmaps/w1?resourceVersion=${rv}`);
    assert.deepEqual(
      (await named.waitFor(3)).map((e) => `${e.type} ${e.object.metadata.name ?? ''}`),
      ['ADDED w1', 'MODIFIED w1', 'DELETED w1'],
    );
    named.close();

    // Replay: a new watch from the same resourceVersion gets the same history.
    const replay = await openWatch(
      server,
      `/api/v1/namespaces/team-a/configmaps?watch=true&resourceVersion=${rv}&fieldSelector=metadata.name%3Dw1`,
    );
    assert.deepEqual(
      (await replay.waitFor(3)).map((e) => e.type),
      ['ADDED', 'MODIFIED', 'DELETED'],
    );
    replay.close();
  });

  test('bookmarks and initial events', async () => {
    const quick = await startKubeApiServer({ bookmarkIntervalMs: 50 });
    try {
      quick.seed([cm('team-a', 'one'), cm('team-a', 'two')]);
      const watch = await openWatch(
        quick,
        '/api/v1/namespaces/team-a/configmaps?watch=true&sendInitialEvents=true&resourceVersionMatch=NotOlderThan&allowWatchBookmarks=true',
      );
      const events = await watch.waitFor(4);
      watch.close();
      assert.deepEqual(
        events.slice(0, 2).map((e) => `${e.type} ${e.object.metadata.name ?? ''}`),
        ['ADDED one', 'ADDED two'],
      );
      assert.equal(events[2]?.type, 'BOOKMARK');
      assert.deepEqual(events[2]?.object.metadata.annotations, { 'k8s.io/initial-events-end': 'true' });
      assert.equal(events[2]?.object.metadata.resourceVersion, quick.resourceVersion);
      assert.equal(events[3]?.type, 'BOOKMARK', 'then periodic bookmarks');
      assert.equal(events[3]?.object.kind, 'ConfigMap');
    } finally {
      await quick.close();
    }
  });

  test('an expired resourceVersion gets an ERROR event with a 410 Status', async () => {
    const rv = server.resourceVersion;
    await api(server, 'POST', '/api/v1/namespaces/team-a/configmaps', { body: cm('team-a', 'after-compact') });
    server.compact();
    const watch = await openWatch(server, `/api/v1/namespaces/team-a/configmaps?watch=1&resourceVersion=${rv}`);
    const [event] = await watch.waitFor(1);
    await watch.ended;
    assert.equal(event?.type, 'ERROR');
    assert.equal(event?.object.kind, 'Status');
    assert.equal(event?.object.code, 410);
    assert.equal(event?.object.reason, 'Expired');
    assert.match(String(event?.object.message), /^too old resource version: \d+ \(\d+\)$/);
  });

  test('stale updates conflict; missing and duplicate objects get their Status', async () => {
    const created = await api(server, 'POST', '/api/v1/namespaces/team-a/configmaps', { body: cm('team-a', 'cas') });
    const first = created.body as KubeObject;
    const ok = await api(server, 'PUT', '/api/v1/namespaces/team-a/configmaps/cas', { body: { ...first, data: { k: 'one' } } });
    assert.equal(ok.status, 200);
    assert.ok(Number((ok.body as KubeObject).metadata.resourceVersion) > Number(first.metadata.resourceVersion));
    const stale = await api(server, 'PUT', '/api/v1/namespaces/team-a/configmaps/cas', { body: { ...first, data: { k: 'two' } } });
    assert.equal(stale.status, 409);
    assert.equal(stale.body.reason, 'Conflict');
    assert.equal(
      stale.body.message,
      'Operation cannot be fulfilled on configmaps "cas": the object has been modified; please apply your changes to the latest version and try again',
    );
    const dup = await api(server, 'POST', '/api/v1/namespaces/team-a/configmaps', { body: cm('team-a', 'cas') });
    assert.equal(dup.status, 409);
    assert.equal(dup.body.reason, 'AlreadyExists');
    const missing = await api(server, 'GET', '/apis/apps/v1/namespaces/team-a/deployments/nope');
    assert.equal(missing.status, 404);
    assert.equal(missing.body.message, 'deployments.apps "nope" not found');
    assert.deepEqual(missing.body.details, { name: 'nope', group: 'apps', kind: 'deployments' });
    const generated = await api(server, 'POST', '/api/v1/namespaces/team-a/configmaps', { body: { metadata: { generateName: 'gen-' } } });
    assert.match(String((generated.body as KubeObject).metadata.name), /^gen-[a-z0-9]{5}$/);
    const jsonPatch = await api(server, 'PATCH', '/api/v1/namespaces/team-a/configmaps/cas', {
      body: [{ op: 'add', path: '/metadata/labels', value: { patched: 'yes' } }],
      contentType: 'application/json-patch+json',
    });
    assert.deepEqual((jsonPatch.body as KubeObject).metadata.labels, { patched: 'yes' });
    const apply = await api(server, 'PATCH', '/api/v1/namespaces/team-a/configmaps/cas', {
      body: 'data: {}',
      contentType: 'application/apply-patch+yaml',
    });
    assert.equal(apply.status, 415);
  });

  test('metadata-only lists, gets and watches', async () => {
    server.seed([
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'meta', namespace: 'team-a', labels: { a: 'b' } },
        stringData: { password: 'hunter2' },
      },
    ]);
    const stored = server.get('Secret', 'team-a', 'meta');
    assert.deepEqual(stored?.data, { password: Buffer.from('hunter2').toString('base64') });
    assert.equal(stored?.stringData, undefined);
    const list = await api(server, 'GET', '/api/v1/namespaces/team-a/secrets', {
      accept: 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json',
    });
    assert.equal(list.body.kind, 'PartialObjectMetadataList');
    assert.equal(list.body.apiVersion, 'meta.k8s.io/v1');
    const item = (list.body.items as Record<string, unknown>[])[0];
    assert.deepEqual(Object.keys(item ?? {}).sort(), ['apiVersion', 'kind', 'metadata']);
    assert.equal(item?.kind, 'PartialObjectMetadata');
    const one = await api(server, 'GET', '/api/v1/namespaces/team-a/secrets/meta', {
      accept: 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1',
    });
    assert.equal(one.body.data, undefined);
    assert.equal((one.body.metadata as { name: string }).name, 'meta');
    const watch = await openWatch(
      server,
      '/api/v1/namespaces/team-a/secrets?watch=true',
      'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1',
    );
    const [added] = await watch.waitFor(1);
    watch.close();
    assert.equal(added?.type, 'ADDED');
    assert.equal(added?.object.kind, 'PartialObjectMetadata');
    assert.equal(added?.object.data, undefined);
    const refused = await api(server, 'GET', '/api/v1/namespaces/team-a/secrets', {
      accept: 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1',
    });
    assert.equal(refused.status, 406);
  });

  test('bad bodies and selectors are 400s worded like the real decoder', async () => {
    const secret = await api(server, 'POST', '/api/v1/namespaces/team-a/secrets', {
      body: { metadata: { name: 's' }, data: { k: 'not*base64' } },
    });
    assert.equal(secret.status, 400);
    assert.equal(secret.body.reason, 'BadRequest');
    assert.equal(secret.body.message, 'Secret in version "v1" cannot be handled as a Secret: illegal base64 data at input byte 3');
    const cmBad = await api(server, 'POST', '/api/v1/namespaces/team-a/configmaps', { body: { metadata: { name: 'n' }, data: { k: 1 } } });
    assert.equal(cmBad.status, 400);
    assert.match(String(cmBad.body.message), /cannot unmarshal number into Go struct field ConfigMap.data of type string/);
    const badName = await api(server, 'POST', '/api/v1/namespaces/team-a/configmaps', { body: { metadata: { name: 'Bad_Name' } } });
    assert.equal(badName.status, 422);
    assert.match(
      String(badName.body.message),
      /^ConfigMap "Bad_Name" is invalid: metadata.name: Invalid value: "Bad_Name": a lowercase RFC 1123 subdomain/,
    );
    const field = await api(server, 'GET', '/api/v1/configmaps?fieldSelector=spec.foo%3Dbar');
    assert.equal(field.status, 400);
    assert.equal(field.body.message, 'field label not supported: spec.foo');
    const label = await api(server, 'GET', '/api/v1/configmaps?labelSelector=a%20in%20(');
    assert.equal(label.status, 400);
  });

  test('label and field selectors match like kube-apiserver', async () => {
    server.seed([
      cm('sel', 'a', { tier: 'web', env: 'prod' }),
      cm('sel', 'b', { tier: 'db', env: 'dev' }),
      cm('sel', 'c', { tier: 'web' }),
    ]);
    const q = async (query: string): Promise<string[]> =>
      names((await api(server, 'GET', `/api/v1/namespaces/sel/configmaps?${query}`)).body);
    assert.deepEqual(await q('labelSelector=tier%3Dweb'), ['a', 'c']);
    assert.deepEqual(await q('labelSelector=env!%3Dprod'), ['b', 'c']);
    assert.deepEqual(await q('labelSelector=env%20in%20(dev,prod),tier'), ['a', 'b']);
    assert.deepEqual(await q('labelSelector=env%20notin%20(prod)'), ['b', 'c']);
    assert.deepEqual(await q('labelSelector=!env'), ['c']);
    assert.deepEqual(await q('fieldSelector=metadata.name!%3Db'), ['a', 'c']);
    assert.deepEqual(
      names((await api(server, 'GET', '/api/v1/configmaps?fieldSelector=metadata.namespace%3Dsel,metadata.name%3Dc')).body),
      ['c'],
    );
  });

  test('a client-node informer lists, watches, and relists after a 410', async () => {
    server.seed([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'inf' } }, cm('inf', 'pre')]);
    const kc = new KubeConfig();
    kc.loadFromString(server.kubeconfig());
    const core = kc.makeApiClient(CoreV1Api);
    const informer = makeInformer<V1ConfigMap>(kc, '/api/v1/namespaces/inf/configmaps', () =>
      core.listNamespacedConfigMap({ namespace: 'inf' }),
    );
    const seen: string[] = [];
    informer.on('add', (o) => seen.push(`add ${o.metadata?.name ?? ''}`));
    informer.on('update', (o) => seen.push(`update ${o.metadata?.name ?? ''}`));
    informer.on('delete', (o) => seen.push(`delete ${o.metadata?.name ?? ''}`));
    try {
      await informer.start();
      await core.createNamespacedConfigMap({ namespace: 'inf', body: cm('inf', 'live') as V1ConfigMap });
      // client-node sends application/json-patch+json by default.
      await core.patchNamespacedConfigMap({ namespace: 'inf', name: 'live', body: [{ op: 'replace', path: '/data/k', value: 'v2' }] });
      await core.deleteNamespacedConfigMap({ namespace: 'inf', name: 'pre' });
      await eventually('informer events', () => seen.length >= 4);
      assert.deepEqual(seen, ['add pre', 'add live', 'update live', 'delete pre']);

      // The informer's last resourceVersion falls behind the history, then its stream is cut:
      // it resumes, gets an ERROR 410, relists and watches again.
      server.resetRequests();
      server.seed([cm('elsewhere', 'bump')]);
      server.compact();
      assert.equal(server.closeWatches(), 1);
      await eventually('relist and rewatch after 410', () => server.requests.filter((r) => r.namespace === 'inf').length >= 3);
      const calls = server.requests.filter((r) => r.namespace === 'inf').map((r) => r.verb);
      assert.deepEqual(calls.slice(0, 3), ['watch', 'list', 'watch']);
      await core.createNamespacedConfigMap({ namespace: 'inf', body: cm('inf', 'after') as V1ConfigMap });
      await eventually('event on the new watch', () => seen.includes('add after'));
      assert.deepEqual(seen.slice(4), ['add after'], 'the relist caused no spurious events');
      assert.deepEqual(
        informer
          .list('inf')
          .map((o) => o.metadata?.name)
          .sort(),
        ['after', 'live'],
      );
    } finally {
      await informer.stop();
    }
  });

  test('injected faults, request recording and closing watches', async () => {
    server.resetRequests();
    const fault = server.fail({ verb: 'list', resource: 'configmaps' }, { status: 500, times: 2 });
    const codes: number[] = [];
    for (let i = 0; i < 3; i += 1) codes.push((await api(server, 'GET', '/api/v1/configmaps')).status);
    assert.deepEqual(codes, [500, 500, 200]);
    assert.equal(fault.hits, 2);
    const forbidden = server.fail((r) => r.namespace === 'team-a' && r.verb === 'get', { status: 403, message: 'nope' });
    assert.equal((await api(server, 'GET', '/api/v1/namespaces/team-a/configmaps/cas')).status, 403);
    forbidden.cancel();
    assert.equal((await api(server, 'GET', '/api/v1/namespaces/team-a/configmaps/cas')).status, 200);
    const lists = server.requests.filter((r) => r.verb === 'list' && r.resource === 'configmaps');
    assert.equal(lists.length, 3);
    assert.deepEqual(
      lists.map((r) => [r.user, r.namespace, r.watch, r.status]),
      [
        ['admin', undefined, false, 500],
        ['admin', undefined, false, 500],
        ['admin', undefined, false, 200],
      ],
    );
    const watch = await openWatch(server, '/api/v1/configmaps?watch=true&resourceVersion=0&timeoutSeconds=30');
    assert.equal(server.closeWatches(), 1);
    await watch.ended;
  });
});

function labelPatch(obj: KubeObject | null, key: string, value: string): string {
  const ops =
    obj?.metadata.labels === undefined
      ? [{ op: 'add', path: '/metadata/labels', value: { [key]: value } }]
      : [{ op: 'add', path: `/metadata/labels/${key.replace(/~/g, '~0').replace(/\//g, '~1')}`, value }];
  return Buffer.from(JSON.stringify(ops)).toString('base64');
}

function webhookConfig(
  kind: 'MutatingWebhookConfiguration' | 'ValidatingWebhookConfiguration',
  name: string,
  hook: { url: string; caBundle: string },
  extra: Record<string, unknown> = {},
): KubeObject {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind,
    metadata: { name },
    webhooks: [
      {
        name: `${name}.kfstore.test`,
        clientConfig: { url: `${hook.url}/${kind === 'MutatingWebhookConfiguration' ? 'mutate' : 'validate'}`, caBundle: hook.caBundle },
        rules: [{ operations: ['CREATE', 'UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }],
        namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'hooked' } },
        sideEffects: 'None',
        admissionReviewVersions: ['v1'],
        ...extra,
      },
    ],
  };
}

describe('kube-apiserver calling admission webhooks', () => {
  let server: KubeApiServer;
  let dir: string;
  let admin: string;
  const kubectl = (...args: string[]): Promise<Run> => kubectlWith(dir, admin, args);

  before(async () => {
    server = await startKubeApiServer();
    dir = await tempDir();
    admin = join(dir, 'admin.kubeconfig');
    await server.writeKubeconfig(admin);
    server.seed([
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'hooked' } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'plain' } },
    ]);
  });
  after(() => server.close());

  test('mutating patch and warnings, denial text, then validating webhooks see the result', async () => {
    const hook = await startTestWebhook((review, path) => {
      const obj = review.request.object;
      if (path.startsWith('/validate')) {
        const labelled = obj?.metadata.labels?.['kfstore.io/mutated'] === 'true';
        return labelled
          ? allow(review)
          : allow(review, { allowed: false, status: { code: 403, reason: 'Forbidden', message: 'not mutated' } });
      }
      if (obj?.metadata.name === 'bad')
        return allow(review, { allowed: false, status: { code: 403, reason: 'Forbidden', message: 'configmap name "bad" is reserved' } });
      return allow(review, {
        patchType: 'JSONPatch',
        patch: labelPatch(obj, 'kfstore.io/mutated', 'true'),
        warnings: ['kfstore labelled this configmap'],
      });
    });
    try {
      server.registerWebhook(webhookConfig('MutatingWebhookConfiguration', 'mutate', hook));
      server.registerWebhook(webhookConfig('ValidatingWebhookConfiguration', 'validate', hook));

      const good = await kubectl('-n', 'hooked', 'create', 'configmap', 'good', '--from-literal=a=b');
      assert.equal(good.code, 0, good.stderr);
      assert.equal(good.stdout.trim(), 'configmap/good created');
      assert.match(good.stderr, /^Warning: kfstore labelled this configmap$/m);
      assert.equal(server.get('ConfigMap', 'hooked', 'good')?.metadata.labels?.['kfstore.io/mutated'], 'true');
      const mutateCall = hook.calls.find((c) => c.request.name === 'good');
      assert.equal(mutateCall?.request.operation, 'CREATE');
      assert.equal(mutateCall?.request.namespace, 'hooked');
      assert.equal(hook.calls.filter((c) => c.request.name === 'good').length, 2, 'one mutating and one validating call');

      const bad = await kubectl('-n', 'hooked', 'create', 'configmap', 'bad');
      assert.equal(bad.code, 1);
      assert.equal(
        bad.stderr,
        'error: failed to create configmap: admission webhook "mutate.kfstore.test" denied the request: configmap name "bad" is reserved\n',
      );
      assert.equal(server.get('ConfigMap', 'hooked', 'bad'), undefined);

      const direct = await api(server, 'POST', '/api/v1/namespaces/hooked/configmaps', { body: cm('hooked', 'bad') });
      assert.equal(direct.status, 403);
      assert.equal(direct.body.reason, 'Forbidden');

      const other = await kubectl('-n', 'plain', 'create', 'configmap', 'untouched');
      assert.equal(other.code, 0, other.stderr);
      assert.equal(
        server.get('ConfigMap', 'plain', 'untouched')?.metadata.labels,
        undefined,
        'namespaceSelector excludes other namespaces',
      );
    } finally {
      server.unregisterWebhook('MutatingWebhookConfiguration', 'mutate');
      server.unregisterWebhook('ValidatingWebhookConfiguration', 'validate');
      await hook.close();
    }
  });

  test('an unreachable webhook fails the request with Fail and is skipped with Ignore', async () => {
    const hook = await startTestWebhook((review) => allow(review));
    await hook.close();
    server.registerWebhook(webhookConfig('MutatingWebhookConfiguration', 'gone', hook, { failurePolicy: 'Fail' }));
    const failed = await kubectl('-n', 'hooked', 'create', 'configmap', 'refused');
    assert.equal(failed.code, 1);
    const port = new URL(hook.url).port;
    assert.match(
      failed.stderr,
      new RegExp(
        `Internal error occurred: failed calling webhook "gone\\.kfstore\\.test": failed to call webhook: Post "https://127\\.0\\.0\\.1:${port}/mutate\\?timeout=10s": dial tcp 127\\.0\\.0\\.1:${port}: connect: connection refused`,
      ),
    );
    server.registerWebhook(webhookConfig('MutatingWebhookConfiguration', 'gone', hook, { failurePolicy: 'Ignore' }));
    const ignored = await kubectl('-n', 'hooked', 'create', 'configmap', 'ignored');
    assert.equal(ignored.code, 0, ignored.stderr);
    server.unregisterWebhook('MutatingWebhookConfiguration', 'gone');
  });

  test('the webhook certificate is verified against caBundle', async () => {
    const hook = await startTestWebhook((review) => allow(review));
    try {
      // The API server's own CA did not sign the webhook's certificate.
      server.registerWebhook(
        webhookConfig('MutatingWebhookConfiguration', 'untrusted', {
          url: hook.url,
          caBundle: Buffer.from(server.caPem).toString('base64'),
        }),
      );
      const res = await api(server, 'POST', '/api/v1/namespaces/hooked/configmaps', { body: cm('hooked', 'untrusted') });
      assert.equal(res.status, 500);
      assert.match(
        String(res.body.message),
        /failed calling webhook "untrusted\.kfstore\.test": .*tls: failed to verify certificate: x509: certificate signed by unknown authority$/,
      );
      assert.equal(hook.calls.length, 0);
    } finally {
      server.unregisterWebhook('MutatingWebhookConfiguration', 'untrusted');
      await hook.close();
    }
  });

  test('a webhook that does not answer in timeoutSeconds fails the request', async () => {
    const hook = await startTestWebhook(() => 'hang');
    try {
      server.registerWebhook(webhookConfig('ValidatingWebhookConfiguration', 'slow', hook, { timeoutSeconds: 1 }));
      const res = await api(server, 'POST', '/api/v1/namespaces/hooked/configmaps', { body: cm('hooked', 'slow') });
      assert.equal(res.status, 500);
      assert.equal(res.body.reason, 'InternalError');
      assert.match(
        String(res.body.message),
        /failed calling webhook "slow\.kfstore\.test": failed to call webhook: Post "https:\/\/127\.0\.0\.1:\d+\/validate\?timeout=1s": context deadline exceeded$/,
      );
      assert.equal(hook.calls.length, 1);
    } finally {
      server.unregisterWebhook('ValidatingWebhookConfiguration', 'slow');
      await hook.close();
    }
  });

  test('responses must echo the uid and the AdmissionReview kind', async () => {
    let mode = 'uid';
    const hook = await startTestWebhook((review) =>
      mode === 'uid'
        ? { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: 'other', allowed: true } }
        : { apiVersion: 'admission.k8s.io/v1beta1', kind: 'AdmissionReview', response: { uid: review.request.uid, allowed: true } },
    );
    try {
      server.registerWebhook(webhookConfig('MutatingWebhookConfiguration', 'liar', hook));
      const uid = await api(server, 'POST', '/api/v1/namespaces/hooked/configmaps', { body: cm('hooked', 'u1') });
      assert.equal(uid.status, 500);
      assert.match(String(uid.body.message), /received invalid webhook response: expected response\.uid="[0-9a-f-]{36}", got "other"$/);
      mode = 'kind';
      const kind = await api(server, 'POST', '/api/v1/namespaces/hooked/configmaps', { body: cm('hooked', 'u2') });
      assert.match(
        String(kind.body.message),
        /expected webhook response of admission\.k8s\.io\/v1, Kind=AdmissionReview, got admission\.k8s\.io\/v1beta1, Kind=AdmissionReview$/,
      );
    } finally {
      server.unregisterWebhook('MutatingWebhookConfiguration', 'liar');
      await hook.close();
    }
  });

  test('IfNeeded webhooks are reinvoked once when a later webhook changes the object', async () => {
    const hook = await startTestWebhook((review, path) => {
      const obj = review.request.object;
      return path.startsWith('/first') ? allow(review) : allow(review, { patchType: 'JSONPatch', patch: labelPatch(obj, 'second', 'yes') });
    });
    try {
      const config = webhookConfig('MutatingWebhookConfiguration', 'order', hook);
      const base = (config.webhooks as Record<string, unknown>[])[0] ?? {};
      config.webhooks = [
        {
          ...base,
          name: 'first.kfstore.test',
          clientConfig: { url: `${hook.url}/first`, caBundle: hook.caBundle },
          reinvocationPolicy: 'IfNeeded',
        },
        { ...base, name: 'second.kfstore.test', clientConfig: { url: `${hook.url}/second`, caBundle: hook.caBundle } },
      ];
      server.registerWebhook(config);
      const res = await api(server, 'POST', '/api/v1/namespaces/hooked/configmaps', { body: cm('hooked', 'reinvoked') });
      assert.equal(res.status, 201, JSON.stringify(res.body));
      assert.equal((res.body as KubeObject).metadata.labels?.second, 'yes');
      const firstCalls = hook.calls.filter((c) => c.request.object?.metadata.name === 'reinvoked');
      assert.equal(firstCalls.length, 3, 'first, second, then first again');
      assert.equal(firstCalls[2]?.request.object?.metadata.labels?.second, 'yes');
    } finally {
      server.unregisterWebhook('MutatingWebhookConfiguration', 'order');
      await hook.close();
    }
  });
});
