// migrate under the rules the API server enforces (the test server keeps them: data-rules.ts,
// preconditions.ts): backups of objects near the 1 MiB limit stay under it (gzipped and split into
// parts) and roll back exactly; --rollback puts the saved content onto an object GitOps deleted and
// re-created (new uid); a write refused part-way undoes the namespace; an immutable kfp-launcher
// stops the plan before any write. Run through the real kubectl.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import type { KubeApiServer, KubeObject } from '../support/kube-apiserver/index.ts';
import { readFixture } from '../support/fixtures.ts';
import { kfstore, kubectl } from '../support/plugin.ts';
import { assertNoSecrets, seededCluster, writeRequests } from '../support/live-cluster.ts';

const CANARIES = ['CANARY-CLONE-ACCESS', 'CANARY-CLONE-SECRET', 'CANARY-MINIO-A', 'CANARY-MINIO-SECRET-A'];
const MIGRATE = [
  'migrate',
  '--to',
  's3',
  '--bucket',
  'kfp-art',
  '--region',
  'us-east-2',
  '-n',
  'team-a',
  '--skip-target-check',
  '--clone-secret-from',
  'kubeflow/s3-keys',
  '--yes',
];
const MiB = 1024 * 1024;

let server: KubeApiServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

/** The migrate-cli cluster, with `edit` applied to its objects first. */
async function cluster(edit: (objects: KubeObject[]) => void = () => {}): Promise<{ api: KubeApiServer; env: Record<string, string> }> {
  const objects = parseAllDocuments(readFixture('migrate-cli', 'cluster.yaml')).map((d) => d.toJS() as KubeObject);
  edit(objects);
  const c = await seededCluster(objects);
  server = c.api;
  return c;
}

function find(objects: KubeObject[], kind: string, name: string): KubeObject {
  const o = objects.find((x) => x.kind === kind && x.metadata.name === name && x.metadata.namespace === 'team-a');
  assert.ok(o, `${kind} ${name}`);
  return o;
}

/** Incompressible text of `n` bytes. */
const noise = (n: number): string => randomBytes(n).toString('base64').slice(0, n);
const content = (o: KubeObject | undefined): string =>
  JSON.stringify([o?.data ?? null, o?.metadata.labels ?? null, o?.metadata.annotations ?? null]);
const decodedSize = (o: KubeObject | undefined): number =>
  Object.values((o?.data ?? {}) as Record<string, string>).reduce((n, v) => n + Buffer.from(v, 'base64').length, 0);

describe('migrate within the API server rules', () => {
  it('objects near the 1 MiB limit: the backup is split under it, and --rollback restores them exactly', async () => {
    const { api, env } = await cluster((objects) => {
      const launcher = find(objects, 'ConfigMap', 'kfp-launcher');
      (launcher.data as Record<string, string>).extra = noise(1_040_000);
      launcher.metadata.annotations = { ...launcher.metadata.annotations, note: noise(200_000) };
      (find(objects, 'ConfigMap', 'artifact-repositories').data as Record<string, string>).notes = noise(1_000_000);
    });
    const before = {
      launcher: content(api.get('ConfigMap', 'team-a', 'kfp-launcher')),
      argo: content(api.get('ConfigMap', 'team-a', 'artifact-repositories')),
    };
    const r = await kfstore(MIGRATE, env);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assertNoSecrets(CANARIES, r.stdout, r.stderr);
    const backups = api.list('Secret', 'team-a').filter((s) => s.metadata.name?.startsWith('kfstore-migrate-backup'));
    // Even gzipped, the saved objects are more than one Secret may hold.
    assert.ok(backups.reduce((n, b) => n + decodedSize(b), 0) > MiB, 'the backup fits one Secret: the test does not reach the limit');
    assert.ok(backups.length >= 2, `expected the backup split over several Secrets: ${backups.map((b) => b.metadata.name).join(', ')}`);
    for (const b of backups) assert.ok(decodedSize(b) < MiB, `${b.metadata.name} holds ${decodedSize(b)} bytes`);
    assert.equal(
      (api.get('ConfigMap', 'team-a', 'kfp-launcher')?.data as Record<string, string> | undefined)?.defaultPipelineRoot,
      's3://kfp-art/v2/artifacts/team-a',
    );

    const back = await kfstore(['migrate', '--rollback', '-n', 'team-a', '--yes'], env);
    assert.equal(back.code, 0, back.stdout + back.stderr);
    assert.equal(content(api.get('ConfigMap', 'team-a', 'kfp-launcher')), before.launcher);
    assert.equal(content(api.get('ConfigMap', 'team-a', 'artifact-repositories')), before.argo);
    assert.deepEqual(
      api.list('Secret', 'team-a').filter((s) => s.metadata.name?.startsWith('kfstore-migrate-backup')),
      [],
      'backup Secrets left after the rollback',
    );
  });

  it('--rollback restores an object GitOps deleted and re-created since (a new uid)', async () => {
    const { api, env } = await cluster();
    const original = content(api.get('ConfigMap', 'team-a', 'kfp-launcher'));
    assert.equal((await kfstore(MIGRATE, env)).code, 0);
    const migrated = api.get('ConfigMap', 'team-a', 'kfp-launcher');
    // Argo CD prunes and re-creates it from git, which already holds the migrated content.
    const dir = mkdtempSync(join(tmpdir(), 'kfstore-gitops-'));
    writeFileSync(
      join(dir, 'launcher.json'),
      JSON.stringify({
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: {
          name: 'kfp-launcher',
          namespace: 'team-a',
          labels: migrated?.metadata.labels,
          annotations: migrated?.metadata.annotations,
        },
        data: migrated?.data,
      }),
    );
    assert.equal((await kubectl(['delete', 'configmap', 'kfp-launcher', '-n', 'team-a'], env)).code, 0);
    assert.equal((await kubectl(['create', '-f', join(dir, 'launcher.json')], env)).code, 0);
    const recreated = api.get('ConfigMap', 'team-a', 'kfp-launcher');
    assert.notEqual(recreated?.metadata.uid, migrated?.metadata.uid);

    const back = await kfstore(['migrate', '--rollback', '-n', 'team-a', '--yes'], env);
    assert.equal(back.code, 0, back.stdout + back.stderr);
    assert.match(back.stdout, /team-a: ConfigMap\/kfp-launcher restored/);
    const now = api.get('ConfigMap', 'team-a', 'kfp-launcher');
    assert.equal(content(now), original);
    assert.equal(now?.metadata.uid, recreated?.metadata.uid);
  });

  it('a write the API server refuses part-way (422) undoes the namespace and its backup', async () => {
    const { api, env } = await cluster();
    const before = api.list('Secret', 'team-a').length;
    const launcher = content(api.get('ConfigMap', 'team-a', 'kfp-launcher'));
    const argo = content(api.get('ConfigMap', 'team-a', 'artifact-repositories'));
    api.fail(
      { method: 'PUT', namespace: 'team-a', name: 'kfp-launcher' },
      { status: 422, times: 1, message: 'ConfigMap "kfp-launcher" is invalid: []: Too long: may not be more than 1048576 bytes' },
    );
    const r = await kfstore(MIGRATE, env);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(
      r.stderr,
      /the API server refused ConfigMap kfp-launcher in team-a: .*Too long: may not be more than 1048576 bytes.*; the writes made in team-a were undone/,
    );
    assert.equal(content(api.get('ConfigMap', 'team-a', 'kfp-launcher')), launcher);
    assert.equal(content(api.get('ConfigMap', 'team-a', 'artifact-repositories')), argo);
    assert.equal(api.list('Secret', 'team-a').length, before, 'the new Secret or the backup was left behind');
  });

  it('an immutable kfp-launcher stops the plan (KFS077) before any write', async () => {
    const { api, env } = await cluster((objects) => {
      find(objects, 'ConfigMap', 'kfp-launcher').immutable = true;
    });
    const r = await kfstore(MIGRATE, env);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /ERROR\s+KFS077\s+team-a\s+\S+\s+ConfigMap kfp-launcher in team-a is immutable \(immutable: true\)/);
    assert.deepEqual(writeRequests(api), []);
  });
});
