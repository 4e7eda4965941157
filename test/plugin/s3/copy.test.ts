// copyPrefix against a real Swift with two accounts: contents, resume, source untouched, abort,
// server-side copy; `rclone check --download` verifies the result independently of our code.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { promisify } from 'node:util';
import {
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadObjectCommand,
  ListMultipartUploadsCommand,
  ListObjectsV2Command,
  ListPartsCommand,
  PutObjectCommand,
  UploadPartCommand,
} from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { withPayloadSha256 } from '../../../plugin/s3/copy/signed-payload.ts';
import { copyPrefix } from '../../../plugin/s3/copy/run.ts';
import { UploadJournal } from '../../../plugin/s3/copy/upload-journal.ts';
import type { CopyPrefixOptions, CopyProgress, ObjectResult } from '../../../plugin/s3/copy/run.ts';
import { targetFromSession } from '../../../plugin/s3/launcher-connection.ts';
import type { S3Target } from '../../../plugin/s3/launcher-connection.ts';
import { adminClient, seedBucket } from '../../support/swift/seed.ts';
import { startSwift } from '../../support/swift/server.ts';
import type { SwiftServer } from '../../support/swift/server.ts';
import { rcloneEnv } from '../../support/rclone.ts';
import { startFakeS3 } from './fake-s3.ts';

const ACCOUNTS = [
  { account: 'teama', user: 'alice', secret: 'alice-secret' },
  { account: 'teamb', user: 'bob', secret: 'bob-secret' },
];

function targetFor(swift: SwiftServer, account: string, user: string): S3Target {
  return targetFromSession(
    { endpoint: swift.endpoint, region: swift.region, disableSSL: 'true', forcePathStyle: 'true', maxRetries: '1' },
    swift.credentials(account, user),
  );
}

function sha256(b: Uint8Array): string {
  return createHash('sha256').update(b).digest('hex');
}

/** key → etag, for "the source is untouched". */
async function listEtags(client: S3Client, bucket: string, prefix: string): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  let ContinuationToken: string | undefined;
  do {
    const page = await client.send(new ListObjectsV2Command({ Bucket: bucket, Prefix: prefix, ContinuationToken }));
    for (const o of page.Contents ?? []) if (o.Key !== undefined) out.set(o.Key, `${o.ETag ?? ''}/${o.Size ?? 0}`);
    ContinuationToken = page.NextContinuationToken;
  } while (ContinuationToken !== undefined);
  return out;
}

async function head(
  client: S3Client,
  bucket: string,
  key: string,
): Promise<{ size: number; sha?: string; etag: string; contentType?: string; meta: Record<string, string> }> {
  const h = await client.send(new HeadObjectCommand({ Bucket: bucket, Key: key }));
  return {
    size: h.ContentLength ?? -1,
    sha: h.Metadata?.['kfstore-sha256'],
    etag: h.ETag ?? '',
    contentType: h.ContentType,
    meta: h.Metadata ?? {},
  };
}

async function read(client: S3Client, bucket: string, key: string): Promise<Uint8Array> {
  const got = await client.send(new GetObjectCommand({ Bucket: bucket, Key: key }));
  if (got.Body === undefined) throw new Error('no body');
  return got.Body.transformToByteArray();
}

const execFileP = promisify(execFile);
const MiB = 1024 * 1024;
const SRC_PREFIX = 'v2/artifacts/team-a/';
const DST_PREFIX = 'v2/artifacts/team-b/';
// Small thresholds so the 12 MiB objects go multipart (3 parts of 5 MiB, Swift's minimum).
const SIZES = { multipartThreshold: 8 * MiB, partSize: 5 * MiB, queueSize: 2 };

describe('copyPrefix on Swift (teama → teamb)', { timeout: 240_000 }, () => {
  let swift: SwiftServer;
  let a: S3Client;
  let b: S3Client;
  let sourceBefore: Map<string, string>;
  const bodies = new Map<string, Uint8Array>(); // source key → bytes

  const run = async (
    over: Partial<CopyPrefixOptions> = {},
  ): Promise<{ summary: Awaited<ReturnType<typeof copyPrefix>>; results: ObjectResult[]; last?: CopyProgress }> => {
    const results: ObjectResult[] = [];
    let last: CopyProgress | undefined;
    const summary = await copyPrefix({
      source: { target: targetFor(swift, 'teama', 'alice'), bucket: 'src', prefix: SRC_PREFIX },
      destination: { target: targetFor(swift, 'teamb', 'bob'), bucket: 'dst', prefix: DST_PREFIX },
      concurrency: 4,
      ...SIZES,
      onObject: (r) => results.push(r),
      onProgress: (p) => (last = p),
      ...over,
    });
    return { summary, results, ...(last === undefined ? {} : { last }) };
  };

  /**
   * Every source object is at `prefix` in `client`'s `bucket` with equal bytes, records the source
   * ETag it was copied from, and (when it was uploaded whole) a correct kfstore-sha256.
   */
  const assertCopied = async (client: S3Client, bucket: string, prefix: string, opts: { wholeUpload?: boolean } = {}): Promise<void> => {
    for (const [key, body] of bodies) {
      const dstKey = prefix + key.slice(SRC_PREFIX.length);
      const h = await head(client, bucket, dstKey);
      assert.equal(h.size, body.length, dstKey);
      const whole = opts.wholeUpload === true || body.length <= SIZES.multipartThreshold;
      if (whole) assert.equal(h.sha, sha256(body), dstKey);
      else assert.equal(h.sha, undefined, `${dstKey}: a multipart target cannot know the SHA-256 when the upload starts`);
      assert.equal(h.meta['kfstore-source-etag'], (await head(a, 'src', key)).etag.replaceAll('"', ''), dstKey);
      assert.equal(sha256(await read(client, bucket, dstKey)), sha256(body), dstKey);
    }
  };

  before(async () => {
    swift = await startSwift({ accounts: ACCOUNTS });
    a = adminClient(swift, 'teama', 'alice');
    b = adminClient(swift, 'teamb', 'bob');
    await seedBucket(a, 'src');
    await seedBucket(b, 'dst');
    // big/ sorts first, so an early abort catches both multipart uploads in flight.
    for (let i = 0; i < 2; i++) bodies.set(`${SRC_PREFIX}big/${i}`, randomBytes(12 * MiB));
    for (let i = 0; i < 50; i++) bodies.set(`${SRC_PREFIX}small/${String(i).padStart(2, '0')}`, randomBytes(64 * 1024));
    for (const [Key, Body] of bodies) {
      const json = Key.endsWith('/07');
      await a.send(
        new PutObjectCommand({
          Bucket: 'src',
          Key,
          Body,
          ...(json ? { ContentType: 'application/json', Metadata: { owner: 'pipeline-x' } } : {}),
        }),
      );
    }
    await a.send(new PutObjectCommand({ Bucket: 'src', Key: 'elsewhere/not-copied', Body: 'x' }));
    sourceBefore = await listEtags(a, 'src', '');
  });

  after(async () => {
    a?.destroy();
    b?.destroy();
    await swift?.stop();
  });

  it('copies 50 small and 2 multipart objects with size and SHA-256 verified', async () => {
    const { summary, results, last } = await run();
    assert.deepEqual(summary.failures, []);
    assert.deepEqual([summary.listed, summary.copied, summary.skipped, summary.serverSide, summary.aborted], [52, 52, 0, 0, false]);
    assert.equal(summary.bytes, 2 * 12 * MiB + 50 * 64 * 1024);
    assert.equal(results.filter((r) => r.outcome === 'copied').length, 52);
    assert.deepEqual(last?.totalKnown, { objects: 52, bytes: summary.bytes });
    assert.equal(last?.bytes, summary.bytes);
    await assertCopied(b, 'dst', DST_PREFIX);
    // Multipart really happened (S3 multipart ETags end in -<parts>), and headers were kept.
    assert.match((await head(b, 'dst', `${DST_PREFIX}big/0`)).etag, /-3"?$/);
    const json = await head(b, 'dst', `${DST_PREFIX}small/07`);
    assert.equal(json.contentType, 'application/json');
    assert.equal(json.meta.owner, 'pipeline-x');
    assert.deepEqual((await listEtags(b, 'dst', '')).size, 52);
  });

  it('passes an independent rclone check (bytes compared with --download)', async () => {
    const env = rcloneEnv(swift, { src: ['teama', 'alice'], dst: ['teamb', 'bob'] });
    const args = ['check', `src:src/${SRC_PREFIX}`, `dst:dst/${DST_PREFIX}`, '--one-way', '--config', '/dev/null'];
    // Default mode compares MD5 ETags: the multipart targets have none, so rclone cannot hash them.
    const hashed = await execFileP('rclone', args, { env });
    assert.match(hashed.stderr, /0 differences found/);
    assert.match(hashed.stderr, /2 hashes could not be checked/);
    const downloaded = await execFileP('rclone', [...args, '--download'], { env });
    assert.match(downloaded.stderr, /0 differences found/);
    assert.match(downloaded.stderr, /52 matching files/);
  });

  it('resumes: a second run skips everything', async () => {
    const { summary } = await run();
    assert.deepEqual([summary.copied, summary.skipped, summary.failures.length], [0, 52, 0]);
  });

  it('re-copies exactly the deleted and corrupted objects', async () => {
    const gone = ['small/03', 'small/04', 'big/1'];
    for (const k of gone) await b.send(new DeleteObjectCommand({ Bucket: 'dst', Key: DST_PREFIX + k }));
    // Same size, different bytes: once without our metadata, once claiming the hash of its own bytes.
    const fake = randomBytes(64 * 1024);
    await b.send(new PutObjectCommand({ Bucket: 'dst', Key: `${DST_PREFIX}small/10`, Body: randomBytes(64 * 1024) }));
    await b.send(
      new PutObjectCommand({ Bucket: 'dst', Key: `${DST_PREFIX}small/11`, Body: fake, Metadata: { 'kfstore-sha256': sha256(fake) } }),
    );
    const { summary, results } = await run();
    const copied = results
      .filter((r) => r.outcome === 'copied')
      .map((r) => r.key.slice(SRC_PREFIX.length))
      .sort();
    assert.deepEqual(copied, ['big/1', 'small/03', 'small/04', 'small/10', 'small/11']);
    assert.deepEqual([summary.skipped, summary.failures.length], [47, 0]);
    await assertCopied(b, 'dst', DST_PREFIX);
  });

  it('aborts mid-copy without leaving partial objects or open uploads, and a re-run completes', async () => {
    const controller = new AbortController();
    const prefix = 'aborted/';
    const { summary } = await run({
      destination: { target: targetFor(swift, 'teamb', 'bob'), bucket: 'dst', prefix },
      concurrency: 2,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.bytes >= 6 * MiB) controller.abort();
      },
    });
    assert.equal(summary.aborted, true);
    assert.ok(summary.copied < 52, `copied ${summary.copied}`);
    assert.deepEqual(summary.failures, []);
    // Neither 12 MiB object can have finished by 6 MiB; whatever is visible is whole and verified.
    const visible = [...(await listEtags(b, 'dst', prefix)).keys()];
    assert.ok(!visible.includes(`${prefix}big/0`) && !visible.includes(`${prefix}big/1`), visible.join(','));
    for (const key of visible) {
      const body = bodies.get(SRC_PREFIX + key.slice(prefix.length));
      assert.ok(body !== undefined, key);
      const h = await head(b, 'dst', key);
      assert.deepEqual([h.size, h.sha], [body.length, sha256(body)], key);
    }
    const uploads = await b.send(new ListMultipartUploadsCommand({ Bucket: 'dst', Prefix: prefix }));
    assert.deepEqual(uploads.Uploads ?? [], []);
    const rerun = await run({ destination: { target: targetFor(swift, 'teamb', 'bob'), bucket: 'dst', prefix } });
    assert.deepEqual([rerun.summary.copied + rerun.summary.skipped, rerun.summary.failures.length, rerun.summary.aborted], [52, 0, false]);
    await assertCopied(b, 'dst', prefix);
  });

  it('recordUploads: a re-run aborts exactly the uploads a crashed copy recorded (with or without their id), and no other', async () => {
    const prefix = 'crashed/';
    const journal = new UploadJournal(b, 'dst', prefix);
    // A crash after CreateMultipartUpload was recorded with its id...
    const withId = await journal.open(`${prefix}big/0`);
    const first = await b.send(new CreateMultipartUploadCommand({ Bucket: 'dst', Key: `${prefix}big/0` }));
    await journal.started(withId, first.UploadId ?? '');
    // ...a crash between the intent and the id...
    await journal.open(`${prefix}big/1`);
    const second = await b.send(new CreateMultipartUploadCommand({ Bucket: 'dst', Key: `${prefix}big/1` }));
    // ...and an upload someone else started under the same prefix, which is not ours to abort.
    const foreign = await b.send(new CreateMultipartUploadCommand({ Bucket: 'dst', Key: `${prefix}theirs` }));
    try {
      const { summary } = await run({
        destination: { target: targetFor(swift, 'teamb', 'bob'), bucket: 'dst', prefix },
        recordUploads: true,
      });
      assert.deepEqual([summary.abortedUploads, summary.copied, summary.failures.length], [2, 52, 0]);
      const open = (await b.send(new ListMultipartUploadsCommand({ Bucket: 'dst', Prefix: prefix }))).Uploads ?? [];
      assert.deepEqual(
        open.map((u) => u.UploadId),
        [foreign.UploadId],
      );
      for (const [Key, UploadId] of [
        [`${prefix}big/0`, first.UploadId],
        [`${prefix}big/1`, second.UploadId],
      ]) {
        await assert.rejects(b.send(new ListPartsCommand({ Bucket: 'dst', Key, UploadId })), /NoSuchUpload/);
      }
      // Records are gone, and the copy's own uploads left none behind.
      assert.deepEqual([...(await listEtags(b, 'dst', `${prefix}.kfstore/`)).keys()], []);
      await assertCopied(b, 'dst', prefix);
    } finally {
      await b.send(new AbortMultipartUploadCommand({ Bucket: 'dst', Key: `${prefix}theirs`, UploadId: foreign.UploadId }));
    }
  });

  it('copies server-side within one store and verifies it', async () => {
    await seedBucket(a, 'src-copy');
    const same = targetFor(swift, 'teama', 'alice');
    const { summary } = await run({ destination: { target: same, bucket: 'src-copy', prefix: 'copy/' }, sameStore: true });
    assert.deepEqual([summary.copied, summary.serverSide, summary.failures.length], [52, 52, 0]);
    await assertCopied(a, 'src-copy', 'copy/', { wholeUpload: true });
  });

  it('a target bucket that does not exist stops the copy with one error naming it, without secrets', async () => {
    const failed = run({ destination: { target: targetFor(swift, 'teamb', 'bob'), bucket: 'no-such-bucket', prefix: '' } });
    await assert.rejects(failed, (e: Error) => {
      assert.match(e.message, /ListObjectsV2 s3:\/\/no-such-bucket .*NoSuchBucket/);
      assert.doesNotMatch(e.message, /bob-secret|alice-secret/);
      return true;
    });
  });

  it('reports per-object failures without secrets', async () => {
    // A target that lists fine but refuses every upload: each object fails on its own.
    const fake = await startFakeS3({ deny: ['PUT'] });
    try {
      const target = targetFromSession(
        { endpoint: fake.endpoint, region: 'us-east-1', disableSSL: 'true', forcePathStyle: 'true', maxRetries: '1' },
        { accessKeyId: 'k', secretAccessKey: 'fake-CANARY-secret' },
      );
      const { summary } = await run({
        source: { target: targetFor(swift, 'teama', 'alice'), bucket: 'src', prefix: `${SRC_PREFIX}small/0` },
        destination: { target, bucket: 'dst', prefix: '' },
      });
      assert.deepEqual([summary.listed, summary.copied, summary.failures.length], [10, 0, 10]);
      for (const f of summary.failures) {
        assert.match(f.reason, /AccessDenied/);
        assert.doesNotMatch(f.reason, /bob-secret|alice-secret|fake-CANARY-secret/);
      }
    } finally {
      await fake.close();
    }
  });

  it('the target itself refuses bytes that do not match the SHA-256 sent with them', async () => {
    const body = Buffer.from('the bytes that were read');
    const put = withPayloadSha256(new PutObjectCommand({ Bucket: 'dst', Key: 'tampered', Body: body }), sha256(Buffer.from('other bytes')));
    await assert.rejects(b.send(put), /BadDigest|XAmzContentSHA256Mismatch/);
    await assert.rejects(b.send(new HeadObjectCommand({ Bucket: 'dst', Key: 'tampered' })), /NotFound|404/);
    const ok = withPayloadSha256(new PutObjectCommand({ Bucket: 'dst', Key: 'tampered', Body: body }), sha256(body));
    await b.send(ok);
    await b.send(new DeleteObjectCommand({ Bucket: 'dst', Key: 'tampered' }));
    // The same for a part of a multipart upload.
    const up = await b.send(new CreateMultipartUploadCommand({ Bucket: 'dst', Key: 'tampered-part' }));
    try {
      const part = withPayloadSha256(
        new UploadPartCommand({ Bucket: 'dst', Key: 'tampered-part', UploadId: up.UploadId, PartNumber: 1, Body: body }),
        sha256(Buffer.from('other bytes')),
      );
      await assert.rejects(b.send(part), /BadDigest|XAmzContentSHA256Mismatch/);
      const parts = await b.send(new ListPartsCommand({ Bucket: 'dst', Key: 'tampered-part', UploadId: up.UploadId }));
      assert.deepEqual(parts.Parts ?? [], []);
    } finally {
      await b.send(new AbortMultipartUploadCommand({ Bucket: 'dst', Key: 'tampered-part', UploadId: up.UploadId }));
    }
  });

  it('never modified the source', async () => {
    assert.deepEqual(await listEtags(a, 'src', ''), sourceBefore);
  });
});
