// Scope on a live cluster (the test API server, through the real kubectl): a namespace that is not
// a KFP profile is one line and exit 2, a missing one is one finding, a selector matching nothing
// is exit 2; KFP's own namespace is still checked.
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

type Report = { namespaces: string[]; findings: { id: string; level: string; namespace?: string; message: string }[] };

let api: KubeApiServer;
let inDefault = '';
let inTeamA = '';

before(async () => {
  api = await startKubeApiServer();
  // The server has `default` and `kube-system`, as every cluster does.
  api.seed(parseAllDocuments(readFixture('cluster', 'profiles.yaml')).map((d) => d.toJS() as KubeObject));
  const dir = mkdtempSync(join(tmpdir(), 'kfstore-scope-'));
  inDefault = join(dir, 'default.yaml');
  inTeamA = join(dir, 'team-a.yaml');
  await api.writeKubeconfig(inDefault, 'admin', { context: 'admin', namespace: 'default' });
  await api.writeKubeconfig(inTeamA, 'admin', { context: 'admin', namespace: 'team-a' });
});
after(async () => {
  await api.close();
});

describe('doctor scope on a live cluster', () => {
  it('the context’s namespace is not a profile: one line with the way out, exit 2', async () => {
    const r = await kfstore(['doctor'], { KUBECONFIG: inDefault });
    assert.equal(r.code, 2, r.stdout);
    assert.equal(r.stdout, '');
    assert.equal(
      r.stderr,
      'error: namespace default (the current context’s namespace) is not a KFP profile (no pipelines.kubeflow.org/enabled=true label, no kfp-launcher ConfigMap): nothing to check; use -A for every profile, or -n <profile>\n',
    );
  });
  it('-n kube-system: the same, without blaming the context', async () => {
    const r = await kfstore(['doctor', '-n', 'kube-system'], { KUBECONFIG: inTeamA });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^error: namespace kube-system is not a KFP profile .*use -A for every profile, or -n <profile>\n$/);
  });
  it('a namespace that does not exist: one finding, not its follow-ons', async () => {
    const r = await kfstore(['doctor', '-n', 'nope', '-o', 'json'], { KUBECONFIG: inTeamA });
    assert.equal(r.code, 1, r.stderr);
    const mine = (JSON.parse(r.stdout) as Report).findings.filter((f) => f.namespace === 'nope');
    assert.deepEqual(
      mine.map((f) => `${f.level} ${f.id} ${f.message}`),
      ['error KFS002 namespace nope does not exist'],
    );
  });
  it('-A -l matching nothing: exit 2', async () => {
    const r = await kfstore(['doctor', '-A', '-l', 'tier=none'], { KUBECONFIG: inTeamA });
    assert.equal(r.code, 2);
    assert.equal(r.stderr, 'error: no namespace in this cluster matches -l tier=none: nothing to check\n');
  });
  it('KFP’s own namespace is in scope when named', async () => {
    const r = await kfstore(['doctor', '-n', 'kubeflow', '-o', 'json'], { KUBECONFIG: inTeamA });
    assert.notEqual(r.code, 2, r.stderr);
    assert.deepEqual((JSON.parse(r.stdout) as Report).namespaces, ['kubeflow']);
  });
});
