// Reliability: `kubectl kfstore migrate --copy-artifacts` is killed with SIGKILL at random points,
// at least 20 times, during the artifact copy (once the target holds a random number of further
// objects) and during apply (on the k-th write the API server receives: before it commits, when the
// server drops that write, or just after). After every kill the state KFP can see must be safe: a
// namespace whose kfp-launcher already points at the target has every object there, and its Secret
// and Argo repository are in place; and every multipart upload left open in the target is one the
// copy recorded (so the next run aborts it). Then an uninterrupted re-run finishes: every namespace
// is fully new, no upload or record is left, every object is verified by `rclone check --download`
// (an independent client), the source is untouched, and --rollback restores the original objects.
// Ctrl-C during a multipart upload aborts it, exits 130 and switches nothing.
// The seed is printed; KFSTORE_KILL_SEED=<n> replays a run.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { after, before, describe, it } from 'node:test';
import type { TestContext } from 'node:test';
import { GetObjectCommand, ListMultipartUploadsCommand, ListPartsCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import type { KubeApiServer, KubeObject } from '../support/kube-apiserver/index.ts';
import { assertNoSecrets, seededCluster } from '../support/live-cluster.ts';
import { killOnWrite } from '../support/kill-on-write.ts';
import { startKubectl } from '../support/plugin.ts';
import type { RunningPlugin } from '../support/plugin.ts';
import { Random } from '../support/random.ts';
import { rcloneEnv } from '../support/rclone.ts';
import { deleteKeys, listKeys, seedBucket } from '../support/swift/seed.ts';
import { sizes, sourceProviders, startMigrationStores } from '../support/migration-stores.ts';
import type { MigrationStores } from '../support/migration-stores.ts';
import type { SwiftServer } from '../support/swift/server.ts';

const NAMESPACES = ['team-a', 'team-b', 'team-c'];
const KILLS = 24;
const SRC_SECRET = 'CANARYkillSrc1';
const DST_SECRET = 'CANARYkillDst2';
const MiB = 1024 * 1024;
const execFileP = promisify(execFile);
const SEED = Number(process.env.KFSTORE_KILL_SEED ?? Date.now() % 1_000_000);

let stores: MigrationStores | undefined;
let source: Map<string, Map<string, number>>;
let swift: SwiftServer;
let src: S3Client;
let dst: S3Client;

const prefixOf = (ns: string): string => `v2/artifacts/${ns}/`;

function objects(): KubeObject[] {
  const list: unknown[] = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kubeflow' } }];
  for (const ns of NAMESPACES) {
    list.push(
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'pipelines.kubeflow.org/enabled': 'true' } } },
      {
        apiVersion: 'v1',
        kind: 'ConfigMap',
        metadata: { name: 'kfp-launcher', namespace: ns, labels: { team: ns } },
        data: { defaultPipelineRoot: `s3://src-bucket/v2/artifacts/${ns}`, providers: sourceProviders(swift) },
      },
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'src-keys', namespace: ns },
        stringData: { AWS_ACCESS_KEY_ID: 'src:u', AWS_SECRET_ACCESS_KEY: SRC_SECRET },
      },
    );
  }
  // One namespace already has an Argo repository (updated in place); the others get one created.
  list.push({
    apiVersion: 'v1',
    kind: 'ConfigMap',
    metadata: {
      name: 'artifact-repositories',
      namespace: 'team-b',
      annotations: { 'workflows.argoproj.io/default-artifact-repository': 'default-v1' },
    },
    data: {
      'default-v1':
        'archiveLogs: true\ns3:\n  bucket: src-bucket\n  endpoint: old:9000\n  insecure: true\n  accessKeySecret: {name: src-keys, key: AWS_ACCESS_KEY_ID}\n  secretKeySecret: {name: src-keys, key: AWS_SECRET_ACCESS_KEY}\n  keyFormat: artifacts/{{workflow.name}}\n',
    },
  });
  list.push({
    apiVersion: 'v1',
    kind: 'Secret',
    metadata: { name: 'dst-keys', namespace: 'kubeflow' },
    stringData: { AWS_ACCESS_KEY_ID: 'dst:u', AWS_SECRET_ACCESS_KEY: DST_SECRET },
  });
  return list as KubeObject[];
}

function args(bucket = 'dst-bucket'): string[] {
  return [
    'kfstore',
    'migrate',
    '--to',
    's3',
    '--bucket',
    bucket,
    '--endpoint',
    swift.endpoint,
    '--region',
    'us-east-1',
    '--path-style',
    'true',
    '-A',
    '--clone-secret-from',
    'kubeflow/dst-keys',
    '--copy-artifacts',
    '--yes',
  ];
}

/** What rollback must bring back: content, not versions. */
function content(o: KubeObject | undefined): string {
  if (o === undefined) return 'absent';
  const d = o as KubeObject & { data?: unknown; type?: unknown };
  return JSON.stringify([d.data ?? null, o.metadata.labels ?? null, o.metadata.annotations ?? null, d.type ?? null]);
}

const launcherRoot = (api: KubeApiServer, ns: string): string | undefined =>
  (api.get('ConfigMap', ns, 'kfp-launcher') as { data?: Record<string, string> } | undefined)?.data?.defaultPipelineRoot;
const isNew = (api: KubeApiServer, ns: string): boolean => launcherRoot(api, ns) === `s3://dst-bucket/v2/artifacts/${ns}`;

/** The copy's own objects under a prefix (multipart upload records, identity markers). */
const INTERNAL = '.kfstore/';
const artifactsOnly = (m: Map<string, number>, ns: string): Map<string, number> =>
  new Map([...m].filter(([k]) => !k.startsWith(`${prefixOf(ns)}${INTERNAL}`)));

/**
 * Every open multipart upload under the namespaces' prefixes, and whether the copy recorded it
 * (by its UploadId, or by its key when the kill came before the id was known).
 */
async function openUploads(bucket: string): Promise<{ key: string; id: string; recorded: boolean }[]> {
  const out: { key: string; id: string; recorded: boolean }[] = [];
  for (const ns of NAMESPACES) {
    const records: { key?: string; uploadId?: string }[] = [];
    for (const k of await listKeys(dst, bucket, `${prefixOf(ns)}${INTERNAL}uploads/`)) {
      const got = await dst.send(new GetObjectCommand({ Bucket: bucket, Key: k }));
      records.push(JSON.parse((await got.Body?.transformToString()) ?? '{}') as { key?: string; uploadId?: string });
    }
    const uploads = (await dst.send(new ListMultipartUploadsCommand({ Bucket: bucket, Prefix: prefixOf(ns) }))).Uploads ?? [];
    for (const u of uploads)
      out.push({
        key: u.Key ?? '',
        id: u.UploadId ?? '',
        recorded: records.some((r) => r.uploadId === u.UploadId || (r.uploadId === undefined && r.key === u.Key)),
      });
  }
  return out;
}

/** The state KFP sees must be safe whenever the process dies; returns what the kill interrupted. */
async function checkSafe(
  api: KubeApiServer,
  source: Map<string, Map<string, number>>,
): Promise<{ partialCopy: boolean; partialApply: boolean; uploads: { key: string; id: string }[] }> {
  let partialCopy = false;
  let partialApply = false;
  const uploads = await openUploads('dst-bucket');
  for (const u of uploads) assert.ok(u.recorded, `multipart upload of ${u.key} left open without a record: no re-run would abort it`);
  for (const ns of NAMESPACES) {
    const root = launcherRoot(api, ns);
    const all = await sizes(dst, 'dst-bucket', prefixOf(ns));
    const copied = artifactsOnly(all, ns);
    const expected = source.get(ns) ?? new Map();
    if (isNew(api, ns)) {
      // KFP already uses the target here: everything it needs must be there, and nothing of the copy's own.
      assert.deepEqual([...all].sort(), [...expected].sort(), `${ns} switched to the target before every object was copied`);
      const secret = api.get('Secret', ns, `kfstore-object-store--${ns}`) as { data?: Record<string, string> } | undefined;
      assert.deepEqual(
        Object.keys(secret?.data ?? {}).sort(),
        ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'],
        `${ns} switched before its Secret was complete`,
      );
      const argo = api.get('ConfigMap', ns, 'artifact-repositories') as { data?: Record<string, string> } | undefined;
      assert.match(Object.values(argo?.data ?? {}).join('\n'), /bucket: dst-bucket/, `${ns} switched before its Argo repository`);
      assert.ok(api.get('Secret', ns, 'kfstore-migrate-backup') !== undefined, `${ns} switched without a backup`);
    } else {
      assert.equal(root, `s3://src-bucket/v2/artifacts/${ns}`, `${ns}: kfp-launcher is neither the original nor the migrated one`);
      if (copied.size > 0 && copied.size < expected.size) partialCopy = true;
      if (api.get('Secret', ns, 'kfstore-migrate-backup') !== undefined) partialApply = true;
    }
  }
  return { partialCopy, partialApply, uploads };
}

describe('migrate --copy-artifacts killed or interrupted', () => {
  before(async () => {
    stores = await startMigrationStores({ src: SRC_SECRET, dst: DST_SECRET });
    ({ swift, src, dst } = stores);
    const rand = new Random(SEED);
    // Many small objects and one multipart object per namespace, so kills land mid-object too.
    for (const ns of NAMESPACES) {
      const puts: Promise<unknown>[] = [];
      for (let i = 0; i < 30; i++)
        puts.push(
          src.send(
            new PutObjectCommand({
              Bucket: 'src-bucket',
              Key: `${prefixOf(ns)}run-${i % 7}/out-${i}.bin`,
              Body: randomBytes(1 + rand.int(48 * 1024)),
            }),
          ),
        );
      await Promise.all(puts);
      await src.send(
        new PutObjectCommand({
          Bucket: 'src-bucket',
          Key: `${prefixOf(ns)}run-big/model.bin`,
          Body: randomBytes(17 * MiB + rand.int(MiB)),
        }),
      );
    }
    source = new Map(await Promise.all(NAMESPACES.map(async (ns) => [ns, await sizes(src, 'src-bucket', prefixOf(ns))] as const)));
  });

  after(async () => {
    await stores?.stop();
  });

  it(`${KILLS} kills during copy and apply, a re-run, then rollback`, async (t: TestContext) => {
    t.diagnostic(`seed ${SEED} (KFSTORE_KILL_SEED=${SEED} replays it)`);
    const rand = new Random(SEED + 1);
    const { api, env } = await seededCluster(objects());
    try {
      const original = new Map<string, string>(
        NAMESPACES.flatMap((ns) =>
          ['kfp-launcher', 'artifact-repositories'].map((n) => [`${ns}/ConfigMap/${n}`, content(api.get('ConfigMap', ns, n))] as const),
        ),
      );
      for (const ns of NAMESPACES) original.set(`${ns}/Secret/kfstore-object-store--${ns}`, content(undefined));

      let kills = 0;
      let duringCopy = 0;
      let duringApply = 0;
      let completed = 0;
      let attempts = 0;
      let dropped = 0;
      let killsWithUploads = 0;
      let maxUploads = 0;
      // Upload ids seen open after a kill (an upload-mode kill waits for a new one).
      const earlier = new Set<string>();
      const total = [...source.values()].reduce((n, m) => n + m.size, 0);
      while (kills < KILLS) {
        assert.ok(++attempts < KILLS * 4, `only ${kills} of ${KILLS} runs could be killed in ${attempts} attempts`);
        let running: RunningPlugin | undefined;
        // During the copy: once the target holds a random number more objects than now, or once a
        // multipart upload is open there (both polled with an independent client; the first two
        // runs always die mid-upload, so the second must abort what the first left). During
        // apply: on the k-th write (each namespace's apply is 4 writes: backup, Secret, Argo
        // repository, kfp-launcher).
        const present = (await listKeys(dst, 'dst-bucket', 'v2/artifacts/')).filter((k) => !k.includes(`/${INTERNAL}`));
        const copied = present.length;
        const bigLeft = present.filter((k) => k.endsWith('run-big/model.bin')).length < NAMESPACES.length;
        const mode =
          attempts <= 2 ? 'upload' : copied >= total || rand.next() < 0.5 ? 'write' : bigLeft && rand.next() < 0.3 ? 'upload' : 'count';
        const afterCommit = rand.next() < 0.5;
        const hook = mode === 'write' ? killOnWrite(api, 1 + rand.int(6), afterCommit, () => running) : undefined;
        const killAt = copied + 1 + rand.int(Math.max(1, total - copied));
        running = startKubectl(args(), env);
        const done = running.done;
        let finished = false;
        void done.then(() => (finished = true));
        const uploadOpen = async (): Promise<boolean> =>
          ((await dst.send(new ListMultipartUploadsCommand({ Bucket: 'dst-bucket', Prefix: 'v2/artifacts/' }))).Uploads ?? []).some(
            (u) => !earlier.has(u.UploadId ?? ''),
          );
        if (mode === 'count') {
          while (
            !finished &&
            (await listKeys(dst, 'dst-bucket', 'v2/artifacts/')).filter((k) => !k.includes(`/${INTERNAL}`)).length < killAt
          )
            await new Promise((r) => setTimeout(r, 50));
          running.kill('SIGKILL');
        }
        if (mode === 'upload') {
          while (!finished && !(await uploadOpen())) await new Promise((r) => setTimeout(r, 20));
          running.kill('SIGKILL');
        }
        const r = await done;
        hook?.cancel();
        assertNoSecrets([SRC_SECRET, DST_SECRET], r.stdout, r.stderr);
        const before = hook?.storedAt();
        // A write killed before its commit left nothing: the server's version did not move.
        if (hook !== undefined && !afterCommit && before !== undefined && r.signal === 'SIGKILL') {
          assert.equal(api.resourceVersion, before, 'the server stored a write whose client was killed before the commit');
          dropped++;
        }
        const seen = await checkSafe(api, source);
        if (r.signal === 'SIGKILL') {
          kills++;
          if (seen.partialCopy) duringCopy++;
          if (seen.partialApply) duringApply++;
          if (seen.uploads.length > 0) killsWithUploads++;
          maxUploads = Math.max(maxUploads, seen.uploads.length);
          // The second run passed team-a's copy: it aborted what the first run left there.
          if (kills === 2)
            for (const id of earlier)
              assert.ok(!seen.uploads.some((u) => u.id === id), `upload ${id} left by the first kill is still open after the second run`);
          for (const u of seen.uploads) earlier.add(u.id);
          continue;
        }
        // It finished before the kill: start over from the original state so later kills have work.
        assert.equal(r.code, 0, r.stdout + r.stderr);
        completed++;
        for (const ns of NAMESPACES) assert.ok(isNew(api, ns), `${ns} is not migrated after a successful run:\n${r.stdout}${r.stderr}`);
        const back = await startKubectl(['kfstore', 'migrate', '--rollback', '-A', '--yes'], env).done;
        assert.equal(back.code, 0, back.stderr);
        for (const ns of NAMESPACES) await deleteKeys(dst, 'dst-bucket', await listKeys(dst, 'dst-bucket', prefixOf(ns)));
      }
      t.diagnostic(
        `${kills} kills: ${duringCopy} left a partial copy, ${duringApply} a partial apply, ${dropped} dropped the write the server had received; ${killsWithUploads} left open multipart uploads (${earlier.size} in all, at most ${maxUploads} at once), every one recorded; ${completed} runs finished before their kill`,
      );
      assert.ok(duringCopy >= 3, `only ${duringCopy} kills interrupted a copy`);
      assert.ok(killsWithUploads >= 2, `only ${killsWithUploads} kills left a multipart upload open`);
      assert.ok(duringApply >= 3, `only ${duringApply} kills interrupted an apply`);

      // The re-run finishes the job, and aborts every upload the kills left.
      const final = await startKubectl(args(), env).done;
      assert.equal(final.code, 0, final.stdout + final.stderr);
      assertNoSecrets([SRC_SECRET, DST_SECRET], final.stdout, final.stderr);
      await checkSafe(api, source);
      assert.deepEqual(await openUploads('dst-bucket'), [], 'multipart uploads left open after the re-run');
      assert.deepEqual(
        (await listKeys(dst, 'dst-bucket')).filter((k) => k.includes(`/${INTERNAL}`)),
        [],
        'upload records left after the re-run',
      );
      const objects = [...source.values()].reduce((n, m) => n + m.size, 0);
      t.diagnostic(`after the re-run: ${objects} objects in ${NAMESPACES.length} namespaces verified, 0 open uploads, 0 records`);
      for (const ns of NAMESPACES) {
        assert.ok(isNew(api, ns), `${ns} not migrated by the re-run`);
        const check = await execFileP(
          'rclone',
          ['check', `src:src-bucket/${prefixOf(ns)}`, `dst:dst-bucket/${prefixOf(ns)}`, '--download', '--config', '/dev/null'],
          { env: rcloneEnv(swift, { src: ['src', 'u'], dst: ['dst', 'u'] }) },
        );
        assert.match(check.stderr, /0 differences found/, `${ns}: ${check.stderr}`);
        assert.match(check.stderr, new RegExp(`${source.get(ns)?.size} matching files`), `${ns}: ${check.stderr}`);
      }
      // The source was only read.
      for (const ns of NAMESPACES) assert.deepEqual(await sizes(src, 'src-bucket', prefixOf(ns)), source.get(ns));
      // A second re-run has nothing to do.
      const again = await startKubectl(args(), env).done;
      assert.equal(again.code, 0, again.stderr);
      assert.match(again.stdout, /nothing to do/);

      const back = await startKubectl(['kfstore', 'migrate', '--rollback', '-A', '--yes'], env).done;
      assert.equal(back.code, 0, back.stderr);
      for (const [id, before] of original) {
        const [ns = '', kind = '', name = ''] = id.split('/');
        assert.equal(content(api.get(kind, ns, name)), before, `${id} differs from the original after --rollback`);
      }
      for (const ns of NAMESPACES) assert.equal(api.get('Secret', ns, 'kfstore-migrate-backup'), undefined);
    } finally {
      await api.close();
    }
  });

  it('Ctrl-C during a multipart copy: the upload is aborted, exit 130, nothing switched; a re-run finishes', async () => {
    await seedBucket(dst, 'dst-int');
    const { api, env } = await seededCluster(objects());
    try {
      const run = startKubectl(args('dst-int'), env);
      let exited = false;
      void run.done.then(() => (exited = true));
      // Interrupt once a multipart upload is open on the target; remember which one.
      let open: { Key?: string | undefined; UploadId?: string | undefined } | undefined;
      while (!exited && open === undefined) {
        open = (await dst.send(new ListMultipartUploadsCommand({ Bucket: 'dst-int' }))).Uploads?.[0];
        if (open === undefined) await new Promise((r) => setTimeout(r, 20));
      }
      assert.ok(open?.UploadId !== undefined && open.Key !== undefined, 'the migration finished before a multipart upload was seen');
      run.kill('SIGINT');
      const r = await run.done;
      assert.equal(r.code, 130, r.stdout + r.stderr);
      assert.match(r.stderr, /interrupted \(SIGINT\): stopping after the current step/);
      assert.match(r.stdout + r.stderr, /artifact copy interrupted after \d+ objects; its configuration was not changed/);
      assertNoSecrets([SRC_SECRET, DST_SECRET], r.stdout, r.stderr);
      assert.deepEqual(
        (await dst.send(new ListMultipartUploadsCommand({ Bucket: 'dst-int' }))).Uploads ?? [],
        [],
        'open multipart uploads left behind',
      );
      // The upload seen in flight was aborted, not completed: it is gone and its object absent.
      await assert.rejects(dst.send(new ListPartsCommand({ Bucket: 'dst-int', Key: open.Key, UploadId: open.UploadId })), /NoSuchUpload/);
      assert.ok(!(await listKeys(dst, 'dst-int')).includes(open.Key), `${open.Key} was completed despite the interrupt`);
      const switched = NAMESPACES.filter((ns) => launcherRoot(api, ns) === `s3://dst-int/v2/artifacts/${ns}`);
      for (const ns of switched)
        assert.deepEqual(
          [...(await sizes(dst, 'dst-int', prefixOf(ns)))].sort(),
          [...(source.get(ns) ?? [])].sort(),
          `${ns} switched without all its objects`,
        );
      assert.ok(switched.length < NAMESPACES.length, 'every namespace switched despite the interrupt');
      const again = await startKubectl(args('dst-int'), env).done;
      assert.equal(again.code, 0, again.stdout + again.stderr);
      for (const ns of NAMESPACES) {
        assert.equal(launcherRoot(api, ns), `s3://dst-int/v2/artifacts/${ns}`);
        assert.deepEqual([...(await sizes(dst, 'dst-int', prefixOf(ns)))].sort(), [...(source.get(ns) ?? [])].sort());
      }
    } finally {
      await api.close();
    }
  });
});
