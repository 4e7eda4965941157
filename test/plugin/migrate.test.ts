// kubectl kfstore migrate against the test API server: plan and diff, confirmation, backup,
// optimistic concurrency per namespace, re-runs and rollback.
import assert from 'node:assert/strict';
import { chmodSync, cpSync, lstatSync, mkdtempSync, readdirSync, readFileSync, renameSync, statSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync } from 'node:zlib';
import { afterEach, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import type { KubeApiServer, KubeObject } from '../support/kube-apiserver/index.ts';
import { fixturePath, readFixture } from '../support/fixtures.ts';
import { kfstore, kubectl } from '../support/plugin.ts';
import { assertNoSecrets, seededCluster, writeRequests } from '../support/live-cluster.ts';

const CANARIES = ['CANARY-CLONE-ACCESS', 'CANARY-CLONE-SECRET', 'CANARY-MINIO-A', 'CANARY-MINIO-SECRET-A'];
// The target (AWS, fake credentials) is not reachable from the tests: migrate-copy.test.ts checks it.
const S3 = ['migrate', '--to', 's3', '--bucket', 'kfp-art', '--region', 'us-east-2', '-A', '--skip-target-check'];
const MIGRATED = ['kfp-launcher', 'artifact-repositories'];

let server: KubeApiServer | undefined;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function cluster(): Promise<{ api: KubeApiServer; env: Record<string, string> }> {
  const c = await seededCluster(parseAllDocuments(readFixture('migrate-cli', 'cluster.yaml')).map((d) => d.toJS() as KubeObject));
  server = c.api;
  return c;
}

const writes = writeRequests;
const noCanaries = (...texts: string[]): void => assertNoSecrets(CANARIES, ...texts);

/** What a migration or rollback must keep or bring back: content, not versions. */
function content(o: KubeObject | undefined): string {
  if (o === undefined) return 'absent';
  return JSON.stringify([o.data ?? null, o.metadata.labels ?? null, o.metadata.annotations ?? null]);
}

function state(api: KubeApiServer, ns: string): Record<string, string> {
  return {
    launcher: content(api.get('ConfigMap', ns, 'kfp-launcher')),
    argo: content(api.get('ConfigMap', ns, 'artifact-repositories')),
    secret: content(api.get('Secret', ns, `kfstore-object-store--${ns}`)),
    backup: content(api.get('Secret', ns, 'kfstore-migrate-backup')),
  };
}

function backupBytes(api: KubeApiServer, ns: string, key: string): Buffer {
  const data = (api.get('Secret', ns, 'kfstore-migrate-backup')?.data ?? {}) as Record<string, string>;
  assert.ok(data[key] !== undefined, `backup in ${ns} has no ${key}: ${Object.keys(data).join(', ')}`);
  return Buffer.from(data[key], 'base64');
}

const backupValue = (api: KubeApiServer, ns: string, key: string): string => backupBytes(api, ns, key).toString('utf8');

/** A saved object's JSON: its gzipped chunks (all in the main Secret for objects this small). */
function backupObject(api: KubeApiServer, ns: string, kind: string, name: string): string {
  const meta = JSON.parse(backupValue(api, ns, 'meta.json')) as {
    objects: { kind: string; name: string; chunks?: { secret: string; key: string }[] }[];
  };
  const chunks = meta.objects.find((o) => o.kind === kind && o.name === name)?.chunks ?? [];
  assert.ok(chunks.length > 0 && chunks.every((c) => c.secret === ''), JSON.stringify(meta));
  return gunzipSync(Buffer.concat(chunks.map((c) => backupBytes(api, ns, c.key)))).toString('utf8');
}

describe('migrate --to s3 on a live cluster', () => {
  it('--dry-run prints the plan, its diff and the IAM policies, and writes nothing', async () => {
    const { api, env } = await cluster();
    const iamDir = mkdtempSync(join(tmpdir(), 'kfstore-iam-'));
    const r = await kfstore([...S3, '--dry-run', '--iam-policy-dir', iamDir, '--clone-secret-from', 'kubeflow/s3-keys'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /update\s+ConfigMap\s+kfp-launcher/);
    assert.match(r.stdout, /\+ data\.defaultPipelineRoot: s3:\/\/kfp-art\/v2\/artifacts\/team-a/);
    assert.match(r.stdout, /\+\+\+ Secret team-b\/kfstore-object-store--team-b \(create\)/);
    assert.match(r.stdout, /team-a: arn:aws:s3:::kfp-art\/artifacts\/team-a\/\*/);
    assert.match(r.stdout, /dry run: 6 changes in 2 namespaces \(2 switched, 0 staged\)/);
    // Read from the cluster's ScheduledWorkflows: a recurring run that will keep the old root.
    assert.match(
      r.stdout,
      /WARN\s+KFS070\s+team-b\s+\S+\s+1 recurring run in team-b pins pipeline_root=minio:\/\/mlpipeline\/private-artifacts\/team-b\/v2\/artifacts \(nightly-train\)/,
    );
    assert.deepEqual(readdirSync(iamDir).sort(), ['backend.json', 'team-a.json', 'team-b.json']);
    assert.equal(JSON.parse(readFileSync(join(iamDir, 'team-a.json'), 'utf8')).Version, '2012-10-17');
    const json = await kfstore([...S3, '--dry-run', '-o', 'json', '--clone-secret-from', 'kubeflow/s3-keys'], env);
    assert.equal(json.code, 0, json.stderr);
    const plan = JSON.parse(json.stdout) as { kind: string; namespaces: { namespace: string }[] };
    assert.equal(plan.kind, 'MigrationPlan');
    assert.deepEqual(
      plan.namespaces.map((n) => n.namespace),
      ['team-a', 'team-b'],
    );
    assert.match(json.stderr, /values from kubeflow\/s3-keys/);
    assert.deepEqual(writes(api), []);
    noCanaries(r.stdout, r.stderr, json.stdout, json.stderr);
  });

  it('--yes backs up, applies as planned, a re-run writes nothing, --rollback restores exactly', async () => {
    const { api, env } = await cluster();
    const before = { a: state(api, 'team-a'), b: state(api, 'team-b') };
    const raw = JSON.stringify(api.get('ConfigMap', 'team-a', 'kfp-launcher'));
    const r = await kfstore([...S3, '--yes', '--clone-secret-from', 'kubeflow/s3-keys'], env);
    assert.equal(r.code, 0, r.stderr);
    noCanaries(r.stdout, r.stderr);
    const launcher = api.get('ConfigMap', 'team-a', 'kfp-launcher');
    const data = launcher?.data as Record<string, string>;
    assert.equal(data.defaultPipelineRoot, 's3://kfp-art/v2/artifacts/team-a');
    assert.equal(data.extra, 'keep-me');
    assert.match(data.providers ?? '', /secretName: kfstore-object-store--team-a/);
    assert.deepEqual(launcher?.metadata.annotations, { owner: 'team-a-admins' });
    const secret = api.get('Secret', 'team-b', 'kfstore-object-store--team-b')?.data as Record<string, string>;
    assert.equal(Buffer.from(secret.AWS_ACCESS_KEY_ID ?? '', 'base64').toString(), 'CANARY-CLONE-ACCESS');
    // The backup holds the objects exactly as the API returned them, and which ones were absent.
    assert.equal(backupObject(api, 'team-a', 'ConfigMap', 'kfp-launcher'), raw);
    const meta = JSON.parse(backupValue(api, 'team-b', 'meta.json')) as { objects: { name: string; absent?: boolean }[] };
    assert.ok(meta.objects.some((o) => o.name === 'artifact-repositories' && o.absent === true));

    api.resetRequests();
    const again = await kfstore([...S3, '--yes', '--clone-secret-from', 'kubeflow/s3-keys'], env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /nothing to do/);
    assert.deepEqual(writes(api), []);

    const back = await kfstore(['migrate', '--rollback', '-A', '--yes'], env);
    assert.equal(back.code, 0, back.stderr);
    assert.deepEqual({ a: state(api, 'team-a'), b: state(api, 'team-b') }, before);
    for (const name of MIGRATED)
      assert.equal(content(api.get('ConfigMap', 'team-a', name)), before.a[name === 'kfp-launcher' ? 'launcher' : 'argo']);
    api.resetRequests();
    const twice = await kfstore(['migrate', '--rollback', '-A', '--yes'], env);
    assert.equal(twice.code, 0, twice.stderr);
    assert.deepEqual(writes(api), []);
  });

  it('a namespace whose kfp-launcher changed since the plan is left as it was; the others migrate', async () => {
    const { api, env } = await cluster();
    const before = state(api, 'team-a');
    api.fail({ method: 'PUT', namespace: 'team-a', name: 'kfp-launcher' }, { status: 409, times: 1 });
    const r = await kfstore([...S3, '--yes', '--clone-secret-from', 'kubeflow/s3-keys'], env);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(
      r.stderr,
      /kfp-launcher in team-a changed since the plan \(resourceVersion \d+ → \d+\); nothing more was changed in team-a; re-run to plan again/,
    );
    assert.deepEqual(state(api, 'team-a'), before);
    assert.equal(
      (api.get('ConfigMap', 'team-b', 'kfp-launcher')?.data as Record<string, string> | undefined)?.defaultPipelineRoot,
      's3://kfp-art/v2/artifacts/team-b',
    );
  });

  it('an edit between planning and applying is caught before any write in that namespace', async () => {
    const { api, env } = await cluster();
    // A colleague edits team-a's kfp-launcher just before migrate reads it back to apply: the
    // matcher never fails a request, it only makes the edit at that moment.
    let edited = false;
    api.fail(
      (q) => {
        if (!edited && q.verb === 'get' && q.namespace === 'team-a' && q.name === 'kfp-launcher') {
          edited = true;
          // get() hands out the stored object itself: editing it in place is the colleague's update
          // (new content, new resourceVersion) without a request of its own.
          const cm = api.get('ConfigMap', 'team-a', 'kfp-launcher') as KubeObject;
          cm.data = { ...(cm.data as Record<string, string>), extra: 'edited' };
          cm.metadata.resourceVersion = String(Number(api.resourceVersion) + 1000);
        }
        return false;
      },
      { status: 500 },
    );
    const planned = api.get('ConfigMap', 'team-a', 'kfp-launcher')?.metadata.resourceVersion;
    const r = await kfstore([...S3, '--yes', '--clone-secret-from', 'kubeflow/s3-keys'], env);
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.ok(edited);
    const now = api.get('ConfigMap', 'team-a', 'kfp-launcher');
    assert.ok(
      r.stderr.includes(`kfp-launcher in team-a changed since the plan (resourceVersion ${planned} → ${now?.metadata.resourceVersion})`),
      r.stderr,
    );
    assert.equal((now?.data as Record<string, string> | undefined)?.extra, 'edited');
    assert.equal(
      (now?.data as Record<string, string> | undefined)?.defaultPipelineRoot,
      'minio://mlpipeline/private-artifacts/team-a/v2/artifacts',
    );
    assert.deepEqual(
      writes(api).filter((w) => w.includes('/namespaces/team-a/')),
      [],
    );
    assert.ok(writes(api).some((w) => w === 'PUT /api/v1/namespaces/team-b/configmaps/kfp-launcher'));
  });

  it('without known target credentials it stages: says what to fill before the prompt, writes only the Secrets; a later run switches only filled ones; --rollback undoes both', async () => {
    const { api, env } = await cluster();
    const before = { a: state(api, 'team-a'), b: state(api, 'team-b') };
    const fill =
      /stage only: the target credentials of 2 namespaces are not known yet[^\n]*\n {2}team-a: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY in Secret kfstore-object-store--team-a \(kubectl -n team-a edit secret kfstore-object-store--team-a\)\n {2}team-b: [^\n]*\nthen run this command again \(or with --switch\)/;
    // The prompt (refused here: no terminal) comes after the note.
    const asked = await kfstore(S3, env);
    assert.equal(asked.code, 2);
    assert.match(asked.stdout, fill);
    assert.match(asked.stderr, /refusing to change the cluster without --yes/);
    assert.deepEqual(writes(api), []);

    const staged = await kfstore([...S3, '--yes'], env);
    assert.equal(staged.code, 0, staged.stdout + staged.stderr);
    assert.match(staged.stdout, fill);
    assert.ok(staged.stdout.indexOf('stage only') < staged.stdout.indexOf('team-a: staged: wrote 1 changes'), staged.stdout);
    for (const ns of ['team-a', 'team-b'] as const) {
      assert.equal(
        state(api, ns).launcher,
        before[ns === 'team-a' ? 'a' : 'b'].launcher,
        `${ns} kfp-launcher switched to empty credentials`,
      );
      assert.equal(state(api, ns).argo, before[ns === 'team-a' ? 'a' : 'b'].argo);
      const secret = api.get('Secret', ns, `kfstore-object-store--${ns}`)?.data as Record<string, string>;
      assert.deepEqual(secret, { AWS_ACCESS_KEY_ID: '', AWS_SECRET_ACCESS_KEY: '' });
    }

    api.resetRequests();
    const notReady = await kfstore([...S3, '--switch', '--yes'], env);
    assert.equal(notReady.code, 1, notReady.stdout + notReady.stderr);
    assert.match(notReady.stdout, /not switched \(--switch\): the target credentials of 2 namespaces are not known yet/);
    assert.deepEqual(writes(api), []);

    // The admin fills team-a's Secret (one key only in team-b): --switch switches team-a alone.
    assert.equal(
      (
        await kubectl(
          [
            '-n',
            'team-a',
            'patch',
            'secret',
            'kfstore-object-store--team-a',
            '-p',
            '{"stringData":{"AWS_ACCESS_KEY_ID":"CANARY-CLONE-ACCESS","AWS_SECRET_ACCESS_KEY":"CANARY-CLONE-SECRET"}}',
          ],
          env,
        )
      ).code,
      0,
    );
    assert.equal(
      (
        await kubectl(
          [
            '-n',
            'team-b',
            'patch',
            'secret',
            'kfstore-object-store--team-b',
            '-p',
            '{"stringData":{"AWS_ACCESS_KEY_ID":"CANARY-CLONE-ACCESS"}}',
          ],
          env,
        )
      ).code,
      0,
    );
    api.resetRequests();
    const switched = await kfstore([...S3, '--switch', '--yes'], env);
    assert.equal(switched.code, 1, switched.stdout + switched.stderr);
    assert.match(switched.stdout, /not switched \(--switch\): the target credentials of 1 namespaces are not known yet:\n {2}team-b: /);
    assert.match(switched.stdout, /team-a: applied 2 changes/);
    assert.equal(
      (api.get('ConfigMap', 'team-a', 'kfp-launcher')?.data as Record<string, string> | undefined)?.defaultPipelineRoot,
      's3://kfp-art/v2/artifacts/team-a',
    );
    assert.equal(state(api, 'team-b').launcher, before.b.launcher);
    assert.deepEqual(
      writes(api).filter((w) => w.includes('/namespaces/team-b/')),
      [],
    );
    noCanaries(
      asked.stdout,
      asked.stderr,
      staged.stdout,
      staged.stderr,
      notReady.stdout,
      notReady.stderr,
      switched.stdout,
      switched.stderr,
    );

    // One backup holds what both runs changed: the rollback brings back all of it.
    const back = await kfstore(['migrate', '--rollback', '-A', '--yes'], env);
    assert.equal(back.code, 0, back.stdout + back.stderr);
    assert.deepEqual({ a: state(api, 'team-a'), b: state(api, 'team-b') }, before);
  });

  it('a user who may not read the Secrets it would change: KFS091 stops the plan, nothing written', async () => {
    const { api } = await cluster();
    api.addUser('editor', { token: 'editor-token' });
    api.allow('editor', { verbs: ['get', 'list', 'create', 'update', 'patch', 'delete'], resources: ['namespaces', 'configmaps'] });
    const file = join(mkdtempSync(join(tmpdir(), 'kfstore-editor-')), 'editor.yaml');
    await api.writeKubeconfig(file, 'editor', { context: 'editor', namespace: 'team-a' });
    api.resetRequests();
    const r = await kfstore([...S3, '--yes', '--clone-secret-from', 'kubeflow/s3-keys'], { KUBECONFIG: file });
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(
      r.stdout,
      /ERROR\s+KFS091\s+team-a\s+\S+\s+could not read Secret kfstore-object-store--team-a in team-a \(secrets is forbidden: User "editor" cannot list resource "secrets" in API group "" in the namespace "team-a"\): migrate does not plan over what it cannot read\n\s+fix: `kubectl auth can-i list secrets --namespace team-a` must say yes\n/,
    );
    assert.deepEqual(writes(api), []);
  });

  it('bad target flags stop before any request, naming the flag', async () => {
    const { api, env } = await cluster();
    const cases: [string[], RegExp][] = [
      [['migrate', '--to', 's3', '-A', '--yes'], /--bucket is required/],
      [['migrate', '--to', 's3', '--bucket', 'kfp-art', '-A', '--yes'], /--endpoint aws needs --region/],
      [
        ['migrate', '--to', 's3', '--bucket', 'kfp-art', '--endpoint', 'wasabi', '-A', '--yes'],
        /--endpoint "wasabi" is neither a URL nor a provider/,
      ],
      [['migrate', '--to', 'gcs', '--bucket', 'kfp-art', '-A'], /--to must be s3/],
    ];
    for (const [args, message] of cases) {
      const r = await kfstore(args, env);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, message);
      assert.equal(r.stderr.trim().split('\n').length, 1, r.stderr);
    }
    assert.deepEqual(api.requests, []);
  });

  it('refuses to change the cluster without --yes when stdin is not a terminal', async () => {
    const { api, env } = await cluster();
    const r = await kfstore(S3, env);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /refusing to change the cluster without --yes \(stdin is not a terminal\)/);
    assert.deepEqual(writes(api), []);
  });
});

describe('migrate -f (offline)', () => {
  const TARGET = ['migrate', '--to', 's3', '--bucket', 'kfp-art', '--endpoint', 'http://minio.example:9000'];
  const GITOPS = fixturePath('migrate-cli', 'gitops');

  it('--dry-run plans from manifests and writes no file', async () => {
    const before = readFileSync(join(GITOPS, 'team-a', 'profile.yaml'), 'utf8');
    const r = await kfstore([...TARGET, '-f', GITOPS, '--dry-run']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /namespace team-a \(root s3:\/\/kfp-art\/v2\/artifacts\/team-a\)/);
    assert.equal(readFileSync(join(GITOPS, 'team-a', 'profile.yaml'), 'utf8'), before);
  });

  it('--policy supplies the target from the StorePolicy store section; flags win', async () => {
    const r = await kfstore([
      'migrate',
      '--to',
      's3',
      '--policy',
      fixturePath('..', '..', 'deploy', 'examples', 'policy.yaml'),
      '--bucket',
      'other-bucket',
      '-f',
      GITOPS,
      '--dry-run',
      '-o',
      'json',
    ]);
    assert.equal(r.code, 0, r.stderr);
    const plan = JSON.parse(r.stdout) as { target: { bucket: string; region: string; secret: { nameTemplate: string } } };
    assert.equal(plan.target.bucket, 'other-bucket');
    assert.equal(plan.target.region, 'us-west-2');
    assert.equal(plan.target.secret.nameTemplate, 'kubeflow-pipelines--profile-object-store-auth--{profile}');
  });

  it('without --out-dir rewrites changed files in place (atomically, mode kept); a re-run changes nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'kfstore-migrate-inplace-'));
    cpSync(GITOPS, dir, { recursive: true });
    const profile = join(dir, 'team-a', 'profile.yaml');
    chmodSync(profile, 0o640);
    // team-b's manifest is a symlink into a shared directory: the file it names is edited, the link stays.
    const shared = mkdtempSync(join(tmpdir(), 'kfstore-migrate-shared-'));
    const linked = join(dir, 'team-b', 'kfp-launcher.yaml');
    renameSync(linked, join(shared, 'team-b.yaml'));
    symlinkSync(join(shared, 'team-b.yaml'), linked);
    const before = new Map(listFiles(dir).map((f) => [f, readFileSync(f, 'utf8')]));
    const r = await kfstore([...TARGET, '-f', dir, '--yes']);
    assert.equal(r.code, 0, r.stderr);
    const text = readFileSync(profile, 'utf8');
    assert.match(text, /defaultPipelineRoot: s3:\/\/kfp-art\/v2\/artifacts\/team-a/);
    assert.ok(text.includes('# KFP launcher settings'), 'comments kept');
    assert.equal(statSync(profile).mode & 0o777, 0o640);
    assert.ok(lstatSync(linked).isSymbolicLink(), 'the symlink was replaced by a file');
    assert.match(readFileSync(join(shared, 'team-b.yaml'), 'utf8'), /defaultPipelineRoot: s3:\/\/kfp-art\/v2\/artifacts\/team-b/);
    const after = listFiles(dir);
    assert.ok(after.includes(join(dir, 'kfstore-migrate-team-a.yaml')), after.join('\n'));
    assert.deepEqual(
      after.filter((f) => f.includes('.tmp')),
      [],
      'no temporary files left',
    );
    // Files the plan does not touch keep their bytes.
    for (const [f, t] of before) if (!r.stdout.includes(f)) assert.equal(readFileSync(f, 'utf8'), t, f);
    const snapshot = new Map(after.map((f) => [f, readFileSync(f, 'utf8')]));
    const again = await kfstore([...TARGET, '-f', dir, '--yes']);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /nothing to do/);
    for (const [f, t] of snapshot) assert.equal(readFileSync(f, 'utf8'), t, `${f} changed on the re-run`);
  });

  it('--out-dir mirrors the tree: kfp-launcher edited in place, other documents and comments kept, new objects beside', async () => {
    const out = mkdtempSync(join(tmpdir(), 'kfstore-migrate-out-'));
    const original = readFileSync(join(GITOPS, 'team-a', 'profile.yaml'), 'utf8');
    const r = await kfstore([...TARGET, '-f', GITOPS, '--out-dir', out]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(readFileSync(join(GITOPS, 'team-a', 'profile.yaml'), 'utf8'), original, 'sources untouched with --out-dir');
    const text = readFileSync(join(out, 'team-a', 'profile.yaml'), 'utf8');
    for (const kept of [
      "# team-a's profile resources",
      '# KFP launcher settings',
      '# who to ask',
      'extra: keep-me # not read by KFP',
      'metadata: {name: metadata-grpc-configmap, namespace: team-a}',
    ])
      assert.ok(text.includes(kept), `lost ${kept}:\n${text}`);
    assert.match(text, /defaultPipelineRoot: s3:\/\/kfp-art\/v2\/artifacts\/team-a/);
    const added = readFileSync(join(out, 'kfstore-migrate-team-a.yaml'), 'utf8');
    assert.match(added, /kind: Secret[\s\S]*AWS_ACCESS_KEY_ID: ""/);
    assert.match(added, /name: artifact-repositories/);
    const doctor = await kfstore(['doctor', '-f', out, '-o', 'json', '--exit-zero']);
    assert.equal(doctor.code, 0, doctor.stderr);
    const report = JSON.parse(doctor.stdout) as {
      namespaces: string[];
      findings: { id: string; level: string; namespace?: string; message: string }[];
    };
    assert.deepEqual(report.namespaces, ['team-a', 'team-b']);
    const launcherErrors = report.findings.filter((f) => f.namespace === 'team-a' && f.level === 'error' && /^KFS01[1-9]$/.test(f.id));
    assert.deepEqual(launcherErrors, []);
  });
});

function listFiles(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' })
    .map((f) => join(dir, f))
    .filter((f) => statSync(f).isFile())
    .sort();
}
