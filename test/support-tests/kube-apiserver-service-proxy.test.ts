// The test kube-apiserver's services/proxy subresource, through the real kubectl (`get --raw`),
// with the fake KFP API server behind it: forwarding, KFP's paging and filters, and the
// kube-apiserver answers for a missing Service, no endpoints and a user without the permission.
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fakeKfpApi } from '../support/kfp-api-server.ts';
import type { FakeKfpData } from '../support/kfp-api-server.ts';
import { startKubeApiServer } from '../support/kube-apiserver/index.ts';
import type { KubeApiServer, ProxiedRequest } from '../support/kube-apiserver/index.ts';
import { fixturePath } from '../support/fixtures.ts';
import { kubectl } from '../support/plugin.ts';

const RUNS = '/api/v1/namespaces/kubeflow/services/ml-pipeline:8888/proxy/apis/v2beta1/runs';
const data = JSON.parse(readFileSync(fixturePath('migrate-installation', 'kfp-api-runs.json'), 'utf8')) as FakeKfpData;

describe('kube-apiserver services/proxy with the fake KFP API server', () => {
  let api: KubeApiServer;
  let env: Record<string, string>;
  const seen: ProxiedRequest[] = [];
  before(async () => {
    api = await startKubeApiServer();
    api.seed([
      {
        apiVersion: 'v1',
        kind: 'Service',
        metadata: { name: 'ml-pipeline', namespace: 'kubeflow' },
        spec: { ports: [{ name: 'http', port: 8888 }] },
      },
      { apiVersion: 'v1', kind: 'Service', metadata: { name: 'idle', namespace: 'kubeflow' }, spec: { ports: [{ port: 80 }] } },
    ] as never);
    api.serveServiceProxy('kubeflow', 'ml-pipeline', 8888, fakeKfpApi(data, { requests: seen }));
    const kubeconfig = join(mkdtempSync(join(tmpdir(), 'kfstore-proxy-')), 'admin.yaml');
    await api.writeKubeconfig(kubeconfig, 'admin', { context: 'admin', namespace: 'default' });
    env = { KUBECONFIG: kubeconfig };
  });
  after(async () => {
    await api.close();
  });

  it('forwards path and query; pages follow next_page_token to the end', async () => {
    const names: string[] = [];
    let token = '';
    for (let i = 0; i < 10; i++) {
      const r = await kubectl(
        ['get', '--raw', `${RUNS}?page_size=3${token === '' ? '' : `&page_token=${encodeURIComponent(token)}`}`],
        env,
      );
      assert.equal(r.code, 0, r.stderr);
      const page = JSON.parse(r.stdout) as { runs?: { display_name: string }[]; total_size?: number; next_page_token?: string };
      assert.equal(page.total_size, 4);
      names.push(...(page.runs ?? []).map((x) => x.display_name));
      token = page.next_page_token ?? '';
      if (token === '') break;
    }
    assert.deepEqual(
      names,
      data.runs.map((x) => x.display_name),
    );
    assert.equal(seen.at(-1)?.path, '/apis/v2beta1/runs');
    assert.equal(seen.at(-1)?.query.get('page_size'), '3');
  });

  it("a filter (KFP's api.Filter JSON) selects; one KFP cannot parse is KFP's 400", async () => {
    const filter = JSON.stringify({ predicates: [{ key: 'storage_state', operation: 'EQUALS', string_value: 'ARCHIVED' }] });
    const r = await kubectl(['get', '--raw', `${RUNS}?filter=${encodeURIComponent(filter)}`], env);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(
      (JSON.parse(r.stdout) as { runs: { display_name: string }[] }).runs.map((x) => x.display_name),
      ['archived evaluation'],
    );
    const bad = await kubectl(['get', '--raw', `${RUNS}?filter=not-json`], env);
    assert.notEqual(bad.code, 0);
    // kubectl words a proxied body that is not a Kubernetes Status generically, as with a real KFP.
    assert.match(bad.stderr, /BadRequest/);
  });

  it('no Service: 404; a Service with no backend: 503 no endpoints; a user without services/proxy: 403', async () => {
    const missing = await kubectl(['get', '--raw', '/api/v1/namespaces/kubeflow/services/nope:80/proxy/'], env);
    assert.notEqual(missing.code, 0);
    assert.match(missing.stderr, /services "nope" not found/);
    const idle = await kubectl(['get', '--raw', '/api/v1/namespaces/kubeflow/services/idle:80/proxy/'], env);
    assert.notEqual(idle.code, 0);
    assert.match(idle.stderr, /no endpoints available for service "idle"/);
    api.addUser('reader', { token: 'reader-token' });
    api.allow('reader', { verbs: ['get'], resources: ['services'], apiGroups: [''], namespaces: ['kubeflow'] });
    const kubeconfig = join(mkdtempSync(join(tmpdir(), 'kfstore-proxy-')), 'reader.yaml');
    await api.writeKubeconfig(kubeconfig, 'reader', { context: 'reader', namespace: 'kubeflow' });
    const refused = await kubectl(['get', '--raw', RUNS], { KUBECONFIG: kubeconfig });
    assert.notEqual(refused.code, 0);
    assert.match(refused.stderr, /services "ml-pipeline:8888" is forbidden: User "reader" cannot get resource "services\/proxy"/);
  });
});
