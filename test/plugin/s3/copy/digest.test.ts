// Checksums computed while bytes stream past, and the checks that stop a bad copy.
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { Digest, digested } from '../../../../plugin/s3/copy/digest.ts';

const hex = (algo: string, b: Buffer): string => createHash(algo).update(b).digest('hex');

async function drain(body: Buffer, digest: Digest): Promise<Buffer[]> {
  async function* chunks(): AsyncGenerator<Buffer> {
    for (let i = 0; i < body.length; i += 777) yield body.subarray(i, i + 777);
  }
  const out: Buffer[] = [];
  for await (const c of digested(chunks(), digest)) out.push(c);
  return out;
}

describe('Digest', () => {
  it('passes bytes through unchanged and computes size and SHA-256', async () => {
    const body = randomBytes(100_000);
    const seen: number[] = [];
    const d = new Digest({ size: body.length, sha256: hex('sha256', body), md5: hex('md5', body) }, { onBytes: (n) => seen.push(n) });
    assert.deepEqual(Buffer.concat(await drain(body, d)), body);
    assert.deepEqual([d.bytes, d.sha256], [body.length, hex('sha256', body)]);
    assert.equal(
      seen.reduce((a, b) => a + b, 0),
      body.length,
    );
  });

  it('fails at the end on a size, SHA-256 or MD5 mismatch (so an upload is never completed)', async () => {
    const body = randomBytes(1000);
    await assert.rejects(drain(body, new Digest({ size: 999 })), /size changed/);
    await assert.rejects(drain(body, new Digest({ size: 1000, sha256: hex('sha256', randomBytes(1000)) })), /SHA-256/);
    await assert.rejects(drain(body, new Digest({ size: 1000, md5: hex('md5', randomBytes(1000)) })), /MD5 .* source's ETag/);
  });

  it('computes SHA-256 only when asked or expected', async () => {
    const body = randomBytes(1000);
    const none = new Digest({ size: 1000 });
    await drain(body, none);
    assert.equal(none.sha256, '');
    const asked = new Digest(undefined, { sha256: true });
    await drain(body, asked);
    assert.equal(asked.sha256, hex('sha256', body));
  });
});
