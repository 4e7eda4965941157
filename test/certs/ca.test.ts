import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
// ca.ts first: it installs the Reflect shim that @peculiar/x509 needs at import time.
import { certificateInfo, generateCA, isIssuedBy, issueServingCert, keyMatchesCert, needsRenewal } from '../../certs/ca.ts';
import * as x509 from '@peculiar/x509';
import { ensureDevCertificates } from '../../certs/cli.ts';
import { readPair, writePairAtomically } from '../../certs/files.ts';

const DAY_MS = 24 * 60 * 60 * 1000;
// Certificates are back-dated by an hour (clock skew between nodes).
const SKEW_MS = 60 * 60 * 1000;
const repoRoot = fileURLToPath(new URL('../../', import.meta.url));
const now = new Date('2031-03-04T05:06:07Z');

const tempDirs: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kfstore-certs-'));
  tempDirs.push(dir);
  return dir;
}
after(async () => {
  await Promise.all(tempDirs.map((d) => rm(d, { recursive: true, force: true })));
});

async function fileMode(path: string): Promise<number> {
  return (await stat(path)).mode & 0o777;
}

describe('generateCA / issueServingCert', async () => {
  const ca = await generateCA({ commonName: 'test CA', validityDays: 365, now });
  const leaf = await issueServingCert({
    ca,
    commonName: 'webhook',
    dnsNames: ['localhost', 'webhook.kubeflow.svc'],
    ipAddresses: ['127.0.0.1', '::1'],
    validityDays: 30,
    now,
  });

  test('CA is self-signed, marked CA, with critical constraints and key usage', () => {
    const cert = new X509Certificate(ca.certPem);
    assert.equal(cert.ca, true);
    assert.ok(cert.checkIssued(cert));
    assert.ok(cert.verify(cert.publicKey));
    assert.match(ca.keyPem, /^-----BEGIN PRIVATE KEY-----/);
    assert.equal(cert.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');

    const parsed = new x509.X509Certificate(ca.certPem);
    const bc = parsed.getExtension(x509.BasicConstraintsExtension);
    assert.equal(bc?.ca, true);
    assert.equal(bc?.critical, true);
    const ku = parsed.getExtension(x509.KeyUsagesExtension);
    assert.equal(ku?.usages, x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign);
    assert.equal(ku?.critical, true);
    assert.ok(parsed.getExtension(x509.SubjectKeyIdentifierExtension)?.keyId);
  });

  test('CA validity starts 5 minutes early and lasts validityDays', () => {
    const info = certificateInfo(ca.certPem);
    assert.equal(info.isCA, true);
    assert.equal(info.notBefore.getTime(), now.getTime() - SKEW_MS);
    assert.equal(info.notAfter.getTime(), now.getTime() + 365 * DAY_MS);
  });

  test('leaf is signed by the CA and is a serverAuth end-entity certificate', () => {
    const cert = new X509Certificate(leaf.certPem);
    const caCert = new X509Certificate(ca.certPem);
    assert.ok(cert.verify(caCert.publicKey));
    assert.ok(cert.checkIssued(caCert));
    assert.ok(isIssuedBy(leaf.certPem, ca.certPem));
    assert.ok(keyMatchesCert(leaf));
    assert.equal(cert.ca, false);
    assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.1']); // Node exposes EKU as keyUsage

    const parsed = new x509.X509Certificate(leaf.certPem);
    const bc = parsed.getExtension(x509.BasicConstraintsExtension);
    assert.equal(bc?.ca, false);
    assert.equal(bc?.critical, true);
    const ku = parsed.getExtension(x509.KeyUsagesExtension);
    assert.equal(ku?.usages, x509.KeyUsageFlags.digitalSignature);
    assert.equal(ku?.critical, true);
    const caSki = new x509.X509Certificate(ca.certPem).getExtension(x509.SubjectKeyIdentifierExtension)?.keyId;
    assert.equal(parsed.getExtension(x509.AuthorityKeyIdentifierExtension)?.keyId, caSki);
  });

  test('leaf carries the requested SANs', () => {
    const cert = new X509Certificate(leaf.certPem);
    assert.equal(cert.checkHost('webhook.kubeflow.svc'), 'webhook.kubeflow.svc');
    assert.equal(cert.checkHost('localhost'), 'localhost');
    assert.equal(cert.checkHost('other.svc'), undefined);
    assert.equal(cert.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(cert.checkIP('::1'), '::1');

    const info = certificateInfo(leaf.certPem);
    assert.deepEqual(info.dnsNames, ['localhost', 'webhook.kubeflow.svc']);
    assert.deepEqual(info.ipAddresses, ['127.0.0.1', '::1']);
    assert.equal(info.isCA, false);
    assert.equal(info.notBefore.getTime(), now.getTime() - SKEW_MS);
    assert.equal(info.notAfter.getTime(), now.getTime() + 30 * DAY_MS);
  });

  test('serials are random, positive, 16 bytes, and match Node formatting', async () => {
    const other = await issueServingCert({ ca, commonName: 'x', dnsNames: ['x'], ipAddresses: [], validityDays: 1, now });
    const serials = [certificateInfo(leaf.certPem).serial, certificateInfo(other.certPem).serial];
    for (const serial of serials) {
      assert.match(serial, /^[4-7][0-9A-F]{31}$/);
    }
    assert.notEqual(serials[0], serials[1]);
    assert.equal(serials[0], new X509Certificate(leaf.certPem).serialNumber);
  });

  test('leaf expiry is capped at the CA expiry', async () => {
    const shortCA = await generateCA({ commonName: 'short', validityDays: 10, now });
    const capped = await issueServingCert({ ca: shortCA, commonName: 'x', dnsNames: ['x'], ipAddresses: [], validityDays: 30, now });
    assert.equal(certificateInfo(capped.certPem).notAfter.getTime(), certificateInfo(shortCA.certPem).notAfter.getTime());
  });

  test('rejects bad SANs, a mismatched CA key and non-positive validity', async () => {
    const base = { ca, commonName: 'x', dnsNames: ['x'], ipAddresses: [], validityDays: 1, now };
    await assert.rejects(issueServingCert({ ...base, ipAddresses: ['10.0.0.300'] }), /invalid IP address/);
    await assert.rejects(issueServingCert({ ...base, dnsNames: ['bad name'] }), /invalid DNS name/);
    await assert.rejects(issueServingCert({ ...base, dnsNames: [] }), /at least one/);
    await assert.rejects(issueServingCert({ ...base, validityDays: 0 }), /validityDays/);
    const otherCA = await generateCA({ commonName: 'other', validityDays: 1, now });
    await assert.rejects(
      issueServingCert({ ...base, ca: { certPem: ca.certPem, keyPem: otherCA.keyPem } }),
      /CA key does not match CA certificate/,
    );
  });

  test('needsRenewal', () => {
    const { notBefore, notAfter } = certificateInfo(leaf.certPem);
    assert.equal(needsRenewal(leaf.certPem, now, 1), false);
    assert.equal(needsRenewal(leaf.certPem, new Date(notAfter.getTime() - 2 * DAY_MS), 1), false);
    assert.equal(needsRenewal(leaf.certPem, new Date(notAfter.getTime() - 12 * 60 * 60 * 1000), 1), true);
    assert.equal(needsRenewal(leaf.certPem, new Date(notAfter.getTime() + 1000), 0), true);
    assert.equal(needsRenewal(leaf.certPem, new Date(notBefore.getTime() - 1000), 1), true);
    assert.equal(needsRenewal(leaf.certPem, now, 40), true);
  });
});

describe('writePairAtomically / readPair', () => {
  test('writes cert 0644 and key 0600 without leaving temp files, and overwrites', async () => {
    const dir = await tempDir();
    assert.equal(await readPair(dir), undefined);
    await writePairAtomically(dir, { certPem: 'cert-1\n', keyPem: 'key-1\n' });
    await writePairAtomically(dir, { certPem: 'cert-2\n', keyPem: 'key-2\n' });
    assert.deepEqual(await readPair(dir), { certPem: 'cert-2\n', keyPem: 'key-2\n' });
    assert.deepEqual((await readdir(dir)).sort(), ['tls.crt', 'tls.key']);
    assert.equal(await fileMode(join(dir, 'tls.key')), 0o600);
    assert.equal(await fileMode(join(dir, 'tls.crt')), 0o644);
  });

  test('custom names; readPair is undefined when either file is missing', async () => {
    const dir = await tempDir();
    const names = { cert: 'ca.crt', key: 'ca.key' };
    const { certFile, keyFile } = await writePairAtomically(dir, { certPem: 'c', keyPem: 'k' }, names);
    assert.equal(certFile, join(dir, 'ca.crt'));
    assert.equal(keyFile, join(dir, 'ca.key'));
    assert.deepEqual(await readPair(dir, names), { certPem: 'c', keyPem: 'k' });
    await rm(keyFile);
    assert.equal(await readPair(dir, names), undefined);
  });
});

describe('ensureDevCertificates', () => {
  test('creates, then reuses, a CA and a localhost serving certificate', async () => {
    const dir = join(await tempDir(), 'nested', 'dev');
    const first = await ensureDevCertificates(dir, {}, now);
    assert.equal(first.caCreated, true);
    assert.equal(first.leafIssued, true);
    const ca = await readFile(first.caCertFile, 'utf8');
    const leaf = await readFile(first.certFile, 'utf8');
    assert.ok(isIssuedBy(leaf, ca));
    const info = certificateInfo(leaf);
    assert.deepEqual(info.dnsNames, ['localhost']);
    assert.deepEqual(info.ipAddresses, ['127.0.0.1', '::1']);
    assert.equal(info.serial, first.leafSerial);
    assert.equal(await fileMode(first.caKeyFile), 0o600);
    assert.equal(await fileMode(first.keyFile), 0o600);

    const second = await ensureDevCertificates(dir, { ipAddresses: ['0:0:0:0:0:0:0:1'] }, new Date(now.getTime() + DAY_MS));
    assert.equal(second.caCreated, false);
    assert.equal(second.leafIssued, false);
    assert.equal(await readFile(second.caCertFile, 'utf8'), ca);
    assert.equal(await readFile(second.certFile, 'utf8'), leaf);
  });

  test('reissues the leaf for new SANs or near expiry, keeping the CA', async () => {
    const dir = await tempDir();
    const first = await ensureDevCertificates(dir, { days: 30 }, now);
    const ca = await readFile(first.caCertFile, 'utf8');

    const withSan = await ensureDevCertificates(dir, { dnsNames: ['kfstore.local'], ipAddresses: ['10.1.2.3'], days: 30 }, now);
    assert.equal(withSan.caCreated, false);
    assert.equal(withSan.leafIssued, true);
    const sanInfo = certificateInfo(await readFile(withSan.certFile, 'utf8'));
    assert.deepEqual(sanInfo.dnsNames, ['localhost', 'kfstore.local']);
    assert.deepEqual(sanInfo.ipAddresses, ['127.0.0.1', '::1', '10.1.2.3']);

    const nearExpiry = new Date(withSan.leafNotAfter.getTime() - 12 * 60 * 60 * 1000);
    const renewed = await ensureDevCertificates(dir, { days: 30 }, nearExpiry);
    assert.equal(renewed.caCreated, false);
    assert.equal(renewed.leafIssued, true);
    assert.notEqual(renewed.leafSerial, withSan.leafSerial);
    assert.equal(await readFile(renewed.caCertFile, 'utf8'), ca);
    const leaf = await readFile(renewed.certFile, 'utf8');
    assert.ok(isIssuedBy(leaf, ca));
    assert.equal(needsRenewal(leaf, nearExpiry, 1), false);
  });

  test('replaces an expiring CA (and its leaf) and a corrupt leaf key', async () => {
    const dir = await tempDir();
    const first = await ensureDevCertificates(dir, {}, now);
    const caInfo = certificateInfo(await readFile(first.caCertFile, 'utf8'));

    const later = new Date(caInfo.notAfter.getTime() - 12 * 60 * 60 * 1000);
    const rotated = await ensureDevCertificates(dir, {}, later);
    assert.equal(rotated.caCreated, true);
    assert.equal(rotated.leafIssued, true);
    const newCa = await readFile(rotated.caCertFile, 'utf8');
    assert.notEqual(certificateInfo(newCa).serial, caInfo.serial);
    assert.ok(isIssuedBy(await readFile(rotated.certFile, 'utf8'), newCa));

    await writeFile(rotated.keyFile, 'garbage');
    const repaired = await ensureDevCertificates(dir, {}, later);
    assert.equal(repaired.caCreated, false);
    assert.equal(repaired.leafIssued, true);
    assert.ok(keyMatchesCert({ certPem: await readFile(repaired.certFile, 'utf8'), keyPem: await readFile(repaired.keyFile, 'utf8') }));
  });
});

describe('cli', () => {
  const runCli = (args: string[]) =>
    spawnSync(process.execPath, ['certs/cli.ts', ...args], { cwd: repoRoot, encoding: 'utf8', timeout: 60_000 });

  test('dev writes the CA and serving pair and prints paths, not keys', async () => {
    const dir = join(await tempDir(), 'out');
    const run = runCli(['dev', '--out', dir, '--dns', 'webhook.kubeflow.svc', '--ip', '10.0.0.7']);
    assert.equal(run.status, 0, run.stderr);
    for (const name of ['ca.crt', 'ca.key', 'tls.crt', 'tls.key']) {
      assert.ok(run.stdout.includes(join(dir, name)), `stdout names ${name}: ${run.stdout}`);
    }
    assert.doesNotMatch(run.stdout, /PRIVATE KEY/);
    assert.equal(await fileMode(join(dir, 'ca.key')), 0o600);
    assert.equal(await fileMode(join(dir, 'tls.key')), 0o600);
    const leaf = await readFile(join(dir, 'tls.crt'), 'utf8');
    assert.ok(isIssuedBy(leaf, await readFile(join(dir, 'ca.crt'), 'utf8')));
    assert.deepEqual(certificateInfo(leaf).dnsNames, ['localhost', 'webhook.kubeflow.svc']);
    assert.deepEqual(certificateInfo(leaf).ipAddresses, ['127.0.0.1', '::1', '10.0.0.7']);

    const again = runCli(['dev', '--out', dir, '--dns', 'webhook.kubeflow.svc', '--ip', '10.0.0.7']);
    assert.equal(again.status, 0, again.stderr);
    assert.match(again.stdout, /reused/);
    assert.equal(await readFile(join(dir, 'tls.crt'), 'utf8'), leaf);
  });

  test('bad usage exits 2 with a message on stderr', async () => {
    const dir = await tempDir();
    const cases: Array<[string[], RegExp]> = [
      [['dev', '--out', dir, '--bogus'], /Unknown option '--bogus'/],
      [['dev', '--out', dir, '--ip', 'not-an-ip'], /--ip: not an IP address: not-an-ip/],
      [['dev', '--out', dir, '--days', '0'], /--days must be an integer >= 2/],
      [['dev'], /--out DIR is required/],
      [['frobnicate'], /unknown command: frobnicate/],
    ];
    for (const [args, message] of cases) {
      const run = runCli(args);
      assert.equal(run.status, 2, `${args.join(' ')}: ${run.stderr}`);
      assert.match(run.stderr, message);
      assert.equal(run.stdout, '');
    }
    assert.deepEqual(await readdir(dir), []);
  });
});
