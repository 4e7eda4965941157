// doctor --installation --probe end to end: real kubectl runs the plugin against the test API server
// (KFP 2.17.0's stock objects, the UI pointed at a real S3 server, OpenStack Swift), and the plugin reads
// one artifact per profile namespace with the endpoint and credentials the UI would use for the release.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import type { KubeApiServer, KubeObject } from '../../support/kube-apiserver/index.ts';
import { readFixture } from '../../support/fixtures.ts';
import { assertNoSecrets, seededCluster } from '../../support/live-cluster.ts';
import { kfstore, kubectl } from '../../support/plugin.ts';
import { requireSwift, startSwift } from '../../support/swift/server.ts';
import type { SwiftServer } from '../../support/swift/server.ts';
import { adminClient, seedBucket } from '../../support/swift/seed.ts';

type Finding = { id: string; level: string; namespace?: string; message: string; fix?: string };

const SECRET = 'team-a-secret-CANARY';
const KUBEFLOW = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kubeflow' } } as KubeObject;

/** A kfp-launcher's providers for a minio:// root on Swift's account teama, with Secret `secret`'s keys. */
function minioProviders(endpoint: string, secret: string): string {
  return (
    `minio:\n  default:\n    endpoint: ${endpoint}\n    region: us-east-1\n    disableSSL: true\n` +
    `    credentials:\n      fromEnv: false\n      secretRef: {secretName: ${secret}, accessKeyKey: accesskey, secretKeyKey: secretkey}\n`
  );
}

function objects(...parts: string[]): KubeObject[] {
  return parseAllDocuments(readFixture(...parts)).map((d) => d.toJS() as KubeObject);
}

/** A profile on Swift's account teama: a minio:// root with its own provider (the port is the test server's). */
function profile(ns: string, endpoint: string): KubeObject[] {
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'pipelines.kubeflow.org/enabled': 'true' } } },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'kfp-launcher', namespace: ns },
      data: {
        defaultPipelineRoot: `minio://kfp/v2/artifacts/${ns}`,
        providers: minioProviders(endpoint, 'store'),
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'store', namespace: ns },
      stringData: { accesskey: 'teama:alice', secretkey: SECRET },
    },
  ];
}

describe('doctor --installation --probe against Swift', () => {
  let swift: SwiftServer;
  let api: KubeApiServer;
  let env: Record<string, string>;
  let endpoint = '';
  const probe = async (...extra: string[]): Promise<{ code: number | null; findings: Finding[] }> => {
    const r = await kfstore(['doctor', '--installation', '--probe', '-o', 'json', ...extra], env);
    assertNoSecrets([SECRET, 'minio123'], r.stdout, r.stderr);
    return { code: r.code, findings: (JSON.parse(r.stdout) as { findings: Finding[] }).findings.filter((f) => f.id === 'KFS054') };
  };
  before(async () => {
    requireSwift();
    swift = await startSwift({ accounts: [{ account: 'teama', user: 'alice', secret: SECRET, admin: true }] });
    await seedBucket(adminClient(swift, 'teama', 'alice'), 'kfp', { 'v2/artifacts/team-a/run1/model.bin': 'weights of team a' });
    endpoint = swift.endpoint.replace('http://', '');
    ({ api, env } = await seededCluster(
      [
        KUBEFLOW,
        ...objects('installation', '2.17.0', 'stock.yaml'),
        ...objects('installation', 'live', 'ui-rbac-2.15.yaml'),
        ...profile('team-a', endpoint),
        ...profile('team-b', endpoint),
      ],
      'default',
    ));
    // The UI's own minio:// reader at the same store (MINIO_NAMESPACE empty: the host is used as is).
    const [host, port] = endpoint.split(':');
    const container = {
      name: 'ml-pipeline-ui',
      env: [
        { name: 'MINIO_HOST', value: host },
        { name: 'MINIO_NAMESPACE', value: '', valueFrom: null },
        { name: 'MINIO_PORT', value: port },
      ],
    };
    const set = await kubectl(
      [
        'patch',
        'deployment',
        'ml-pipeline-ui',
        '-n',
        'kubeflow',
        '-p',
        JSON.stringify({ spec: { template: { spec: { containers: [container] } } } }),
      ],
      env,
    );
    assert.equal(set.code, 0, set.stderr);
  });
  after(async () => {
    await api?.close();
    await swift?.stop();
  });

  it("2.17 without proxy reads with the UI's own Secret (KFP's default keys): KFS054 ERROR naming them and the fix", async () => {
    const { code, findings } = await probe();
    assert.equal(code, 1);
    const a = findings.find((f) => f.namespace === 'team-a');
    assert.equal(a?.level, 'error', JSON.stringify(findings));
    assert.match(a?.message ?? '', /as the UI reads them \(ml-pipeline-ui's own MINIO_\* settings/);
    assert.match(
      a?.message ?? '',
      /ListObjectsV2 s3:\/\/kfp at http:\/\/127\.0\.0\.1:\d+: .*(InvalidAccessKeyId|SignatureDoesNotMatch|AccessDenied)/,
    );
    assert.match(a?.fix ?? '', /ARTIFACTS_PROXY_ENABLED/);
  });

  it("as KFP 2.15: the UI reads with team-a's own Secret (providerInfo): OK; team-b has nothing to read yet (INFO)", async () => {
    // (kubeflow's own root, probed too for a standalone UI, is at seaweedfs.kubeflow: not resolvable here.)
    const { findings } = await probe('--kfp-version', '2.15');
    const a = findings.find((f) => f.namespace === 'team-a');
    assert.equal(a?.level, 'ok', JSON.stringify(findings));
    assert.match(
      a?.message ?? '',
      /team-a's store session \(Secret store\).*read the first bytes of v2\/artifacts\/team-a\/run1\/model\.bin/,
    );
    assert.equal(findings.find((f) => f.namespace === 'team-b')?.level, 'info');
  });

  it("2.17 once kubeflow's mlpipeline-minio-artifact holds keys of the store: OK", async () => {
    const patch = await kubectl(
      [
        'patch',
        'secret',
        'mlpipeline-minio-artifact',
        '-n',
        'kubeflow',
        '--type=merge',
        '-p',
        JSON.stringify({ stringData: { accesskey: 'teama:alice', secretkey: SECRET } }),
      ],
      env,
    );
    assert.equal(patch.code, 0, patch.stderr);
    const { findings } = await probe();
    assert.equal(findings.find((f) => f.namespace === 'team-a')?.level, 'ok', JSON.stringify(findings));
  });

  it("standalone (the stock UI is not multi-user): kubeflow's own root, read with its session and Secret: OK", async () => {
    const data = {
      defaultPipelineRoot: 'minio://kfp/v2/artifacts/team-a',
      providers: minioProviders(endpoint, 'mlpipeline-minio-artifact'),
    };
    const patch = await kubectl(
      ['patch', 'configmap', 'kfp-launcher', '-n', 'kubeflow', '--type=merge', '-p', JSON.stringify({ data })],
      env,
    );
    assert.equal(patch.code, 0, patch.stderr);
    const { findings } = await probe();
    const own = findings.find((f) => f.namespace === 'kubeflow');
    assert.equal(own?.level, 'ok', JSON.stringify(findings));
    assert.match(own?.message ?? '', /kubeflow's store session \(Secret mlpipeline-minio-artifact\)/);
  });
});
