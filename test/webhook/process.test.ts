// The built webhook as a process: start-up errors, real HTTPS verified against a generated CA,
// certificate rotation in the middle of a load run, metrics, the body cap on a streamed body, and
// draining on SIGTERM.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { request as httpRequest } from 'node:http';
import { Agent } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { certificateInfo, generateCA, issueServingCert } from '../../certs/ca.ts';
import { ensureDevCertificates } from '../../certs/cli.ts';
import type { DevCertificates } from '../../certs/cli.ts';
import { readPair, writePairAtomically } from '../../certs/files.ts';
import { review } from '../support/admission.ts';
import { fixturePath, loadYaml } from '../support/fixtures.ts';
import { httpsRequest, runWebhook, startWebhook } from '../support/webhook-process.ts';
import type { WebhookProcess } from '../support/webhook-process.ts';
import { freePorts } from '../support/ports.ts';

const POLICY = fixturePath('policies', 'example.yaml');
let dir = '';
let certs: DevCertificates;
let ca = '';

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kfstore-webhook-'));
  certs = await ensureDevCertificates(dir);
  ca = readFileSync(certs.caCertFile, 'utf8');
});
after(async () => {
  await rm(dir, { recursive: true, force: true });
});

function baseArgs(metricsPort = 0): string[] {
  return [
    '--policy',
    POLICY,
    '--tls-cert',
    certs.certFile,
    '--tls-key',
    certs.keyFile,
    '--host',
    '127.0.0.1',
    '--port',
    '0',
    '--metrics-port',
    String(metricsPort),
    '--no-cluster',
    '--cert-poll',
    '1',
    '--shutdown-delay',
    '1',
  ];
}

const podReview = JSON.stringify(review('Pod', 'team-a', loadYaml('pods', 'v2-executor-pod-system-container-impl.yaml')));
const post = (w: WebhookProcess, agent: Agent | false, body = podReview) =>
  httpsRequest(w.port, { ca, method: 'POST', path: '/mutate/pods', body, headers: { 'content-type': 'application/json' }, agent });

function scrape(port: number): Promise<string> {
  return new Promise<string>((resolve, reject) => {
    httpRequest({ host: '127.0.0.1', port, path: '/metrics' }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve(body));
    })
      .on('error', reject)
      .end();
  });
}

/** A sample's value from Prometheus text, by its name with labels as printed. */
function gauge(text: string, series: string): number | undefined {
  const line = text.split('\n').find((l) => l.startsWith(`${series} `));
  return line === undefined ? undefined : Number(line.slice(series.length + 1));
}

describe('start-up errors', () => {
  it('a policy with an unknown field: exit 1, the file and field path on stderr', async () => {
    const bad = fixturePath('policies', 'invalid', 'unknown-field.yaml');
    const r = await runWebhook([
      '--policy',
      bad,
      '--tls-cert',
      certs.certFile,
      '--tls-key',
      certs.keyFile,
      '--no-cluster',
      '--port',
      '0',
      '--metrics-port',
      '0',
    ]);
    assert.equal(r.code, 1);
    assert.ok(r.stderr.includes(bad));
    assert.match(r.stderr, /store\.auth\.secret: Unrecognized key: "accesKeyKey"/);
    assert.doesNotMatch(r.stderr, /\n\s+at /, 'no stack trace');
  });
  it('missing flags: exit 2 with usage', async () => {
    const r = await runWebhook(['--policy', POLICY]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--tls-cert is required/);
    assert.match(r.stderr, /Usage: kfstore-webhook/);
  });
  it('a missing certificate file: exit 1 naming it', async () => {
    const r = await runWebhook([
      '--policy',
      POLICY,
      '--tls-cert',
      join(dir, 'nope.crt'),
      '--tls-key',
      certs.keyFile,
      '--no-cluster',
      '--port',
      '0',
      '--metrics-port',
      '0',
    ]);
    assert.equal(r.code, 1);
    assert.ok(r.stderr.includes('nope.crt'), r.stderr);
  });
  it('flags also come from KFSTORE_* variables', async () => {
    const bad = fixturePath('policies', 'invalid', 'two-auth-kinds.yaml');
    const r = await runWebhook([], {
      KFSTORE_POLICY: bad,
      KFSTORE_TLS_CERT: certs.certFile,
      KFSTORE_TLS_KEY: certs.keyFile,
      KFSTORE_NO_CLUSTER: 'true',
      KFSTORE_PORT: '0',
      KFSTORE_METRICS_PORT: '0',
    });
    assert.equal(r.code, 1, r.stderr);
    assert.ok(r.stderr.includes(bad));
    assert.match(r.stderr, /store\.auth: exactly one of secret, webIdentity or fromEnv/);
  });
});

describe('serving over HTTPS', () => {
  let w: WebhookProcess;
  let metricsPort = 0;
  before(async () => {
    metricsPort = (await freePorts(1))[0] ?? 0;
    w = await startWebhook(baseArgs(metricsPort));
  });
  after(async () => {
    await w.stop();
  });

  it('answers a mutation to a client that verifies the certificate against the CA', async () => {
    const r = await post(w, false);
    assert.equal(r.status, 200);
    const json = JSON.parse(r.body) as { response: { allowed: boolean; patch?: string } };
    assert.equal(json.response.allowed, true);
    assert.ok(json.response.patch);
  });

  it('refuses a client that does not trust the CA', async () => {
    const stranger = await generateCA({ commonName: 'some other CA', validityDays: 1, now: new Date() });
    await assert.rejects(httpsRequest(w.port, { ca: stranger.certPem, path: '/healthz' }), /unable to verify|self.signed|certificate/i);
  });

  it('caps a streamed body at 7 MiB with 413', async () => {
    const big = Buffer.alloc(8 * 1024 * 1024, 0x20);
    const r = await httpsRequest(w.port, {
      ca,
      method: 'POST',
      path: '/mutate/pods',
      body: big,
      chunked: true,
      headers: { 'content-type': 'application/json' },
    }).catch((e: Error) => ({ status: -1, body: e.message, serial: undefined }));
    assert.equal(r.status, 413, r.body);
    assert.equal((await httpsRequest(w.port, { ca, path: '/healthz' })).status, 200, 'still serving');
  });

  it('rotates its certificate in the middle of a load run with zero failed requests', async () => {
    const keepAlive = [new Agent({ keepAlive: true, maxSockets: 1 }), new Agent({ keepAlive: true, maxSockets: 1 })];
    const serials = new Set<string>();
    let ok = 0;
    const failures: string[] = [];
    const total = 1200;
    let sent = 0;
    const rotations: Promise<void>[] = [];
    const caPair = await readPair(dir, { cert: 'ca.crt', key: 'ca.key' });
    assert.ok(caPair);
    const rotate = async (): Promise<void> => {
      const leaf = await issueServingCert({
        ca: caPair,
        commonName: 'localhost',
        dnsNames: ['localhost'],
        ipAddresses: ['127.0.0.1'],
        validityDays: 2,
        now: new Date(),
      });
      await writePairAtomically(dir, leaf);
    };
    const worker = async (agent: Agent | false): Promise<void> => {
      while (sent < total) {
        sent += 1;
        if (sent === 300 || sent === 700) rotations.push(rotate());
        try {
          const r = await post(w, agent);
          if (r.status === 200 && r.body.includes('"patch"')) ok += 1;
          else failures.push(`HTTP ${r.status}`);
          if (r.serial !== undefined) serials.add(r.serial);
        } catch (e) {
          failures.push((e as Error).message);
        }
        // Give the 1 s certificate poll a chance to land inside the run.
        if (sent % 100 === 0) await new Promise((r) => setTimeout(r, 150));
      }
    };
    await Promise.all([worker(keepAlive[0] ?? false), worker(keepAlive[1] ?? false), worker(false), worker(false)]);
    await Promise.all(rotations);
    for (const a of keepAlive) a.destroy();
    assert.deepEqual(failures, []);
    assert.equal(ok, sent);
    assert.ok(serials.size >= 2, `new connections saw the rotated certificate (serials: ${serials.size})`);
    assert.match(w.logs(), /serving certificate reloaded/);
  });

  it('exposes Prometheus metrics on the plain-HTTP port', async () => {
    const text = await scrape(metricsPort);
    const mutated = /kfstore_admission_requests_total\{endpoint="mutate_pods",outcome="mutated"\} (\d+)/.exec(text);
    assert.ok(mutated && Number(mutated[1]) >= 1200, 'mutations counted');
    assert.match(text, /kfstore_admission_duration_seconds_bucket\{le="0.0005",endpoint="mutate_pods"\}/);
    assert.match(text, /kfstore_pod_mutations_total \d+/);
    assert.match(text, /kfstore_admission_requests_total\{endpoint="mutate_pods",outcome="rejected"\} 1/);
    // The certificate the rotation test left on disk is the one served, and its expiry is exported.
    const served = certificateInfo(readFileSync(certs.certFile, 'utf8')).notAfter.getTime() / 1000;
    assert.equal(gauge(text, 'kfstore_serving_certificate_expiry_timestamp_seconds'), served);
    assert.ok((gauge(text, 'kfstore_certificate_reloads_total{result="loaded"}') ?? 0) >= 2);
  });

  it('an expired certificate on disk is refused: warn log, refused counter, still serving and exporting the previous one', async () => {
    const previous = readFileSync(certs.certFile, 'utf8');
    const caPair = await readPair(dir, { cert: 'ca.crt', key: 'ca.key' });
    assert.ok(caPair);
    const expired = await issueServingCert({
      ca: caPair,
      commonName: 'localhost',
      dnsNames: ['localhost'],
      ipAddresses: ['127.0.0.1'],
      validityDays: 1,
      now: new Date(Date.now() - 3 * 24 * 3600_000),
    });
    const backup = await readPair(dir);
    assert.ok(backup);
    await writePairAtomically(dir, expired);
    try {
      const deadline = Date.now() + 10_000;
      while (!w.logs().includes('refused a certificate outside its validity period') && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 50));
      const line =
        w
          .logs()
          .split('\n')
          .find((l) => l.includes('refused a certificate outside its validity period')) ?? '';
      const entry = JSON.parse(line) as { level: number; error: string };
      assert.equal(entry.level, 40, 'warn');
      assert.match(entry.error, new RegExp(`\\(serial ${certificateInfo(expired.certPem).serial}\\) expired `));
      const r = await httpsRequest(w.port, { ca, path: '/healthz' });
      assert.equal(r.serial?.toUpperCase(), certificateInfo(previous).serial, 'still serving the valid certificate');
      const text = await scrape(metricsPort);
      assert.equal(gauge(text, 'kfstore_certificate_reloads_total{result="refused"}'), 1, 'once, not on every poll');
      assert.equal(
        gauge(text, 'kfstore_serving_certificate_expiry_timestamp_seconds'),
        certificateInfo(previous).notAfter.getTime() / 1000,
      );
    } finally {
      await writePairAtomically(dir, backup);
    }
  });
});

describe('SIGTERM', () => {
  it('reports not-ready, keeps answering during the drain delay, then exits 0', async () => {
    const w = await startWebhook(baseArgs());
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    assert.equal((await post(w, agent)).status, 200);
    w.proc.kill('SIGTERM');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal((await httpsRequest(w.port, { ca, path: '/readyz', agent })).status, 503);
    assert.equal((await post(w, agent)).status, 200, 'an open keep-alive connection is still served');
    assert.equal((await post(w, false)).status, 200, 'a new connection is still served');
    assert.equal(await w.exited, 0);
    agent.destroy();
  });
});
