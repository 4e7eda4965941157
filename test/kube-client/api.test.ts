// The shared Kubernetes client: in-cluster service-account auth (token file re-read per request, as
// the kubelet rotates it), kubectl's tokenFile, and a server that repeats a continue token.
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { ApiError, connect } from '../../kube-client/api.ts';
import { inClusterKubeconfig, loadKubeconfig } from '../../kube-client/kubeconfig.ts';
import { startKubeApiServer } from '../support/kube-apiserver/index.ts';
import type { KubeApiServer } from '../support/kube-apiserver/index.ts';

let server: KubeApiServer;
let dir = '';

before(async () => {
  server = await startKubeApiServer();
  server.addUser('reader', { token: 'reader-token' });
  server.allow('reader', { verbs: ['list'], resources: ['namespaces'] });
  server.addUser('nobody', { token: 'nobody-token' });
  dir = mkdtempSync(join(tmpdir(), 'kfstore-kube-'));
  writeFileSync(join(dir, 'ca.crt'), server.caPem);
});
after(async () => {
  await server.close();
});

describe('in-cluster service account', () => {
  it('sends the token file, and re-reads it on every request', async () => {
    writeFileSync(join(dir, 'token'), 'reader-token\n');
    const url = new URL(server.url);
    const sel = inClusterKubeconfig({ KUBERNETES_SERVICE_HOST: url.hostname, KUBERNETES_SERVICE_PORT: url.port }, dir);
    const api = await connect(sel);
    const list = await api.list<{ metadata: { name: string } }>('/api/v1/namespaces');
    assert.ok(Array.isArray(list));
    assert.equal(server.requests.at(-1)?.user, 'reader');
    writeFileSync(join(dir, 'token'), 'nobody-token\n');
    await assert.rejects(api.list('/api/v1/namespaces'), (e: unknown) => e instanceof ApiError && e.status === 403);
  });
  it('says clearly when it is not running in a pod', () => {
    assert.throws(() => inClusterKubeconfig({}, dir), /KUBERNETES_SERVICE_HOST is not set/);
  });
});

describe('kubeconfig tokenFile', () => {
  it('kubectl’s tokenFile field authenticates (client-node alone would ignore it)', async () => {
    writeFileSync(join(dir, 'token'), 'reader-token');
    const file = join(dir, 'kubeconfig');
    writeFileSync(
      file,
      stringify({
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'c', cluster: { server: server.url, 'certificate-authority': 'ca.crt' } }],
        users: [{ name: 'u', user: { tokenFile: 'token' } }],
        contexts: [{ name: 'x', context: { cluster: 'c', user: 'u' } }],
        'current-context': 'x',
      }),
    );
    const api = await connect(loadKubeconfig({ kubeconfig: file, env: {}, home: '/' }));
    await api.list('/api/v1/namespaces');
    assert.equal(server.requests.at(-1)?.user, 'reader');
  });
});
