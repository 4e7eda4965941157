// doctor --probe, credential drift after a rotation (KFS036), end to end: the real kubectl runs the
// plugin against the test API server, which holds each namespace's Secret and its artifact-server pod;
// the store is a real S3 server (Swift) whose keys were rotated after some Secrets were copied.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startKubeApiServer } from '../../support/kube-apiserver/index.ts';
import type { KubeApiServer, KubeObject } from '../../support/kube-apiserver/index.ts';
import { kfstore, kubectl } from '../../support/plugin.ts';
import { requireSwift, startSwift } from '../../support/swift/server.ts';
import type { SwiftServer } from '../../support/swift/server.ts';
import { adminClient, seedBucket } from '../../support/swift/seed.ts';
import { swiftProfile } from '../../support/swift/profile.ts';

type Finding = { id: string; level: string; namespace?: string; object?: { kind: string; name: string }; message: string; fix: string };

// The store's keys now; ROTATED_AWAY is what alice's key was before the rotation.
const KEYS = { alice: 'alice-key-after-rotation-CANARY', bob: 'bob-key-CANARY', rotatedAway: 'alice-key-before-rotation-CANARY' };
let swift: SwiftServer;
let api: KubeApiServer;
let kubeconfig = '';

const POD = 'ml-pipeline-ui-artifact-7d9f-x2k4p';

function profile(ns: string, accessKeyId: string, secretAccessKey: string, withPod = false): KubeObject[] {
  const objects = swiftProfile(swift, ns, accessKeyId, secretAccessKey, {
    rootPrefix: `private-artifacts/${ns}/v2/artifacts`,
    secret: { name: 'mlpipeline-minio-artifact', accessKeyKey: 'accesskey', secretKeyKey: 'secretkey' },
  });
  if (withPod)
    objects.push({
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name: POD, namespace: ns, labels: { app: 'ml-pipeline-ui-artifact' } },
      spec: {
        containers: [
          {
            name: 'ml-pipeline-ui-artifact',
            image: 'ghcr.io/kubeflow/kfp-frontend:2.17.0',
            env: [
              { name: 'MINIO_ACCESS_KEY', valueFrom: { secretKeyRef: { name: 'mlpipeline-minio-artifact', key: 'accesskey' } } },
              { name: 'MINIO_SECRET_KEY', valueFrom: { secretKeyRef: { name: 'mlpipeline-minio-artifact', key: 'secretkey' } } },
            ],
          },
        ],
      },
    });
  return objects;
}

before(async () => {
  requireSwift();
  swift = await startSwift({
    accounts: [
      { account: 'teama', user: 'alice', secret: KEYS.alice, admin: true },
      { account: 'teamb', user: 'bob', secret: KEYS.bob, admin: true },
    ],
  });
  await seedBucket(adminClient(swift, 'teama', 'alice'), 'kfp', { 'private-artifacts/stale/v2/artifacts/run1/model.bin': 'x' });
  await seedBucket(adminClient(swift, 'teamb', 'bob'), 'kfp', { 'private-artifacts/fresh/v2/artifacts/run1/model.bin': 'x' });
  api = await startKubeApiServer();
  api.seed([
    // stale: its copy still has alice's secret key from before the rotation.
    ...profile('stale', 'teama:alice', KEYS.rotatedAway),
    // retired: its access key is no longer in the store.
    ...profile('retired', 'teama:carol', KEYS.alice),
    // restarted-late: current keys, but the artifact server started before the Secret was written (the seed: now).
    ...profile('restarted-late', 'teamb:bob', KEYS.bob, true),
    // fresh: current keys, the artifact server started after the Secret changed.
    ...profile('fresh', 'teamb:bob', KEYS.bob, true),
  ]);
  kubeconfig = join(mkdtempSync(join(tmpdir(), 'kfstore-drift-')), 'kubeconfig');
  await api.writeKubeconfig(kubeconfig, 'admin');
  // The kubelet reports a pod's start through the status subresource; so does the test, with kubectl.
  for (const [ns, started] of [
    ['restarted-late', '2020-01-01T00:00:00Z'],
    ['fresh', '2999-01-01T00:00:00Z'],
  ]) {
    const status = JSON.stringify({ status: { phase: 'Running', startTime: started } });
    const r = await kubectl(['patch', 'pod', POD, '-n', ns ?? '', '--subresource=status', '--type=merge', '-p', status], {
      KUBECONFIG: kubeconfig,
    });
    assert.equal(r.code, 0, r.stderr);
  }
});
after(async () => {
  await api?.close();
  await swift?.stop();
});

describe('doctor --probe: credential drift after rotation (Swift)', () => {
  it('rejected key or signature: ERROR; pods older than the Secret: WARN; current: OK; KFS061 keeps its meaning', async () => {
    const r = await kfstore(['doctor', '-A', '--probe', '-o', 'json'], { KUBECONFIG: kubeconfig });
    assert.equal(r.code, 1, r.stderr);
    const findings = (JSON.parse(r.stdout) as { findings: Finding[] }).findings;
    const drift = (ns: string): string[] =>
      findings.filter((f) => f.id === 'KFS036' && f.namespace === ns).map((f) => `${f.level} ${f.object?.kind}/${f.object?.name}`);
    assert.deepEqual(drift('stale'), ['error Secret/mlpipeline-minio-artifact']);
    assert.deepEqual(drift('retired'), ['error Secret/mlpipeline-minio-artifact']);
    assert.deepEqual(drift('restarted-late'), ['warn Pod/ml-pipeline-ui-artifact-7d9f-x2k4p']);
    assert.deepEqual(drift('fresh'), ['ok Secret/mlpipeline-minio-artifact']);
    const message = (ns: string): string => findings.find((f) => f.id === 'KFS036' && f.namespace === ns)?.message ?? '';
    assert.match(message('stale'), /\(SignatureDoesNotMatch\)/);
    // Swift answers an unknown access key with SignatureDoesNotMatch (AWS: InvalidAccessKeyId, test/settings/.../credential-drift.test.ts).
    assert.match(message('retired'), /\(SignatureDoesNotMatch\)/);
    assert.match(message('restarted-late'), /started 2020-01-01T00:00:00Z, before Secret mlpipeline-minio-artifact last changed/);
    // The bucket check still says the bucket is not reachable with these credentials.
    for (const ns of ['stale', 'retired']) assert.equal(findings.find((f) => f.id === 'KFS061' && f.namespace === ns)?.level, 'error', ns);
    for (const secret of Object.values(KEYS))
      assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), 'a secret value was printed');
  });
});
