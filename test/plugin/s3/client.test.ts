// What makeS3Client puts on the wire, captured before sending (no server needed).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { DeleteObjectsCommand, GetObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { makeS3Client } from '../../../plugin/s3/client.ts';
import { targetFromSession } from '../../../plugin/s3/launcher-connection.ts';

interface Sent {
  protocol: string;
  hostname: string;
  port?: number;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}

const creds = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI' };

/** Sends `command` but stops it after signing, returning the request that would go out. */
async function capture(client: S3Client, send: (c: S3Client) => Promise<unknown>): Promise<Sent> {
  let sent: Sent | undefined;
  client.middlewareStack.add(
    () => async (args) => {
      sent = args.request as Sent;
      throw new Error('captured');
    },
    { step: 'finalizeRequest', priority: 'low', name: 'testCapture' },
  );
  await assert.rejects(send(client), /captured/);
  client.destroy();
  if (sent === undefined) throw new Error('nothing captured');
  return sent;
}

describe('makeS3Client', () => {
  it('uses plain HTTP for AWS endpoints when disableSSL (EndpointOptions.DisableHTTPS)', async () => {
    const c = makeS3Client(targetFromSession({ region: 'us-west-2', disableSSL: 'true', forcePathStyle: 'false', maxRetries: '1' }, creds));
    const r = await capture(c, (x) => x.send(new GetObjectCommand({ Bucket: 'my-bucket', Key: 'k' })));
    assert.equal(r.protocol, 'http:');
    assert.equal(r.hostname, 'my-bucket.s3.us-west-2.amazonaws.com');
  });

  it('addresses path-style on a custom endpoint', async () => {
    const c = makeS3Client(targetFromSession({ endpoint: 'minio.local:9000', region: 'minio', disableSSL: 'true' }, creds));
    const r = await capture(c, (x) => x.send(new GetObjectCommand({ Bucket: 'mlpipeline', Key: 'v2/artifacts/x' })));
    assert.deepEqual([r.protocol, r.hostname, r.port, r.path], ['http:', 'minio.local', 9000, '/mlpipeline/v2/artifacts/x']);
  });

  it('sends plain PUTs without aws-chunked encoding or trailing checksums', async () => {
    const c = makeS3Client(targetFromSession({ endpoint: 'https://store.example', region: 'us-east-1' }, creds));
    const r = await capture(c, (x) => x.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'hello' })));
    assert.equal(r.protocol, 'https:');
    const names = Object.keys(r.headers).map((h) => h.toLowerCase());
    assert.ok(!names.some((h) => h.startsWith('x-amz-checksum') || h === 'x-amz-trailer'), names.join(','));
    assert.notEqual(r.headers['content-encoding'], 'aws-chunked');
  });

  it('adds Content-MD5 to DeleteObjects (Swift requires it)', async () => {
    const c = makeS3Client(targetFromSession({ endpoint: 'http://127.0.0.1:1', region: 'us-east-1' }, creds));
    const r = await capture(c, (x) => x.send(new DeleteObjectsCommand({ Bucket: 'b', Delete: { Objects: [{ Key: 'a' }, { Key: 'b' }] } })));
    assert.equal(typeof r.body, 'string');
    assert.equal(
      r.headers['content-md5'],
      createHash('md5')
        .update(r.body as string)
        .digest('base64'),
    );
  });

  it('does not add Content-MD5 to other requests', async () => {
    const c = makeS3Client(targetFromSession({ endpoint: 'http://127.0.0.1:1', region: 'us-east-1' }, creds));
    const r = await capture(c, (x) => x.send(new PutObjectCommand({ Bucket: 'b', Key: 'k', Body: 'x' })));
    assert.equal(r.headers['content-md5'], undefined);
  });
});
