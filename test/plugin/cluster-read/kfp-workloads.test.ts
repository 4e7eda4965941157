// doctor on a live cluster reads the KFP workloads the release-dependent checks judge by: the real
// kubectl runs the plugin against the test API server holding the same objects as the offline
// fixtures (test/fixtures/doctor-versioned), and the live verdicts are the offline ones.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import type { KubeApiServer, KubeObject } from '../../support/kube-apiserver/index.ts';
import { headerValue, readFixture } from '../../support/fixtures.ts';
import { seededCluster } from '../../support/live-cluster.ts';
import { kfstore } from '../../support/plugin.ts';

type Finding = { id: string; level: string; namespace?: string; object?: { kind: string; name: string }; message: string; fix: string };

const servers: KubeApiServer[] = [];
after(async () => {
  for (const s of servers) await s.close();
});

async function liveDoctor(fixture: string): Promise<{ findings: Finding[]; api: KubeApiServer }> {
  const text = readFixture('doctor-versioned', fixture);
  const { api, env } = await seededCluster(parseAllDocuments(text).map((d) => d.toJS() as KubeObject));
  servers.push(api);
  const version = headerValue(text, 'kfp-version');
  const r = await kfstore(
    ['doctor', '-n', 'team-a', '-o', 'json', '--exit-zero', ...(version !== undefined ? ['--kfp-version', version] : [])],
    env,
  );
  assert.equal(r.code, 0, r.stderr);
  return { findings: (JSON.parse(r.stdout) as { findings: Finding[] }).findings, api };
}

const of = (findings: Finding[], id: string): string[] =>
  findings.filter((f) => f.id === id).map((f) => `${f.level} ${f.object?.kind}/${f.object?.name}`);

describe('doctor live: KFP workloads in kubeflow', () => {
  it("KFS020: ml-pipeline-ui's prefix from pipeline-install-config, read with one field-selected LIST", async () => {
    const { findings, api } = await liveDoctor('kfs020-custom-prefix.yaml');
    const kfs020 = findings.find((f) => f.id === 'KFS020');
    assert.equal(kfs020?.level, 'ok', JSON.stringify(findings));
    assert.match(kfs020?.message ?? '', /keys start with tenants\/team-a\//);
    const kubeflow = api.requests
      .filter((q) => q.path.includes('/namespaces/kubeflow/') && (q.resource === 'deployments' || q.resource === 'configmaps'))
      .map((q) => `${q.verb} ${q.resource} ${q.query.fieldSelector !== undefined ? 'by name' : 'all'}`);
    assert.deepEqual(kubeflow, ['list deployments all', 'list configmaps by name']);
  });

  it('KFS020: without ml-pipeline-ui the default prefix is assumed, and said', async () => {
    const { findings } = await liveDoctor('kfs020-v2-artifacts-layout.yaml');
    const kfs020 = findings.filter((f) => f.id === 'KFS020');
    assert.deepEqual(of(findings, 'KFS020'), ['warn ConfigMap/kfp-launcher']);
    assert.match(kfs020[0]?.message ?? '', /default prefix, kubeflow\/ml-pipeline-ui not read/);
    assert.match(kfs020[0]?.fix ?? '', /ARTIFACT_NAMESPACE_KEY_PREFIX=v2\/artifacts/);
  });

  it('KFS064: the seaweedfs Deployment image, and a StatefulSet when there is no Deployment', async () => {
    assert.deepEqual(of((await liveDoctor('kfs064-seaweedfs-4.00-on-2.17.yaml')).findings, 'KFS064'), ['warn Deployment/seaweedfs']);
    const sts = await liveDoctor('kfs064-statefulset-3.95.yaml');
    assert.deepEqual(of(sts.findings, 'KFS064'), ['warn StatefulSet/seaweedfs']);
    assert.ok(sts.api.requests.some((q) => q.resource === 'statefulsets' && q.verb === 'list'));
    const before = await liveDoctor('kfs064-before-2.17.yaml');
    assert.deepEqual(of(before.findings, 'KFS064'), []);
    assert.ok(!before.api.requests.some((q) => q.resource === 'statefulsets'), 'no StatefulSet read where no rule needs it');
  });
});
