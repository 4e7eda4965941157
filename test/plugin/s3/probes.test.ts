// KFS061-KFS063 against a real S3 server (OpenStack Swift + s3api): real SigV4 checks,
// accounts kept apart, and a non-admin user that gets real 403s.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import {
  AbortMultipartUploadCommand,
  CreateMultipartUploadCommand,
  DeleteObjectCommand,
  DeleteObjectsCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { makeS3Client } from '../../../plugin/s3/client.ts';
import { describeS3Error } from '../../../plugin/s3/errors.ts';
import { UPLOADS_DIR } from '../../../plugin/s3/copy/upload-journal.ts';
import { PROBE_DIR, probeBucket, probeIsolation, probeLifecycle, probeRoundTrip, probeUploads } from '../../../plugin/s3/probes.ts';
import type { ProbeFinding, ProbeTenant } from '../../../plugin/s3/probes.ts';
import { targetFromSession } from '../../../plugin/s3/launcher-connection.ts';
import { adminClient, listKeys, seedBucket } from '../../support/swift/seed.ts';
import { requireSwift, startSwift } from '../../support/swift/server.ts';
import type { SwiftServer } from '../../support/swift/server.ts';

const CANARY_SECRET = 'KFSTORE-CANARY-7c1e9b04-never-print-me';

let swift: SwiftServer;
let adminA: S3Client;
let adminB: S3Client;

function tenant(namespace: string, who: [string, string], bucket: string, prefix: string, secret?: string): ProbeTenant {
  const real = swift.credentials(...who);
  const params = {
    endpoint: swift.endpoint.replace('http://', ''),
    disableSSL: 'true',
    region: swift.region,
    forcePathStyle: 'true',
    maxRetries: '2',
    fromEnv: 'false',
    secretName: 's',
    accessKeyKey: 'a',
    secretKeyKey: 'k',
  };
  return {
    namespace,
    bucket,
    prefix,
    target: targetFromSession(params, secret === undefined ? real : { ...real, secretAccessKey: secret }),
  };
}

const alice: [string, string] = ['teama', 'alice'];
const bob: [string, string] = ['teamb', 'bob'];
const reader: [string, string] = ['teama', 'reader'];

async function probeLeftovers(client: S3Client, bucket: string): Promise<string[]> {
  return (await listKeys(client, bucket)).filter((k) => k.includes(PROBE_DIR));
}

describe('object-store probes against Swift', { timeout: 120_000 }, () => {
  before(async () => {
    requireSwift();
    const t0 = Date.now();
    swift = await startSwift({
      accounts: [
        { account: 'teama', user: 'alice', secret: 'team-a-secret', admin: true },
        { account: 'teamb', user: 'bob', secret: 'team-b-secret', admin: true },
        { account: 'teama', user: 'reader', secret: 'reader-secret', admin: false },
      ],
    });
    console.log(`swift started in ${Date.now() - t0} ms`);
    adminA = adminClient(swift, ...alice);
    adminB = adminClient(swift, ...bob);
    await seedBucket(adminA, 'team-a-bucket', { 'v2/artifacts/existing.txt': 'a' });
    await seedBucket(adminA, 'shared-bucket', { 'private-artifacts/ns2/run1/out.txt': 'ns2 output' });
    // Same bucket name in both accounts: A's copy holds a key under B's prefix.
    await seedBucket(adminA, 'mlpipeline', { 'private-artifacts/team-b/a-own.txt': 'a' });
    await seedBucket(adminB, 'mlpipeline', { 'private-artifacts/team-b/run/b.txt': 'b' });
    await seedBucket(adminB, 'team-b-bucket', { 'v2/artifacts/b.txt': 'b' });
  });

  after(async () => {
    adminA?.destroy();
    adminB?.destroy();
    if (swift === undefined) return;
    await swift.stop();
    assert.equal(existsSync(swift.dir), false, 'stop() removes the state dir');
  });

  describe('KFS061 probeBucket', () => {
    it('passes with the namespace credentials', async () => {
      const f = await probeBucket(tenant('team-a', alice, 'team-a-bucket', 'v2/artifacts/'));
      assert.deepEqual([f.id, f.level, f.namespace], ['KFS061', 'ok', 'team-a']);
      assert.equal(f.evidence?.HeadBucket, '200');
      assert.match(
        f.message,
        /s3:\/\/team-a-bucket\/v2\/artifacts\/ is reachable at http:\/\/127\.0\.0\.1:\d+ \(region us-east-1, path-style, access key team…\)/,
      );
    });

    it('names SignatureDoesNotMatch for a wrong secret (HEAD has no code: asks again)', async () => {
      const f = await probeBucket(tenant('team-a', alice, 'team-a-bucket', 'v2/artifacts/', 'wrong-secret'));
      assert.equal(f.level, 'error');
      assert.match(f.message, /403 SignatureDoesNotMatch: secret key wrong, or clock skew/);
      assert.match(f.fix, /secret key/);
      assert.equal(f.evidence?.ListObjectsV2, '403 SignatureDoesNotMatch');
    });

    it('an unknown access key: Swift answers SignatureDoesNotMatch, and the message says so', async () => {
      const t = tenant('team-a', alice, 'team-a-bucket', '');
      t.target.credentials = { accessKeyId: 'nobody:ghost', secretAccessKey: 'x' };
      const f = await probeBucket(t);
      assert.equal(f.level, 'error');
      assert.match(f.message, /access key nobo…\): 403 SignatureDoesNotMatch: .*also answer this for an unknown access key/);
    });

    it('names a missing bucket', async () => {
      const f = await probeBucket(tenant('team-a', alice, 'no-such-bucket', ''));
      assert.equal(f.level, 'error');
      assert.match(f.message, /404 NoSuchBucket: the bucket does not exist for access key team…/);
      assert.match(f.fix, /create bucket no-such-bucket/);
    });

    it('reports a denied HeadBucket for a user without access', async () => {
      const f = await probeBucket(tenant('team-a', reader, 'team-a-bucket', 'v2/'));
      assert.equal(f.level, 'error');
      assert.match(f.message, /403 AccessDenied: access key team… is not allowed/);
    });
  });

  describe('KFS062 probeRoundTrip', () => {
    it('puts, reads and deletes, leaving nothing behind', async () => {
      const f = await probeRoundTrip(tenant('team-a', alice, 'team-a-bucket', 'v2/artifacts/'));
      assert.equal(f.level, 'ok', f.message);
      assert.deepEqual(Object.fromEntries(Object.entries(f.evidence ?? {}).filter(([k]) => k !== 'key')), {
        PutObject: '200',
        HeadObject: '200',
        GetObject: '200',
        DeleteObject: '204',
        'HeadObject after Delete': '404 NotFound',
      });
      assert.deepEqual(await probeLeftovers(adminA, 'team-a-bucket'), []);
    });

    it('names the failing step for a user who may not write', async () => {
      const f = await probeRoundTrip(tenant('team-a', reader, 'team-a-bucket', 'v2/artifacts/'));
      assert.equal(f.level, 'error');
      assert.match(f.message, /Put denied: 403 AccessDenied/);
      assert.match(f.fix, /s3:PutObject/);
      assert.deepEqual(await probeLeftovers(adminA, 'team-a-bucket'), []);
    });
  });

  describe('KFS063 probeIsolation', () => {
    it('separate accounts are isolated (A sees NoSuchBucket)', async () => {
      const a = tenant('team-a', alice, 'team-a-bucket', 'v2/artifacts/');
      const b = tenant('team-b', bob, 'team-b-bucket', 'v2/artifacts/');
      const f = await probeIsolation(a, b, { write: true });
      assert.deepEqual([f.id, f.level, f.namespace], ['KFS063', 'ok', 'team-a']);
      assert.equal(f.evidence?.['GetObject (team-a)'], '404 NoSuchBucket');
      assert.equal(f.evidence?.['PutObject (team-a)'], '404 NoSuchBucket');
      assert.match(f.message, /reach a different bucket namespace/);
      assert.deepEqual(await probeLeftovers(adminB, 'team-b-bucket'), []);
    });

    it('a same-named bucket in another account is isolated, and its own keys are no listing leak', async () => {
      const a = tenant('team-a', alice, 'mlpipeline', 'private-artifacts/team-a/');
      const b = tenant('team-b', bob, 'mlpipeline', 'private-artifacts/team-b/');
      const f = await probeIsolation(a, b, { write: false });
      assert.equal(f.level, 'ok', f.message);
      assert.equal(f.evidence?.key, 's3://mlpipeline/private-artifacts/team-b/run/b.txt');
      assert.equal(f.evidence?.['GetObject (team-a)'], '404 NoSuchKey');
    });

    it('a user without access to the bucket is denied', async () => {
      const a = tenant('viewer', reader, 'team-a-bucket', 'v2/viewer/');
      const b = tenant('team-a', alice, 'team-a-bucket', 'v2/artifacts/');
      const f = await probeIsolation(a, b, { write: true });
      assert.equal(f.level, 'ok', f.message);
      assert.equal(f.evidence?.['GetObject (viewer)'], '403 AccessDenied');
      assert.equal(f.evidence?.['PutObject (viewer)'], '403 AccessDenied');
      assert.deepEqual(await probeLeftovers(adminA, 'team-a-bucket'), []);
    });

    it('namespaces sharing credentials and a bucket: cross read is an ERROR, listing leaks, canaries removed', async () => {
      const a = tenant('ns1', alice, 'shared-bucket', 'private-artifacts/ns1/');
      const b = tenant('ns2', alice, 'shared-bucket', 'private-artifacts/ns2/');
      const f = await probeIsolation(a, b, { write: true });
      assert.equal(f.level, 'error');
      assert.match(
        f.message,
        /namespace ns1 can read ns2's artifacts: GetObject s3:\/\/shared-bucket\/private-artifacts\/ns2\/\.kfstore-probe\/canary-/,
      );
      assert.match(f.message, /namespace ns1 can list ns2's keys under s3:\/\/shared-bucket\/private-artifacts\/ns2\/ \(names only\)/);
      assert.match(f.message, /namespace ns1 can write into s3:\/\/shared-bucket\/private-artifacts\/ns2\/: PutObject allowed/);
      assert.match(f.message, /both namespaces use access key team…/);
      assert.match(f.fix, /own credentials/);
      assert.equal(f.evidence?.['GetObject (ns1)'], '206', 'a one-byte ranged read');
      assert.equal(f.evidence?.['DeleteObject canary (ns2)'], '204');
      assert.equal(f.evidence?.['DeleteObject intrusion (ns1)'], '204');
      assert.deepEqual(await probeLeftovers(adminA, 'shared-bucket'), []);
      assert.deepEqual(await listKeys(adminA, 'shared-bucket'), ['private-artifacts/ns2/run1/out.txt']);
    });

    it('without --probe-write uses an existing object of B', async () => {
      const a = tenant('ns1', alice, 'shared-bucket', 'private-artifacts/ns1/');
      const b = tenant('ns2', alice, 'shared-bucket', 'private-artifacts/ns2/');
      const f = await probeIsolation(a, b, { write: false });
      assert.equal(f.level, 'error');
      assert.equal(f.evidence?.key, 's3://shared-bucket/private-artifacts/ns2/run1/out.txt');
      assert.equal(f.evidence?.['PutObject (ns1)'], undefined, 'no writes without --probe-write');
    });

    it('without --probe-write and no object under B is skipped with a hint', async () => {
      const a = tenant('ns1', alice, 'shared-bucket', 'private-artifacts/ns1/');
      const b = tenant('ns3', alice, 'shared-bucket', 'private-artifacts/ns3/');
      const f = await probeIsolation(a, b, { write: false });
      assert.equal(f.level, 'info');
      assert.match(f.message, /skipped: no known object under s3:\/\/shared-bucket\/private-artifacts\/ns3\//);
      assert.match(f.fix, /--probe-write/);
    });
  });

  describe('KFS066 probeUploads', () => {
    it('counts incomplete uploads under the prefix, which of them migrate recorded, and calls them stale after a day', async () => {
      const t = tenant('team-a', alice, 'team-a-bucket', 'v2/artifacts/');
      assert.equal((await probeUploads(t)).level, 'ok');
      const ours = await adminA.send(new CreateMultipartUploadCommand({ Bucket: 'team-a-bucket', Key: 'v2/artifacts/run/model.bin' }));
      const theirs = await adminA.send(new CreateMultipartUploadCommand({ Bucket: 'team-a-bucket', Key: 'v2/artifacts/run/other.bin' }));
      const elsewhere = await adminA.send(new CreateMultipartUploadCommand({ Bucket: 'team-a-bucket', Key: 'outside/x.bin' }));
      const record = `v2/artifacts/${UPLOADS_DIR}r1.json`;
      await adminA.send(
        new PutObjectCommand({
          Bucket: 'team-a-bucket',
          Key: record,
          Body: JSON.stringify({ key: 'v2/artifacts/run/model.bin', uploadId: ours.UploadId }),
        }),
      );
      try {
        const now = await probeUploads(t);
        assert.deepEqual([now.id, now.level, now.evidence], ['KFS066', 'info', { uploads: '2', recorded: '1' }]);
        assert.match(
          now.message,
          /^2 multipart uploads under s3:\/\/team-a-bucket\/v2\/artifacts\/ are in progress \(started within 24 h\); 1 of them started by kubectl kfstore migrate --copy-artifacts$/,
        );
        const later = await probeUploads(t, {}, Date.now() + 2 * 24 * 3600 * 1000);
        assert.equal(later.level, 'warn');
        assert.match(
          later.message,
          /^2 of 2 incomplete multipart uploads under s3:\/\/team-a-bucket\/v2\/artifacts\/ were started more than 24 h ago/,
        );
        assert.match(later.fix, /^re-run kubectl kfstore migrate --copy-artifacts for team-a to abort the 1 it started/);
      } finally {
        for (const [Key, u] of [
          ['v2/artifacts/run/model.bin', ours],
          ['v2/artifacts/run/other.bin', theirs],
          ['outside/x.bin', elsewhere],
        ] as const) {
          await adminA.send(new AbortMultipartUploadCommand({ Bucket: 'team-a-bucket', Key, UploadId: u.UploadId }));
        }
        await adminA.send(new DeleteObjectCommand({ Bucket: 'team-a-bucket', Key: record }));
      }
    });
  });

  it('DeleteObjects works through makeS3Client (Content-MD5 added for Swift)', async () => {
    const c = makeS3Client(tenant('team-a', alice, 'team-a-bucket', '').target);
    try {
      for (const Key of ['batch/1', 'batch/2']) await c.send(new PutObjectCommand({ Bucket: 'team-a-bucket', Key, Body: Key }));
      const out = await c.send(
        new DeleteObjectsCommand({ Bucket: 'team-a-bucket', Delete: { Objects: [{ Key: 'batch/1' }, { Key: 'batch/2' }] } }),
      );
      assert.equal(out.Errors?.length ?? 0, 0);
      assert.deepEqual(await listKeys(adminA, 'team-a-bucket', 'batch/'), []);
    } finally {
      c.destroy();
    }
  });

  it('never reveals a secret key or a full access key id', async () => {
    const bad = tenant('team-a', alice, 'team-a-bucket', 'v2/artifacts/', CANARY_SECRET);
    const good = tenant('team-b', bob, 'team-b-bucket', 'v2/artifacts/');
    const results: ProbeFinding[] = [
      await probeBucket(bad),
      await probeRoundTrip(bad),
      await probeIsolation(bad, good, { write: true }),
      await probeIsolation(good, bad, { write: true }),
    ];
    const text = JSON.stringify(results);
    assert.ok(!text.includes(CANARY_SECRET), 'canary secret in findings');
    for (const secret of ['team-a-secret', 'team-b-secret', 'teama:alice', 'teamb:bob'])
      assert.ok(!text.includes(secret), `${secret} in findings`);
    assert.ok(
      results.every((f) => f.level === 'error' || f.level === 'info' || f.level === 'warn'),
      text,
    );

    // The raw SDK error carries signing details; the mapped message does not.
    const c = makeS3Client(bad.target);
    try {
      const err = await c.send(new PutObjectCommand({ Bucket: 'team-a-bucket', Key: 'k', Body: 'x' })).then(
        () => assert.fail('wrong secret accepted'),
        (e: unknown) => e,
      );
      const mapped = describeS3Error(err, { op: 'PutObject', target: bad.target, bucket: 'team-a-bucket', key: 'k' });
      assert.equal(mapped.kind, 'signature');
      assert.ok(!JSON.stringify(mapped).includes(CANARY_SECRET));
      assert.ok(!String(err).includes(CANARY_SECRET) && !(err instanceof Error && err.message.includes(CANARY_SECRET)));
    } finally {
      c.destroy();
    }
  });
  describe('KFS065 probeLifecycle', () => {
    it("Swift's S3 API does not implement lifecycle: the finding says the store cannot tell, not that the bucket has no rule", async () => {
      const f = await probeLifecycle(tenant('team-a', alice, 'team-a-bucket', 'v2/artifacts/'));
      assert.deepEqual([f.id, f.level, f.namespace], ['KFS065', 'info', 'team-a']);
      assert.match(
        f.message,
        /the store does not support reading s3:\/\/team-a-bucket's lifecycle configuration \(it answered without a lifecycle configuration\)/,
      );
      assert.doesNotMatch(f.message, /has no lifecycle configuration/);
    });
    it('a non-admin user of the account: still only INFO, and no secret is printed', async () => {
      const f = await probeLifecycle(tenant('team-a', reader, 'team-a-bucket', 'v2/artifacts/'));
      assert.equal(f.level, 'info', f.message);
      assert.ok(!JSON.stringify(f).includes('reader-secret'));
    });
  });
});
