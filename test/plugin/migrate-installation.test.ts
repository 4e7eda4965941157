// kubectl kfstore migrate --to s3 --installation: real kubectl runs the plugin against the test API
// server seeded with a stock KFP install's objects (KFP's manifests, rendered) for two releases:
// plan and diff, the stored-URI report, backup and apply, a no-op re-run, staging, rollback that
// restores every object's content exactly, and the offline rewrite of the same manifests.
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import type { KubeApiServer, KubeObject } from '../support/kube-apiserver/index.ts';
import { fixturePath, readFixture } from '../support/fixtures.ts';
import { fakeKfpApi } from '../support/kfp-api-server.ts';
import type { FakeKfpData } from '../support/kfp-api-server.ts';
import { assertNoSecrets, seededCluster, writeRequests } from '../support/live-cluster.ts';
import { killOnWrite } from '../support/kill-on-write.ts';
import { kfstore, startKubectl } from '../support/plugin.ts';
import type { RunningPlugin } from '../support/plugin.ts';

const KUBEFLOW = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kubeflow' } } as KubeObject;
/** The stock MinIO keys and the target keys: never printed. */
const SECRETS = ['minio123', 'CANARY-INSTALL-ACCESS', 'CANARY-INSTALL-SECRET'];
// The target (AWS, fake credentials) is not reachable from the tests.
const S3 = ['migrate', '--to', 's3', '--installation', '--bucket', 'kfp-art', '--region', 'us-east-2', '--skip-target-check'];
const CLONE = ['--clone-secret-from', 'kubeflow/s3-keys'];
const OBJECTS = [
  ['Deployment', 'ml-pipeline'],
  ['Deployment', 'ml-pipeline-ui'],
  ['ConfigMap', 'workflow-controller-configmap'],
  ['ConfigMap', 'pipeline-install-config'],
  ['Secret', 'kfstore-object-store--kubeflow'],
  ['Secret', 'kfstore-migrate-backup'],
] as const;

const ML_PIPELINE = {
  apiVersion: 'v1',
  kind: 'Service',
  metadata: { name: 'ml-pipeline', namespace: 'kubeflow' },
  spec: { ports: [{ name: 'http', port: 8888 }] },
} as KubeObject;
const KFP_DATA = JSON.parse(readFixture('migrate-installation', 'kfp-api-runs.json')) as FakeKfpData;

let server: KubeApiServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

function objects(...parts: string[]): KubeObject[] {
  return parseAllDocuments(readFixture(...parts)).map((d) => d.toJS() as KubeObject);
}

async function cluster(version: string, multiUser = false): Promise<{ api: KubeApiServer; env: Record<string, string> }> {
  const c = await seededCluster(
    [
      KUBEFLOW,
      ...objects('installation', version, 'stock.yaml'),
      ...objects('migrate-installation', 'target-keys.yaml'),
      ...objects('migrate-installation', 'held-runs.yaml'),
      ML_PIPELINE,
    ],
    'default',
  );
  // KFP's API server behind the Service, with a page cap of 2 so that the plugin must page.
  c.api.serveServiceProxy('kubeflow', 'ml-pipeline', 8888, fakeKfpApi(KFP_DATA, { maxPageSize: 2, multiUser }));
  server = c.api;
  return c;
}

/** What a migration changes and a rollback must bring back: content, not versions. */
function content(o: KubeObject | undefined): string {
  if (o === undefined) return 'absent';
  const { spec, data, type } = o as KubeObject & { spec?: unknown; type?: unknown };
  return JSON.stringify([spec ?? null, data ?? null, type ?? null, o.metadata.labels ?? null, o.metadata.annotations ?? null]);
}

function state(api: KubeApiServer): Record<string, string> {
  return Object.fromEntries(OBJECTS.map(([kind, name]) => [`${kind}/${name}`, content(api.get(kind, 'kubeflow', name))]));
}

type Env = { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } };

function env(api: KubeApiServer, deployment: string): Map<string, Env> {
  const d = api.get('Deployment', 'kubeflow', deployment) as KubeObject & {
    spec: { template: { spec: { containers: { env: Env[] }[] } } };
  };
  return new Map((d.spec.template.spec.containers[0]?.env ?? []).map((e) => [e.name, e]));
}

for (const version of ['2.5.0', '2.17.0']) {
  describe(`migrate --installation on a live stock KFP ${version}`, () => {
    it('--dry-run prints the plan, its diff and the stored URIs that still name the old store, and writes nothing', async () => {
      const { api, env: kube } = await cluster(version);
      const r = await kfstore([...S3, ...CLONE, '--dry-run'], kube);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, new RegExp(`installation in kubeflow \\(KFP ${version.replaceAll('.', '\\.')}\\)`));
      assert.match(r.stdout, /create\s+Secret\s+kfstore-object-store--kubeflow\s+values from kubeflow\/s3-keys/);
      assert.match(r.stdout, /update\s+Deployment\s+ml-pipeline\s+OBJECTSTORECONFIG_HOST/);
      assert.match(r.stdout, /\+ env OBJECTSTORECONFIG_HOST: s3\.us-east-2\.amazonaws\.com/);
      assert.match(r.stdout, /- env OBJECTSTORECONFIG_SECRETACCESSKEY: \(Secret mlpipeline-minio-artifact key secretkey\)/);
      assert.match(r.stdout, /\+ env AWS_S3_ENDPOINT: s3\.us-east-2\.amazonaws\.com/);
      assert.match(r.stdout, /\+ data\.bucketName: kfp-art/);
      assert.match(r.stdout, /\+\s+bucket: "kfp-art"/);
      // 2.5 has no OBJECTSTORECONFIG_HOST: the API server used minio-service's Service links.
      if (version === '2.5.0') assert.match(r.stdout, /- env OBJECTSTORECONFIG_HOST: \(unset: KFP 2\.5\.0 uses MINIO_SERVICE_SERVICE_HOST/);
      else assert.match(r.stdout, /- env OBJECTSTORECONFIG_HOST: seaweedfs\.kubeflow/);
      // The runs the cluster holds: the old logs and the pinned root, not the run already at the target.
      assert.match(
        r.stdout,
        /team-a\s+Workflow\s+train-x7k2p\s+output main-logs of system-container-impl\s+s3:\/\/mlpipeline\/private-artifacts\/team-a\//,
      );
      assert.match(
        r.stdout,
        /team-a\s+ScheduledWorkflow\s+nightly-train\s+pipeline root \(runtimeConfig\)\s+minio:\/\/mlpipeline\/v2\/artifacts\/team-a/,
      );
      assert.doesNotMatch(r.stdout, /train-after/);
      // KFP's database, through the service proxy: pinned roots not at the target, every page read.
      assert.match(
        r.stdout,
        /Run\s+train with pinned root\s+runtime_config\.pipeline_root \(KFP API\)\s+minio:\/\/mlpipeline\/v2\/artifacts\/team-a/,
      );
      assert.match(r.stdout, /Run\s+archived evaluation\s+.*s3:\/\/old-artifacts\/v2\/artifacts\/team-b/);
      assert.match(r.stdout, /team-b\s+RecurringRun\s+nightly retrain\s+.*minio:\/\/mlpipeline\/v2\/artifacts\/team-b/);
      assert.doesNotMatch(r.stdout, /train after the move|train on the default root/);
      const pages = api.requests.filter((q) => q.path.endsWith('/proxy/apis/v2beta1/runs'));
      assert.equal(pages.length, 2);
      assert.equal(pages[1]?.query.page_token !== undefined, true);
      assert.match(r.stdout, /dry run: 5 changes in the installation \(kubeflow, switched\) planned, nothing changed/);
      assert.deepEqual(writeRequests(api), []);
      const json = await kfstore([...S3, ...CLONE, '--dry-run', '-o', 'json'], kube);
      assert.equal(json.code, 0, json.stderr);
      const doc = JSON.parse(json.stdout) as { kind: string; installation: { kfpVersion: string }; storedUris: { name: string }[] };
      assert.equal(doc.kind, 'InstallationMigrationPlan');
      assert.equal(doc.installation.kfpVersion, version);
      assert.deepEqual(doc.storedUris.map((u) => u.name).sort(), [
        'archived evaluation',
        'nightly retrain',
        'nightly-train',
        'train with pinned root',
        'train-x7k2p',
      ]);
      assertNoSecrets(SECRETS, r.stdout, r.stderr, json.stdout, json.stderr);
    });

    it('--yes backs up and applies, a re-run writes nothing, --rollback --installation restores every object exactly', async () => {
      const { api, env: kube } = await cluster(version);
      const before = state(api);
      const r = await kfstore([...S3, ...CLONE, '--yes'], kube);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /kubeflow: applied 5 changes to the installation/);
      const apiEnv = env(api, 'ml-pipeline');
      assert.equal(apiEnv.get('OBJECTSTORECONFIG_HOST')?.value, 's3.us-east-2.amazonaws.com');
      assert.equal(apiEnv.get('OBJECTSTORECONFIG_PORT')?.value, '443');
      assert.equal(apiEnv.get('OBJECTSTORECONFIG_SECURE')?.value, 'true');
      assert.deepEqual(apiEnv.get('OBJECTSTORECONFIG_ACCESSKEY')?.valueFrom, {
        secretKeyRef: { name: 'kfstore-object-store--kubeflow', key: 'AWS_ACCESS_KEY_ID' },
      });
      // Entries the plan does not set stay where they were.
      assert.equal(apiEnv.get('PUBLISH_LOGS')?.value, 'true');
      assert.equal(env(api, 'ml-pipeline-ui').get('AWS_REGION')?.value, 'us-east-2');
      assert.equal(env(api, 'ml-pipeline-ui').get('MINIO_ACCESS_KEY')?.valueFrom?.secretKeyRef?.name, 'mlpipeline-minio-artifact');
      const wc = api.get('ConfigMap', 'kubeflow', 'workflow-controller-configmap')?.data as Record<string, string> | undefined;
      const argo = wc?.artifactRepository ?? '';
      assert.match(argo, /bucket: "kfp-art"/);
      assert.match(argo, /# keyFormat is a format pattern/);
      const secret = api.get('Secret', 'kubeflow', 'kfstore-object-store--kubeflow')?.data as Record<string, string>;
      assert.equal(Buffer.from(secret.AWS_SECRET_ACCESS_KEY ?? '', 'base64').toString(), 'CANARY-INSTALL-SECRET');
      assert.ok(api.get('Secret', 'kubeflow', 'kfstore-migrate-backup') !== undefined);
      assertNoSecrets(SECRETS, r.stdout, r.stderr);

      api.resetRequests();
      const again = await kfstore([...S3, ...CLONE, '--yes'], kube);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /nothing to do: the installation is already migrated/);
      assert.deepEqual(writeRequests(api), []);

      const back = await kfstore(['migrate', '--rollback', '--installation', '--yes'], kube);
      assert.equal(back.code, 0, back.stderr);
      assert.match(back.stdout, /kubeflow: Deployment\/ml-pipeline restored/);
      assert.deepEqual(state(api), before);
      api.resetRequests();
      const twice = await kfstore(['migrate', '--rollback', '--installation', '--yes'], kube);
      assert.equal(twice.code, 0, twice.stderr);
      assert.deepEqual(writeRequests(api), []);
    });

    it('a write the API server refuses (the API server Deployment, last) undoes the earlier writes and the backup: exit 1', async () => {
      const { api, env: kube } = await cluster(version);
      const before = state(api);
      api.fail({ method: 'PUT', resource: 'deployments', name: 'ml-pipeline' }, { status: 422, times: 1 });
      const r = await kfstore([...S3, ...CLONE, '--yes'], kube);
      assert.equal(r.code, 1, r.stdout);
      assert.match(
        r.stderr,
        /error: the API server refused Deployment ml-pipeline in kubeflow: .*; the writes made in kubeflow were undone/,
      );
      assert.deepEqual(state(api), before);
      // The next run starts from the original state and applies.
      const again = await kfstore([...S3, ...CLONE, '--yes'], kube);
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /applied 5 changes/);
    });

    it('KFP in multi-user mode refuses the proxied request: a note, the rest of the report and the plan stand', async () => {
      const { env: kube } = await cluster(version, true);
      const r = await kfstore([...S3, ...CLONE, '--dry-run'], kube);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /note: KFP's runs not read: unauthenticated \(401\): KFP's multi-user mode wants a user identity header/);
      assert.match(r.stdout, /ScheduledWorkflow\s+nightly-train/);
      assert.match(r.stdout, /dry run: 5 changes/);
    });

    it('without known target credentials it stages: only the Secret template is written; --switch exits 1', async () => {
      const { api, env: kube } = await cluster(version);
      const before = state(api);
      const r = await kfstore([...S3, '--yes'], kube);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /stage only: the installation's target credentials are not known yet/);
      assert.match(r.stdout, /kubeflow: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in Secret kfstore-object-store--kubeflow/);
      assert.match(r.stdout, /deferred\s+Deployment\s+ml-pipeline/);
      const after = state(api);
      for (const [kind, name] of OBJECTS.slice(0, 4)) assert.equal(after[`${kind}/${name}`], before[`${kind}/${name}`], `${kind}/${name}`);
      const template = api.get('Secret', 'kubeflow', 'kfstore-object-store--kubeflow')?.data as Record<string, string>;
      assert.deepEqual(template, { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' });
      const sw = await kfstore([...S3, '--switch', '--yes'], kube);
      assert.equal(sw.code, 1, sw.stderr);
      assert.match(sw.stdout, /not switched \(--switch\)/);
    });
  });
}

describe('migrate --installation killed (SIGKILL) at each of its writes', () => {
  it('no component names a missing or empty Secret; a re-run finishes as an uninterrupted run; --rollback restores', async () => {
    const { api, env: kube } = await cluster('2.17.0');
    const original = state(api);
    const whole = await kfstore([...S3, ...CLONE, '--yes'], kube);
    assert.equal(whole.code, 0, whole.stderr);
    // The backup's timestamp differs per run: compare the migrated objects, not it.
    const migrated = (): Record<string, string> => {
      const { 'Secret/kfstore-migrate-backup': _b, ...rest } = state(api);
      return rest;
    };
    const reference = migrated();
    assert.equal((await kfstore(['migrate', '--rollback', '--installation', '--yes'], kube)).code, 0);
    assert.deepEqual(state(api), original);
    // Backup, Secret, two ConfigMaps, the UI, the API server: six writes.
    let kills = 0;
    for (let k = 1; k <= 6; k++) {
      for (const afterCommit of [false, true]) {
        let running: RunningPlugin | undefined;
        const hook = killOnWrite(api, k, afterCommit, () => running);
        running = startKubectl(['kfstore', ...S3, ...CLONE, '--yes'], kube);
        const r = await running.done;
        hook.cancel();
        if (r.signal === 'SIGKILL') kills++;
        const now = state(api);
        const touched = OBJECTS.slice(0, 5).some(([kind, name]) => now[`${kind}/${name}`] !== original[`${kind}/${name}`]);
        if (touched) assert.notEqual(now['Secret/kfstore-migrate-backup'], 'absent', `k=${k}: changed without a backup`);
        for (const d of ['ml-pipeline', 'ml-pipeline-ui']) {
          const refs = [...env(api, d).values()].flatMap((e) =>
            e.valueFrom?.secretKeyRef?.name === 'kfstore-object-store--kubeflow' ? [e.valueFrom.secretKeyRef] : [],
          );
          for (const ref of refs) {
            const data = api.get('Secret', 'kubeflow', ref.name)?.data as Record<string, string> | undefined;
            assert.ok(
              (data?.[ref.key] ?? '') !== '',
              `k=${k} ${afterCommit ? 'after' : 'before'} commit: ${d} names ${ref.name}/${ref.key}, missing`,
            );
          }
        }
        const again = await kfstore([...S3, ...CLONE, '--yes'], kube);
        assert.equal(again.code, 0, again.stderr);
        assert.deepEqual(migrated(), reference, `k=${k}`);
        const back = await kfstore(['migrate', '--rollback', '--installation', '--yes'], kube);
        assert.equal(back.code, 0, back.stderr);
        assert.deepEqual(state(api), original, `k=${k}: rollback`);
      }
    }
    assert.ok(kills >= 10, `only ${kills} of 12 runs were killed`);
  });
});

describe('migrate --installation offline (-f)', () => {
  it('rewrites a copy of the stock manifests: env, bucket key and Argo repository edited, comments kept, Secret a template', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kfstore-install-migrate-'));
    cpSync(fixturePath('installation', '2.15.0'), join(dir, 'in'), { recursive: true });
    const out = join(dir, 'out');
    const r = await kfstore([...S3, '-f', join(dir, 'in'), '--out-dir', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(readdirSync(out).sort(), ['kfstore-migrate-kubeflow.yaml', 'stock.yaml']);
    const text = readFileSync(join(out, 'stock.yaml'), 'utf8');
    assert.match(text, /# KFP 2\.15\.0: the storage-relevant objects/);
    assert.match(text, /# keyFormat is a format pattern/);
    const docs = parseAllDocuments(text).map((d) => d.toJS() as KubeObject & { spec?: unknown; data?: Record<string, string> });
    const api = docs.find((d) => d.kind === 'Deployment' && d.metadata.name === 'ml-pipeline') as unknown as {
      spec: { template: { spec: { containers: { env: Env[] }[] } } };
    };
    const apiEnv = new Map(api.spec.template.spec.containers[0]?.env.map((e) => [e.name, e]));
    assert.equal(apiEnv.get('OBJECTSTORECONFIG_HOST')?.value, 's3.us-east-2.amazonaws.com');
    assert.equal(docs.find((d) => d.metadata.name === 'pipeline-install-config')?.data?.bucketName, 'kfp-art');
    const secret = readFileSync(join(out, 'kfstore-migrate-kubeflow.yaml'), 'utf8');
    assert.match(secret, /name: kfstore-object-store--kubeflow/);
    assert.match(secret, /AWS_SECRET_ACCESS_KEY: ""/);
    // The source tree is untouched, and the copy plans to nothing more.
    assert.equal(readFileSync(join(dir, 'in', 'stock.yaml'), 'utf8'), readFixture('installation', '2.15.0', 'stock.yaml'));
    const again = await kfstore([...S3, '-f', out, '--dry-run']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /nothing to do: the installation is already migrated/);
    assertNoSecrets(SECRETS, r.stdout, r.stderr);
  });
});
