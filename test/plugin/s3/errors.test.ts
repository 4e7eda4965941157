// describeS3Error on error shapes the SDK and Node produce (built by hand: no network).
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { describeS3Error, errorFields, hasSpecificCode } from '../../../plugin/s3/errors.ts';
import { targetFromSession } from '../../../plugin/s3/launcher-connection.ts';

const target = targetFromSession(
  { endpoint: 'minio.kubeflow:9000', disableSSL: 'true', region: 'us-east-1' },
  { accessKeyId: 'AKIA1234567890', secretAccessKey: 'sEcReT/value+123' },
);
const ctx = { op: 'GetObject', target, bucket: 'mlpipeline', key: 'v2/a.txt' };

function sdkError(name: string, status: number, extra: Record<string, unknown> = {}): Error {
  return Object.assign(new Error(`${name} message`), { name, $metadata: { httpStatusCode: status }, $fault: 'client', ...extra });
}

function nodeError(code: string, message = code): Error {
  return Object.assign(new Error(message), { code });
}

describe('describeS3Error', () => {
  it('names the operation, object and endpoint', () => {
    const info = describeS3Error(sdkError('AccessDenied', 403, { Code: 'AccessDenied' }), ctx);
    assert.equal(info.kind, 'access-denied');
    assert.equal(
      info.message,
      'GetObject s3://mlpipeline/v2/a.txt at http://minio.kubeflow:9000: 403 AccessDenied: access key AKIA… is not allowed to do this',
    );
    assert.equal(info.status, 403);
  });

  it('treats a 404 on HeadBucket as NoSuchBucket and on HeadObject as NoSuchKey', () => {
    assert.equal(describeS3Error(sdkError('NotFound', 404), { ...ctx, op: 'HeadBucket', key: undefined }).kind, 'no-such-bucket');
    const head = describeS3Error(sdkError('NotFound', 404), { ...ctx, op: 'HeadObject' });
    assert.equal(head.kind, 'no-such-key');
    assert.match(head.cause, /404 NoSuchKey/);
  });

  it('knows which answers carry no S3 code', () => {
    assert.equal(hasSpecificCode(sdkError('NotFound', 404)), false);
    assert.equal(hasSpecificCode(sdkError('Unknown', 403)), false);
    assert.equal(hasSpecificCode(sdkError('SignatureDoesNotMatch', 403, { Code: 'SignatureDoesNotMatch' })), true);
    assert.equal(hasSpecificCode(nodeError('ECONNREFUSED')), false);
  });

  it('maps credential, region and clock errors', () => {
    assert.match(describeS3Error(sdkError('SignatureDoesNotMatch', 403), ctx).cause, /secret key wrong, or clock skew/);
    assert.equal(describeS3Error(sdkError('InvalidAccessKeyId', 403), ctx).kind, 'invalid-access-key');
    assert.equal(describeS3Error(sdkError('RequestTimeTooSkewed', 403), ctx).kind, 'signature');
    const redirect = describeS3Error(sdkError('PermanentRedirect', 301), ctx);
    assert.equal(redirect.kind, 'region');
    assert.match(redirect.fix, /region/);
    assert.equal(describeS3Error(new Error('Region is missing'), ctx).kind, 'region');
  });

  it('maps network errors, including a happy-eyeballs AggregateError', () => {
    const refused = new AggregateError([nodeError('ECONNREFUSED'), nodeError('ECONNREFUSED')], 'connect failed');
    assert.equal(errorFields(refused).code, 'ECONNREFUSED');
    assert.match(describeS3Error(refused, ctx).cause, /connection refused \(minio\.kubeflow:9000\)/);
    const dns = describeS3Error(nodeError('ENOTFOUND', 'getaddrinfo ENOTFOUND minio.kubeflow'), ctx);
    assert.equal(dns.kind, 'dns');
    assert.match(dns.fix, /inside the cluster/);
    const timeout = Object.assign(new Error('Socket timed out without establishing a connection within 5000 ms'), { name: 'TimeoutError' });
    assert.equal(describeS3Error(timeout, ctx).kind, 'timeout');
  });

  it('maps TLS errors: untrusted, wrong name, plain HTTP', () => {
    assert.match(describeS3Error(nodeError('SELF_SIGNED_CERT_IN_CHAIN'), ctx).fix, /--s3-ca-bundle/);
    assert.match(describeS3Error(nodeError('ERR_TLS_CERT_ALTNAME_INVALID'), ctx).cause, /does not name minio\.kubeflow:9000/);
    assert.match(describeS3Error(nodeError('EPROTO', 'SSL routines:ssl3_get_record:wrong version number'), ctx).cause, /plain HTTP/);
  });

  it('falls back to name and code, without stack or credentials', () => {
    const err = sdkError('InternalError', 500, {
      Code: 'InternalError',
      message: `boom for sEcReT/value+123 and AKIA1234567890\n    at secret.ts:1:1`,
    });
    const info = describeS3Error(err, ctx);
    assert.equal(info.kind, 'other');
    assert.equal(info.cause, '500 InternalError: boom for *** and AKIA…');
  });

  it('scrubs short secrets only as whole words', () => {
    const short = targetFromSession({ endpoint: 'x:1', region: 'r' }, { accessKeyId: 'ab', secretAccessKey: 's' });
    const info = describeS3Error(Object.assign(new Error('this is s and ab'), { name: 'Odd' }), {
      op: 'HeadBucket',
      target: short,
      bucket: 'b',
    });
    assert.equal(info.cause, 'Odd: this is *** and ****');
  });

  it('handles non-Error values', () => {
    assert.equal(describeS3Error('weird', ctx).kind, 'other');
    assert.equal(describeS3Error(Object.assign(new Error('no creds'), { name: 'CredentialsProviderError' }), ctx).kind, 'credentials');
  });
});
