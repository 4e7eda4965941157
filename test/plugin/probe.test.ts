// doctor --probe / --probe-write end to end: the real kubectl runs the plugin against the test API
// server, and the plugin probes a real S3 server (Swift) with each namespace's own credentials.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startKubeApiServer } from '../support/kube-apiserver/index.ts';
import type { KubeApiServer, KubeObject } from '../support/kube-apiserver/index.ts';
import { kfstore } from '../support/plugin.ts';
import { requireSwift, startSwift } from '../support/swift/server.ts';
import type { SwiftServer } from '../support/swift/server.ts';
import { adminClient, listKeys, seedBucket } from '../support/swift/seed.ts';
import { swiftProfile } from '../support/swift/profile.ts';

type Finding = { id: string; level: string; namespace?: string; message: string; evidence?: Record<string, string> };

const SECRETS = { alice: 'team-a-secret-CANARY', bob: 'team-b-secret-CANARY', wrong: 'wrong-secret-CANARY' };
let swift: SwiftServer;
let api: KubeApiServer;
let kubeconfig = '';

const profile = (ns: string, accessKeyId: string, secretAccessKey: string): KubeObject[] =>
  swiftProfile(swift, ns, accessKeyId, secretAccessKey);

before(async () => {
  requireSwift();
  swift = await startSwift({
    accounts: [
      { account: 'teama', user: 'alice', secret: SECRETS.alice, admin: true },
      { account: 'teamb', user: 'bob', secret: SECRETS.bob, admin: true },
    ],
  });
  await seedBucket(adminClient(swift, 'teama', 'alice'), 'kfp', { 'v2/artifacts/team-a/run1/model.bin': 'weights of team a' });
  await seedBucket(adminClient(swift, 'teamb', 'bob'), 'kfp', { 'v2/artifacts/team-b/run1/model.bin': 'weights of team b' });
  api = await startKubeApiServer();
  api.seed([
    ...profile('team-a', 'teama:alice', SECRETS.alice),
    ...profile('team-b', 'teamb:bob', SECRETS.bob),
    // team-c reuses team-a's account: the same bucket, so it can read team-a's artifacts.
    ...profile('team-c', 'teama:alice', SECRETS.alice),
    ...profile('team-d', 'teamb:bob', SECRETS.wrong),
  ]);
  kubeconfig = join(mkdtempSync(join(tmpdir(), 'kfstore-probe-')), 'kubeconfig');
  await api.writeKubeconfig(kubeconfig, 'admin');
});
after(async () => {
  await api?.close();
  await swift?.stop();
});

describe('doctor --probe-write against Swift', () => {
  it('proves reachability, round trips and tenant isolation with each namespace’s own credentials', async () => {
    const r = await kfstore(['doctor', '-A', '--probe-write', '-o', 'json'], { KUBECONFIG: kubeconfig });
    assert.equal(r.code, 1, r.stderr);
    const findings = (JSON.parse(r.stdout) as { findings: Finding[] }).findings;
    const get = (id: string, ns: string, text = ''): Finding | undefined =>
      findings.find((f) => f.id === id && f.namespace === ns && f.message.includes(text));
    for (const ns of ['team-a', 'team-b', 'team-c']) {
      assert.equal(get('KFS061', ns)?.level, 'ok', JSON.stringify(get('KFS061', ns)));
      assert.equal(get('KFS062', ns)?.level, 'ok', JSON.stringify(get('KFS062', ns)));
    }
    const wrong = get('KFS061', 'team-d');
    assert.equal(wrong?.level, 'error');
    assert.match(wrong?.message ?? '', /SignatureDoesNotMatch|signature/i);
    const ab = findings.find((f) => f.id === 'KFS063' && f.namespace === 'team-a' && f.message.includes('team-b'));
    assert.equal(ab?.level, 'ok', JSON.stringify(ab));
    const ca = findings.find((f) => f.id === 'KFS063' && f.namespace === 'team-c' && f.message.includes('team-a'));
    assert.equal(ca?.level, 'error', JSON.stringify(ca));
    for (const secret of Object.values(SECRETS))
      assert.ok(!r.stdout.includes(secret) && !r.stderr.includes(secret), 'a secret value was printed');
    // Probes clean up after themselves, and never touch what was there.
    assert.deepEqual(await listKeys(adminClient(swift, 'teama', 'alice'), 'kfp'), ['v2/artifacts/team-a/run1/model.bin']);
    assert.deepEqual(await listKeys(adminClient(swift, 'teamb', 'bob'), 'kfp'), ['v2/artifacts/team-b/run1/model.bin']);
  });

  it('--probe without writes uses a known existing object for the isolation check', async () => {
    const r = await kfstore(['doctor', '-n', 'team-c', '--probe', '-o', 'json', '--exit-zero'], { KUBECONFIG: kubeconfig });
    const findings = (JSON.parse(r.stdout) as { findings: Finding[] }).findings;
    assert.equal(findings.find((f) => f.id === 'KFS061')?.level, 'ok', r.stdout);
    assert.ok(!findings.some((f) => f.id === 'KFS062'), 'no writes without --probe-write');
  });

  it("reads the bucket's lifecycle: Swift's S3 API cannot say, and the finding says so (KFS065)", async () => {
    const r = await kfstore(['doctor', '-n', 'team-a', '--probe', '-o', 'json', '--exit-zero'], { KUBECONFIG: kubeconfig });
    const lifecycle = (JSON.parse(r.stdout) as { findings: Finding[] }).findings.filter((f) => f.id === 'KFS065');
    assert.deepEqual(
      lifecycle.map((f) => `${f.level} ${f.namespace}`),
      ['info team-a'],
      r.stdout,
    );
    assert.match(lifecycle[0]?.message ?? '', /the store does not support reading s3:\/\/kfp's lifecycle configuration/);
  });

  it('an endpoint that refuses connections is named, exit 1, no stack trace', async () => {
    api.seed([
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'kfp-launcher', namespace: 'team-e' },
        data: {
          defaultPipelineRoot: 's3://kfp/v2/artifacts/team-e',
          providers:
            's3:\n  default:\n    endpoint: 127.0.0.1:1\n    region: us-east-1\n    disableSSL: true\n    credentials:\n      secretRef: {secretName: store, accessKeyKey: AWS_ACCESS_KEY_ID, secretKeyKey: AWS_SECRET_ACCESS_KEY}\n',
        },
      },
    ]);
    api.seed([
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'store', namespace: 'team-e' },
        stringData: { AWS_ACCESS_KEY_ID: 'teamb:bob', AWS_SECRET_ACCESS_KEY: SECRETS.bob },
      },
    ]);
    const r = await kfstore(['doctor', '-n', 'team-e', '--probe', '-o', 'json'], { KUBECONFIG: kubeconfig });
    assert.equal(r.code, 1, r.stderr);
    const f = (JSON.parse(r.stdout) as { findings: Finding[] }).findings.find((x) => x.id === 'KFS061');
    assert.equal(f?.level, 'error');
    assert.match(f?.message ?? '', /127\.0\.0\.1:1/);
    assert.match(f?.message ?? '', /refused/i);
    assert.doesNotMatch(r.stdout + r.stderr, /\n\s+at /);
  });
});
