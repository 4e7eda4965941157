// Probes against endpoints that fail below S3 (refused port, TLS) and a stand-in store whose
// policy denies Delete. Everything listens on 127.0.0.1.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import type { AddressInfo, Socket } from 'node:net';
import { generateCA, issueServingCert } from '../../../certs/ca.ts';
import { probeBucket, probeRoundTrip } from '../../../plugin/s3/probes.ts';
import type { ProbeTenant } from '../../../plugin/s3/probes.ts';
import { targetFromSession } from '../../../plugin/s3/launcher-connection.ts';
import { closedPort } from '../../support/ports.ts';
import { startFakeS3 } from './fake-s3.ts';
import type { FakeS3 } from './fake-s3.ts';

const creds = { accessKeyId: 'probe-user', secretAccessKey: 'probe-secret-value' };

function tenant(endpoint: string, prefix = 'v2/artifacts/ns1/'): ProbeTenant {
  return {
    namespace: 'ns1',
    bucket: 'mlpipeline',
    prefix,
    target: targetFromSession({ endpoint, region: 'us-east-1', maxRetries: '2' }, creds),
  };
}

function assertNoStack(text: string): void {
  assert.doesNotMatch(text, /\n\s+at |node:internal|\.ts:\d+/, text);
  assert.ok(!text.includes(creds.secretAccessKey));
}

describe('probeBucket below S3', { timeout: 30_000 }, () => {
  let ca: { certPem: string; keyPem: string };
  let tlsStore: FakeS3;
  let plain: FakeS3;
  before(async () => {
    const now = new Date();
    ca = await generateCA({ commonName: 'kfstore test CA', validityDays: 1, now });
    const serving = await issueServingCert({
      ca,
      commonName: 'localhost',
      dnsNames: ['localhost'],
      ipAddresses: ['127.0.0.1'],
      validityDays: 1,
      now,
    });
    tlsStore = await startFakeS3({ tls: serving });
    plain = await startFakeS3();
  });
  after(async () => {
    await tlsStore.close();
    await plain.close();
  });

  it('maps a refused port to "connection refused" naming host and port', async () => {
    const port = await closedPort();
    const f = await probeBucket(tenant(`http://127.0.0.1:${port}`));
    assert.equal(f.id, 'KFS061');
    assert.equal(f.level, 'error');
    assert.match(f.message, new RegExp(`connection refused \\(127\\.0\\.0\\.1:${port}\\)`));
    assert.match(f.message, /s3:\/\/mlpipeline\//);
    assert.equal(f.evidence?.HeadBucket, 'ECONNREFUSED');
    assertNoStack(JSON.stringify(f));
  });

  it('reports an empty region per request, as the launcher fails', async () => {
    const t = tenant(`http://127.0.0.1:${await closedPort()}`);
    t.target.region = '';
    const f = await probeBucket(t);
    assert.equal(f.level, 'error');
    assert.match(f.message, /no usable region \(""\)/);
  });

  it('reports instead of throwing for an endpoint the SDK cannot use', async () => {
    const f = await probeBucket(tenant('http://bad host:9000'));
    assert.equal(f.level, 'error');
    assert.match(f.message, /is not a valid URL/);
    assertNoStack(JSON.stringify(f));
  });

  it('skips fromEnv credentials, which exist only in the pod', async () => {
    const t = tenant('http://127.0.0.1:1');
    delete t.target.credentials;
    for (const f of [await probeBucket(t), await probeRoundTrip(t)]) {
      assert.equal(f.level, 'info');
      assert.match(f.message, /skipped: .*fromEnv/);
    }
  });

  it('gives up on a silent endpoint after the timeout', async () => {
    const sockets: Socket[] = [];
    const silent = createServer((s) => sockets.push(s)); // accepts, never answers
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve));
    try {
      const started = Date.now();
      const f = await probeBucket(tenant(`http://127.0.0.1:${(silent.address() as AddressInfo).port}`), { timeoutMs: 300 });
      assert.equal(f.level, 'error');
      assert.match(f.message, /no answer in time \(127\.0\.0\.1:\d+\)/);
      assert.ok(Date.now() - started < 5000, 'bounded by timeoutMs x maxRetries');
    } finally {
      for (const s of sockets) s.destroy();
      await new Promise((resolve) => silent.close(resolve));
    }
  });

  it('maps an untrusted certificate to a TLS finding that suggests --s3-ca-bundle', async () => {
    const f = await probeBucket(tenant(tlsStore.endpoint));
    assert.equal(f.level, 'error');
    assert.match(
      f.message,
      /the endpoint's certificate is not trusted \((UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY|SELF_SIGNED_CERT_IN_CHAIN)\)/,
    );
    assert.match(f.fix, /--s3-ca-bundle/);
    assertNoStack(JSON.stringify(f));
    assert.equal(tlsStore.requests.length, 0, 'no request got past the handshake');
  });

  it('trusts the endpoint with the CA bundle', async () => {
    const f = await probeBucket(tenant(tlsStore.endpoint), { caBundle: ca.certPem });
    assert.equal(f.level, 'ok', f.message);
    assert.deepEqual(tlsStore.requests, ['HEAD /mlpipeline/']);
  });

  it('says when an https endpoint serves plain HTTP', async () => {
    const f = await probeBucket(tenant(plain.endpoint.replace('http://', 'https://')));
    assert.equal(f.level, 'error');
    assert.match(f.message, /probably serves plain HTTP/);
    assertNoStack(JSON.stringify(f));
  });
});

describe('probeBucket error codes other stores send', { timeout: 30_000 }, () => {
  const all = ['HEAD', 'GET', 'PUT', 'DELETE'];
  const cases: [string, { status: number; code: string; extra?: string }, RegExp][] = [
    [
      'an unknown access key',
      { status: 403, code: 'InvalidAccessKeyId' },
      /403 InvalidAccessKeyId: access key prob… is unknown to this store/,
    ],
    [
      'a bucket in another region',
      { status: 400, code: 'AuthorizationHeaderMalformed', extra: '<Region>eu-west-1</Region>' },
      /400 AuthorizationHeaderMalformed: wrong region "us-east-1" for this bucket \(the store says eu-west-1\)/,
    ],
    ['a redirect to another region', { status: 301, code: 'PermanentRedirect' }, /301 PermanentRedirect: wrong region "us-east-1"/],
    ['an unknown code', { status: 418, code: 'Teapot' }, /418 Teapot: Denied/],
  ];
  for (const [name, error, expected] of cases) {
    it(`names ${name}`, async () => {
      const store = await startFakeS3({ deny: all, error });
      try {
        const f = await probeBucket(tenant(store.endpoint));
        assert.equal(f.level, 'error');
        assert.match(f.message, expected);
        assertNoStack(JSON.stringify(f));
      } finally {
        await store.close();
      }
    });
  }
});

describe('probeRoundTrip step reporting', { timeout: 30_000 }, () => {
  it('passes and leaves nothing behind on a permissive store', async () => {
    const store = await startFakeS3();
    try {
      const f = await probeRoundTrip(tenant(store.endpoint));
      assert.equal(f.id, 'KFS062');
      assert.equal(f.level, 'ok', f.message);
      assert.equal(store.objects.size, 0);
      assert.match(f.evidence?.key ?? '', /^v2\/artifacts\/ns1\/\.kfstore-probe\/[0-9a-f-]{36}$/);
      assert.equal(f.evidence?.['HeadObject after Delete'], '404 NotFound');
    } finally {
      await store.close();
    }
  });

  it('reports "Put, Head, Get allowed but Delete denied" and the leftover key', async () => {
    const store = await startFakeS3({ deny: ['DELETE'] });
    try {
      const f = await probeRoundTrip(tenant(store.endpoint));
      assert.equal(f.level, 'error');
      const key = f.evidence?.key ?? '';
      assert.match(f.message, /Put, Head, Get allowed but Delete denied: 403 AccessDenied/);
      assert.ok(f.message.includes(`probe object left behind: s3://mlpipeline/${key}`), f.message);
      assert.match(f.fix, /s3:DeleteObject/);
      assert.deepEqual([...store.objects.keys()], [`mlpipeline/${key}`]);
      assert.equal(f.evidence?.['cleanup DeleteObject'], '403 AccessDenied');
    } finally {
      await store.close();
    }
  });

  it('reports a denied Put without attempting more', async () => {
    const store = await startFakeS3({ deny: ['PUT'] });
    try {
      const f = await probeRoundTrip(tenant(store.endpoint, ''));
      assert.equal(f.level, 'error');
      assert.match(f.message, /round trip under s3:\/\/mlpipeline\/ at .*: Put denied: 403 AccessDenied/);
      assert.match(f.fix, /s3:PutObject/);
      assert.deepEqual(
        store.requests.map((r) => r.split(' ')[0]),
        ['PUT'],
      );
    } finally {
      await store.close();
    }
  });
});
