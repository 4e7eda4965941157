// Which ETags are MD5s of the object's bytes.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { plainMd5, unquote } from '../../../../plugin/s3/copy/list.ts';

const MD5 = '5d41402abc4b2a76b9719d911017c592';

describe('plainMd5', () => {
  it('reads a single-part ETag, quoted or not, in any case', () => {
    assert.equal(plainMd5(`"${MD5}"`), MD5);
    assert.equal(plainMd5(MD5.toUpperCase()), MD5);
    assert.equal(unquote(`W/"${MD5}"`), MD5);
  });

  it('is undefined for multipart ETags and for objects encrypted with SSE-KMS or SSE-C', () => {
    assert.equal(plainMd5(`"${MD5}-3"`), undefined);
    assert.equal(plainMd5(MD5, { ServerSideEncryption: 'aws:kms' }), undefined);
    assert.equal(plainMd5(MD5, { ServerSideEncryption: 'aws:kms:dsse' }), undefined);
    assert.equal(plainMd5(MD5, { SSECustomerAlgorithm: 'AES256' }), undefined);
    assert.equal(plainMd5(MD5, { ServerSideEncryption: 'AES256' }), MD5);
    assert.equal(plainMd5(''), undefined);
    assert.equal(plainMd5(undefined), undefined);
  });
});
