// migrate --copy-artifacts and the target check, through real kubectl against the test API server
// and a real Swift with two accounts: src:u holds the namespace's current artifacts, dst:u the
// target bucket. Objects are verified with an independent SDK client and `rclone check --download`.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import { after, afterEach, before, describe, it } from 'node:test';
import { GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import type { KubeApiServer, KubeObject } from '../support/kube-apiserver/index.ts';
import { kfstore, kubectl } from '../support/plugin.ts';
import { freePorts } from '../support/ports.ts';
import { rcloneEnv } from '../support/rclone.ts';
import { deleteKeys, listKeys, seedBucket } from '../support/swift/seed.ts';
import { sizes as listSizes, sourceProviders, startMigrationStores } from '../support/migration-stores.ts';
import type { MigrationStores } from '../support/migration-stores.ts';
import type { SwiftServer } from '../support/swift/server.ts';
import { assertNoSecrets, seededCluster, writeRequests } from '../support/live-cluster.ts';

const SRC_SECRET = 'CANARYsrcSecret1';
const DST_SECRET = 'CANARYdstSecret2';
const WRONG_SECRET = 'CANARYwrongSecret3';
const U2_SECRET = 'CANARYsrcUser2Secret4';
const CANARIES = [SRC_SECRET, DST_SECRET, WRONG_SECRET, U2_SECRET];
const PREFIX = 'v2/artifacts/team-a/';
const MiB = 1024 * 1024;
const execFileP = promisify(execFile);

let stores: MigrationStores | undefined;
let swift: SwiftServer;
let src: S3Client;
let dst: S3Client;
const bodies = new Map<string, Buffer>();
let server: KubeApiServer | undefined;

function sha(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

interface Setup {
  /** Where team-a's artifacts are now (default src-bucket, read with the src:u keys). */
  source?: { bucket: string; keys: [string, string] };
  /** What kubeflow/dst-keys (the --clone-secret-from source) holds (default the dst:u keys). */
  clone?: [string, string];
}

function objects(o: Setup = {}): KubeObject[] {
  const providers = sourceProviders(swift);
  const source = o.source ?? { bucket: 'src-bucket', keys: ['src:u', SRC_SECRET] };
  const clone = o.clone ?? ['dst:u', DST_SECRET];
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a', labels: { 'pipelines.kubeflow.org/enabled': 'true' } } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'kubeflow' } },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'kfp-launcher', namespace: 'team-a' },
      data: { defaultPipelineRoot: `s3://${source.bucket}/v2/artifacts/team-a`, providers },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'src-keys', namespace: 'team-a' },
      stringData: { AWS_ACCESS_KEY_ID: source.keys[0], AWS_SECRET_ACCESS_KEY: source.keys[1] },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'dst-keys', namespace: 'kubeflow' },
      stringData: { AWS_ACCESS_KEY_ID: clone[0], AWS_SECRET_ACCESS_KEY: clone[1] },
    },
  ] as unknown as KubeObject[];
}

async function cluster(o: Setup = {}): Promise<{ api: KubeApiServer; env: Record<string, string> }> {
  const c = await seededCluster(objects(o));
  server = c.api;
  return c;
}

const writes = writeRequests;
const noCanaries = (...texts: string[]): void => assertNoSecrets(CANARIES, ...texts);

function args(...extra: string[]): string[] {
  return [
    'migrate',
    '--to',
    's3',
    '--bucket',
    'dst-bucket',
    '--endpoint',
    swift.endpoint,
    '--region',
    'us-east-1',
    '--path-style',
    'true',
    '-n',
    'team-a',
    '--clone-secret-from',
    'kubeflow/dst-keys',
    ...extra,
  ];
}

const sizes = (client: S3Client, bucket: string): Promise<Map<string, number>> => listSizes(client, bucket, PREFIX);

describe('migrate --copy-artifacts against Swift', () => {
  before(async () => {
    stores = await startMigrationStores({ src: SRC_SECRET, dst: DST_SECRET }, [{ account: 'src', user: 'u2', secret: U2_SECRET }]);
    ({ swift, src, dst } = stores);
    for (let i = 0; i < 5; i++) bodies.set(`${PREFIX}run-${i}/out.txt`, randomBytes(1000 + i));
    bodies.set(`${PREFIX}run-big/model.bin`, randomBytes(12 * MiB));
    for (const [Key, Body] of bodies) await src.send(new PutObjectCommand({ Bucket: 'src-bucket', Key, Body }));
    await src.send(new PutObjectCommand({ Bucket: 'src-bucket', Key: 'v2/artifacts/team-b/other', Body: 'x' }));
  });

  after(async () => {
    await stores?.stop();
  });

  afterEach(async () => {
    await server?.close();
    server = undefined;
    await deleteKeys(dst, 'dst-bucket', await listKeys(dst, 'dst-bucket'));
  });

  it('--dry-run lists what would be copied and writes nothing', async () => {
    const { api, env } = await cluster();
    const r = await kfstore(args('--copy-artifacts', '--dry-run'), env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /reachable with the target credentials/);
    assert.match(
      r.stdout,
      /INFO\s+KFS074\s+team-a\s+\S+\s+6 objects \(12\.0 MiB\) under s3:\/\/src-bucket\/v2\/artifacts\/team-a\/ will be copied to s3:\/\/dst-bucket\/v2\/artifacts\/team-a\/ under the same keys/,
    );
    assert.doesNotMatch(r.stdout, /KFS07[34]: not checked/);
    assert.deepEqual(writes(api), []);
    assert.deepEqual(await listKeys(dst, 'dst-bucket'), []);
    noCanaries(r.stdout, r.stderr);
  });

  it('--copy-artifacts --yes copies every object, then applies; a re-run copies and writes nothing', async () => {
    const { api, env } = await cluster();
    const sourceBefore = await sizes(src, 'src-bucket');
    const r = await kfstore(args('--copy-artifacts', '--yes'), env);
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.match(r.stdout, /team-a: artifacts: 6 copied, 0 skipped \(already at the target\), 12\.0 MB, 0 failed/);
    assert.match(r.stdout, /team-a: applied 3 changes/);
    noCanaries(r.stdout, r.stderr);
    // Independent check: same keys, sizes and contents; nothing from another namespace; source untouched.
    assert.deepEqual([...(await sizes(dst, 'dst-bucket')).entries()].sort(), [...bodies.entries()].map(([k, b]) => [k, b.length]).sort());
    for (const [Key, body] of bodies) {
      const got = await dst.send(new GetObjectCommand({ Bucket: 'dst-bucket', Key }));
      assert.equal(sha(await got.Body!.transformToByteArray()), sha(body), Key);
    }
    assert.deepEqual(await listKeys(dst, 'dst-bucket'), [...bodies.keys()].sort());
    assert.deepEqual(await sizes(src, 'src-bucket'), sourceBefore);
    const rclone = await execFileP(
      'rclone',
      ['check', `src:src-bucket/${PREFIX}`, `dst:dst-bucket/${PREFIX}`, '--download', '--config', '/dev/null'],
      { env: rcloneEnv(swift, { src: ['src', 'u'], dst: ['dst', 'u'] }) },
    );
    assert.match(rclone.stderr, /0 differences found/);
    assert.match(rclone.stderr, /6 matching files/);
    const launcher = api.get('ConfigMap', 'team-a', 'kfp-launcher')?.data as Record<string, string>;
    assert.equal(launcher.defaultPipelineRoot, 's3://dst-bucket/v2/artifacts/team-a');

    api.resetRequests();
    const again = await kfstore(args('--copy-artifacts', '--yes'), env);
    assert.equal(again.code, 0, again.stderr);
    assert.match(again.stdout, /nothing to do/);
    assert.deepEqual(writes(api), []);
    noCanaries(again.stdout, again.stderr);

    // Rolled back and migrated again: the copy resumes, every object already there is skipped.
    const back = await kfstore(['migrate', '--rollback', '-n', 'team-a', '--yes'], env);
    assert.equal(back.code, 0, back.stderr);
    const resumed = await kfstore(args('--copy-artifacts', '--yes'), env);
    assert.equal(resumed.code, 0, resumed.stderr);
    assert.match(resumed.stdout, /team-a: artifacts: 0 copied, 6 skipped/);
    noCanaries(resumed.stdout, resumed.stderr);
  });

  it('between two buckets of one store with the same keys, the store copies server-side (verified)', async () => {
    await seedBucket(dst, 'old-bucket');
    for (const [Key, Body] of bodies) await dst.send(new PutObjectCommand({ Bucket: 'old-bucket', Key, Body }));
    const c = await cluster({ source: { bucket: 'old-bucket', keys: ['dst:u', DST_SECRET] } });
    try {
      const r = await kfstore(args('--copy-artifacts', '--yes'), c.env);
      assert.equal(r.code, 0, r.stdout + r.stderr);
      assert.match(r.stdout, /team-a: artifacts: 6 copied \(6 server-side\), 0 skipped/);
      for (const [Key, body] of bodies) {
        const got = await dst.send(new GetObjectCommand({ Bucket: 'dst-bucket', Key }));
        assert.equal(sha(await got.Body!.transformToByteArray()), sha(body), Key);
      }
      noCanaries(r.stdout, r.stderr);
    } finally {
      await deleteKeys(dst, 'old-bucket', await listKeys(dst, 'old-bucket'));
    }
  });

  it('wrong target credentials: exit 1 before any write, nothing copied, no secret printed', async () => {
    const { api, env } = await cluster({ clone: ['dst:u', WRONG_SECRET] });
    for (const extra of [['--copy-artifacts', '--yes'], ['--yes'], ['--dry-run']]) {
      api.resetRequests();
      const r = await kfstore(args(...extra), env);
      assert.equal(r.code, 1, `${extra.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(
        r.stderr,
        new RegExp(
          `error: team-a: target check failed: .*${swift.endpoint.replace(/[.:/]/g, '\\$&')}.*dst-bucket|error: team-a: target check failed: .*dst-bucket.*${swift.endpoint.replace(/[.:/]/g, '\\$&')}`,
        ),
      );
      assert.deepEqual(writes(api), []);
      noCanaries(r.stdout, r.stderr);
    }
    assert.deepEqual(await listKeys(dst, 'dst-bucket'), []);
    const skipped = await kfstore(args('--dry-run', '--skip-target-check'), env);
    assert.equal(skipped.code, 0, skipped.stderr);
    assert.match(skipped.stdout, /--skip-target-check: .* bucket dst-bucket was not checked/);
  });

  it('a target bucket that does not exist, or an endpoint nothing answers on: exit 1 before any write', async () => {
    const { api, env } = await cluster();
    const [closed] = await freePorts(1);
    const cases: [string[], RegExp][] = [
      [['--bucket', 'no-such-bucket'], /target check failed: .*no-such-bucket.*(NoSuchBucket|does not exist)/],
      [['--endpoint', `http://127.0.0.1:${closed}`], new RegExp(`target check failed: .*127\\.0\\.0\\.1:${closed}`)],
    ];
    for (const [override, message] of cases) {
      api.resetRequests();
      const base = args('--copy-artifacts', '--yes');
      for (let i = 0; i < override.length; i += 2) base[base.indexOf(override[i] ?? '') + 1] = override[i + 1] ?? '';
      const r = await kfstore(base, env);
      assert.equal(r.code, 1, `${override.join(' ')}: ${r.stdout}${r.stderr}`);
      assert.match(r.stderr, message);
      assert.match(r.stdout, /nothing was changed/);
      assert.deepEqual(writes(api), []);
      noCanaries(r.stdout, r.stderr);
    }
    assert.deepEqual(await listKeys(dst, 'dst-bucket'), []);
  });

  it('without target credentials it stages (no copy, no switch); wrong keys filled in are refused; the right ones copy, verify and switch', async () => {
    const { api, env } = await cluster();
    const base = [
      'migrate',
      '--to',
      's3',
      '--bucket',
      'dst-bucket',
      '--endpoint',
      swift.endpoint,
      '--region',
      'us-east-1',
      '--path-style',
      'true',
      '-n',
      'team-a',
    ];
    // Switching without --copy-artifacts would leave the old objects behind, and migrate says so.
    const left = await kfstore(args('--dry-run'), env);
    assert.equal(left.code, 0, left.stderr);
    assert.match(
      left.stdout,
      /WARN\s+KFS073\s+team-a\s+\S+\s+6 objects \(12\.0 MiB\) under s3:\/\/src-bucket\/v2\/artifacts\/team-a\/ stay in the old store.*\n\s+fix: keep the old store and Secret src-keys readable/,
    );

    const staged = await kfstore([...base, '--copy-artifacts', '--yes'], env);
    assert.equal(staged.code, 0, staged.stdout + staged.stderr);
    assert.match(staged.stdout, /stage only: the target credentials of 1 namespaces are not known yet/);
    assert.match(staged.stdout, /team-a: staged: wrote 1 changes/);
    assert.equal(
      (api.get('ConfigMap', 'team-a', 'kfp-launcher')?.data as Record<string, string> | undefined)?.defaultPipelineRoot,
      's3://src-bucket/v2/artifacts/team-a',
    );
    assert.deepEqual(await listKeys(dst, 'dst-bucket'), []);

    const fill = (secret: string): Promise<unknown> =>
      kubectl(
        [
          '-n',
          'team-a',
          'patch',
          'secret',
          'kfstore-object-store--team-a',
          '-p',
          JSON.stringify({ stringData: { AWS_ACCESS_KEY_ID: 'dst:u', AWS_SECRET_ACCESS_KEY: secret } }),
        ],
        env,
      );
    await fill(WRONG_SECRET);
    api.resetRequests();
    const refused = await kfstore([...base, '--copy-artifacts', '--yes'], env);
    assert.equal(refused.code, 1, refused.stdout + refused.stderr);
    assert.match(refused.stderr, /error: team-a: target check failed: .*dst-bucket.*; nothing was changed in team-a/);
    assert.deepEqual(writes(api), []);
    assert.deepEqual(await listKeys(dst, 'dst-bucket'), []);

    await fill(DST_SECRET);
    const switched = await kfstore([...base, '--copy-artifacts', '--switch', '--yes'], env);
    assert.equal(switched.code, 0, switched.stdout + switched.stderr);
    assert.match(switched.stdout, /team-a: artifacts: 6 copied, 0 skipped/);
    assert.match(switched.stdout, /team-a: verified: all 6 objects are at s3:\/\/dst-bucket\/v2\/artifacts\/team-a\//);
    assert.equal(
      (api.get('ConfigMap', 'team-a', 'kfp-launcher')?.data as Record<string, string> | undefined)?.defaultPipelineRoot,
      's3://dst-bucket/v2/artifacts/team-a',
    );
    noCanaries(left.stdout, left.stderr, staged.stdout, staged.stderr, refused.stdout, refused.stderr, switched.stdout, switched.stderr);
    const f = await kfstore([...base, '--copy-artifacts', '-f', 'nowhere.yaml'], env);
    assert.equal(f.code, 2);
    assert.match(f.stderr, /needs a cluster/);
  });

  describe('one bucket name in two places', () => {
    const shared = async (): Promise<void> => {
      await seedBucket(src, 'ml-shared');
      await seedBucket(dst, 'ml-shared');
      for (const [Key, Body] of bodies) await src.send(new PutObjectCommand({ Bucket: 'ml-shared', Key, Body }));
    };
    const clear = async (): Promise<void> => {
      for (const c of [src, dst]) await deleteKeys(c, 'ml-shared', await listKeys(c, 'ml-shared'));
    };
    const sharedArgs = (): string[] => {
      const a = args('--copy-artifacts', '--yes');
      a[a.indexOf('--bucket') + 1] = 'ml-shared';
      return a;
    };

    it('another account with a bucket of the same name: copied and verified before the switch, not taken as "already there"', async () => {
      await shared();
      try {
        const { api, env } = await cluster({ source: { bucket: 'ml-shared', keys: ['src:u', SRC_SECRET] } });
        const r = await kfstore(sharedArgs(), env);
        assert.equal(r.code, 0, r.stdout + r.stderr);
        assert.doesNotMatch(r.stdout, /nothing to copy/);
        assert.match(r.stdout, /team-a: artifacts: 6 copied, 0 skipped/);
        assert.match(r.stdout, /team-a: verified: all 6 objects are at s3:\/\/ml-shared\/v2\/artifacts\/team-a\//);
        assert.equal(
          (api.get('ConfigMap', 'team-a', 'kfp-launcher')?.data as Record<string, string> | undefined)?.defaultPipelineRoot,
          's3://ml-shared/v2/artifacts/team-a',
        );
        // The target account has every object, and nothing else (the identity marker is gone).
        assert.deepEqual(await listKeys(dst, 'ml-shared'), [...bodies.keys()].sort());
        for (const [Key, body] of bodies) {
          const got = await dst.send(new GetObjectCommand({ Bucket: 'ml-shared', Key }));
          assert.equal(sha(await got.Body!.transformToByteArray()), sha(body), Key);
        }
        assert.deepEqual(await listKeys(src, 'ml-shared'), [...bodies.keys()].sort());
        noCanaries(r.stdout, r.stderr);
      } finally {
        await clear();
      }
    });

    it('another user of the same account: a marker read back proves it is the same bucket; nothing copied, verified, switched', async () => {
      await shared();
      try {
        const { api, env } = await cluster({ source: { bucket: 'ml-shared', keys: ['src:u', SRC_SECRET] }, clone: ['src:u2', U2_SECRET] });
        const before = await sizes(src, 'ml-shared');
        const r = await kfstore(sharedArgs(), env);
        assert.equal(r.code, 0, r.stdout + r.stderr);
        assert.match(
          r.stdout,
          /team-a: s3:\/\/ml-shared\/v2\/artifacts\/team-a\/ is the bucket the objects already are in \(the source credentials read a marker written with the target credentials\); nothing to copy/,
        );
        assert.match(r.stdout, /team-a: verified: all 6 objects/);
        assert.equal(
          (api.get('ConfigMap', 'team-a', 'kfp-launcher')?.data as Record<string, string> | undefined)?.defaultPipelineRoot,
          's3://ml-shared/v2/artifacts/team-a',
        );
        assert.deepEqual(await sizes(src, 'ml-shared'), before, 'the source changed (or a marker was left)');
        assert.deepEqual(await listKeys(dst, 'ml-shared'), []);
        noCanaries(r.stdout, r.stderr);
      } finally {
        await clear();
      }
    });
  });
});
