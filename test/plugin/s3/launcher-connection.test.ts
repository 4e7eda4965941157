import { describe as suite, it } from 'node:test';
import assert from 'node:assert/strict';
import { describe, redactKeyId, targetFromSession } from '../../../plugin/s3/launcher-connection.ts';

const creds = { accessKeyId: 'AKIAEXAMPLEKEY', secretAccessKey: 'never-shown-secret' };

suite('targetFromSession (KFP 2.15+ launcher rules)', () => {
  it('takes a KFP default minio session as the launcher does', () => {
    const t = targetFromSession(
      {
        accessKeyKey: 'accesskey',
        disableSSL: 'true',
        endpoint: 'seaweedfs.kubeflow:9000',
        fromEnv: 'false',
        maxRetries: '5',
        region: 'minio',
        secretKeyKey: 'secretkey',
        secretName: 'mlpipeline-minio-artifact',
      },
      creds,
    );
    assert.deepEqual(t, {
      endpoint: 'http://seaweedfs.kubeflow:9000',
      region: 'minio',
      forcePathStyle: true,
      disableSSL: true,
      maxRetries: 5,
      credentials: creds,
    });
  });

  it('adds https:// to a scheme-less endpoint unless disableSSL', () => {
    assert.equal(
      targetFromSession({ endpoint: 'minio.example.com:9000', disableSSL: 'false', region: 'r' }, creds).endpoint,
      'https://minio.example.com:9000',
    );
    assert.equal(targetFromSession({ endpoint: 'minio.example.com:9000', region: 'r' }, creds).endpoint, 'https://minio.example.com:9000');
  });

  it('keeps an explicit scheme, but disableSSL turns https into http (the SDK rewrites the scheme)', () => {
    assert.equal(
      targetFromSession({ endpoint: 'http://10.0.0.1:9000', disableSSL: 'false', region: 'r' }, creds).endpoint,
      'http://10.0.0.1:9000',
    );
    assert.equal(
      targetFromSession({ endpoint: 'https://store:443/base', disableSSL: 'false', region: 'r' }, creds).endpoint,
      'https://store:443/base',
    );
    assert.equal(targetFromSession({ endpoint: 'https://store:443', disableSSL: 'true', region: 'r' }, creds).endpoint, 'http://store:443');
  });

  it('drops the AWS global endpoint (matched lower-cased, with or without https://) and an empty one', () => {
    for (const endpoint of ['s3.amazonaws.com', 'https://s3.amazonaws.com', 'HTTPS://S3.AMAZONAWS.COM', 's3.amazonaws.com:443', '']) {
      assert.equal(targetFromSession({ endpoint, region: 'eu-west-1' }, creds).endpoint, undefined, endpoint);
    }
    // Only the global name: regional endpoints and http:// are passed through.
    assert.equal(
      targetFromSession({ endpoint: 's3.eu-west-1.amazonaws.com', region: 'eu-west-1' }, creds).endpoint,
      'https://s3.eu-west-1.amazonaws.com',
    );
    assert.equal(
      targetFromSession({ endpoint: 'http://s3.amazonaws.com', region: 'us-east-1' }, creds).endpoint,
      'http://s3.amazonaws.com',
    );
    assert.equal(targetFromSession({ region: 'us-east-1' }, creds).endpoint, undefined);
  });

  it('defaults forcePathStyle to true and parses Go booleans', () => {
    assert.equal(targetFromSession({}, undefined).forcePathStyle, true);
    assert.equal(targetFromSession({ forcePathStyle: 'false' }, undefined).forcePathStyle, false);
    assert.equal(targetFromSession({ forcePathStyle: 'F' }, undefined).forcePathStyle, false);
    assert.equal(targetFromSession({ disableSSL: '1' }, undefined).disableSSL, true);
    assert.throws(
      () => targetFromSession({ disableSSL: 'yes' }, undefined),
      /disableSSL: strconv\.ParseBool: parsing "yes": invalid syntax/,
    );
  });

  it('uses maxRetries as max attempts, the SDK default 3 when absent or 0', () => {
    assert.equal(targetFromSession({ maxRetries: '5' }, undefined).maxRetries, 5);
    assert.equal(targetFromSession({ maxRetries: '0' }, undefined).maxRetries, 3);
    assert.equal(targetFromSession({}, undefined).maxRetries, 3);
    assert.throws(() => targetFromSession({ maxRetries: '5x' }, undefined), /strconv\.ParseInt/);
  });

  it('keeps an empty region and leaves credentials out for fromEnv', () => {
    const t = targetFromSession({ fromEnv: 'true' }, undefined);
    assert.equal(t.region, '');
    assert.equal('credentials' in t, false);
  });
});

suite('describe', () => {
  it('names endpoint, region and path style, and redacts the access key id', () => {
    const text = describe(targetFromSession({ endpoint: 'minio:9000', disableSSL: 'true', region: 'us-east-1' }, creds));
    assert.equal(text, 'http://minio:9000 (region us-east-1, path-style, access key AKIA…)');
    assert.ok(!text.includes(creds.secretAccessKey));
    assert.ok(!text.includes(creds.accessKeyId));
  });

  it('describes AWS endpoints and fromEnv credentials', () => {
    assert.equal(
      describe(targetFromSession({ region: '', forcePathStyle: 'false' }, undefined)),
      'AWS S3 (https, endpoint from region) (region (empty), virtual-hosted-style, credentials from the pod environment)',
    );
  });

  it('redacts short ids completely', () => {
    assert.equal(redactKeyId('abc'), '****');
    assert.equal(redactKeyId('teama:alice'), 'team…');
  });
});
