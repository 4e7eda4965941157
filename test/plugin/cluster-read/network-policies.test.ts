// doctor --probe reads the profile namespaces' NetworkPolicies from the cluster (storeUnreachable live): the
// real kubectl runs the plugin against the test API server holding an offline fixture's objects. The store
// endpoint is moved to a port that refuses connections, so the probes fail fast; only KFS060 is asserted.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { startKubeApiServer } from '../../support/kube-apiserver/index.ts';
import type { KubeApiServer, KubeObject } from '../../support/kube-apiserver/index.ts';
import { readFixture } from '../../support/fixtures.ts';
import { kfstore } from '../../support/plugin.ts';

type Finding = { id: string; level: string; namespace?: string; message: string };

let api: KubeApiServer;
let dir = '';

before(async () => {
  const objects = parseAllDocuments(readFixture('doctor', 'kfs060-egress-denied-ip.yaml')).map((d) => d.toJS() as KubeObject);
  for (const o of objects) {
    const data = o.data as Record<string, string> | undefined;
    if (o.kind === 'ConfigMap' && data?.providers !== undefined) data.providers = data.providers.replace('10.20.0.5:9000', '127.0.0.1:1');
  }
  api = await startKubeApiServer();
  api.seed(objects);
  dir = mkdtempSync(join(tmpdir(), 'kfstore-netpol-'));
});
after(async () => {
  await api?.close();
});

async function doctor(user: string, ...args: string[]): Promise<Finding[]> {
  const kubeconfig = join(dir, `${user}.kubeconfig`);
  await api.writeKubeconfig(kubeconfig, user);
  const r = await kfstore(['doctor', '-n', 'team-a', '-o', 'json', '--exit-zero', ...args], { KUBECONFIG: kubeconfig });
  assert.equal(r.code, 0, r.stderr);
  return (JSON.parse(r.stdout) as { findings: Finding[] }).findings;
}

describe('NetworkPolicies read live (doctor --probe)', () => {
  it('egress denied to all but DNS: KFS060 error naming the policies and the endpoint', async () => {
    const found = (await doctor('admin', '--probe')).filter((f) => f.id === 'KFS060');
    assert.deepEqual(
      found.map((f) => `${f.level} ${f.namespace}`),
      ['error team-a'],
    );
    assert.match(found[0]?.message ?? '', /NetworkPolicies allow-dns, default-deny-egress|NetworkPolicies default-deny-egress, allow-dns/);
    assert.match(found[0]?.message ?? '', /the store at 127\.0\.0\.1:1/);
  });

  it('without --probe they are not read, and KFS060 is not reported', async () => {
    api.resetRequests();
    const found = await doctor('admin');
    assert.ok(!found.some((f) => f.id === 'KFS060'));
    assert.ok(!api.requests.some((q) => q.resource === 'networkpolicies'));
  });

  it('a user who may not list them: KFS091 says so, KFS060 decides nothing', async () => {
    api.addUser('auditor', { token: 'auditor-token' });
    api.allow('auditor', {
      verbs: ['get', 'list', 'watch'],
      resources: ['namespaces', 'configmaps', 'secrets', 'deployments'],
      apiGroups: ['', 'apps'],
    });
    const found = await doctor('auditor', '--probe');
    assert.ok(!found.some((f) => f.id === 'KFS060'), JSON.stringify(found));
    const unread = found.find((f) => f.id === 'KFS091' && f.message.includes('NetworkPolicy'));
    assert.ok(unread !== undefined, JSON.stringify(found));
    assert.equal(unread.level, 'warn');
    assert.match(unread.message, /KFS060/);
  });
});
