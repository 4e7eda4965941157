// X.509 verification of a serving certificate against a caBundle at a given time, as kube-apiserver
// does when it calls a webhook: signature, CA flag, and the validity of the leaf and of the CA at
// that instant. Two engines: node:crypto (fast, for thousands of checks) and `openssl verify
// -attime` with -purpose sslserver and the Service host name, used to hold the first to account.
import { spawnSync } from 'node:child_process';
import { X509Certificate, createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pemCertificates } from '../../../certs/lifecycle/bundle.ts';

const parsed = new Map<string, X509Certificate>();
function parse(pem: string): X509Certificate {
  let cert = parsed.get(pem);
  if (cert === undefined) {
    cert = new X509Certificate(pem);
    if (parsed.size > 2000) parsed.clear();
    parsed.set(pem, cert);
  }
  return cert;
}

const within = (cert: X509Certificate, at: Date): boolean =>
  at.getTime() >= cert.validFromDate.getTime() && at.getTime() <= cert.validToDate.getTime();

/** Why a client at `at` trusting only `bundlePem` would reject `leafPem` (undefined: it accepts). */
export function chainProblem(leafPem: string, bundlePem: string, at: Date): string | undefined {
  const leaf = parse(leafPem);
  if (at.getTime() < leaf.validFromDate.getTime())
    return `serving certificate ${leaf.serialNumber} not valid before ${leaf.validFromDate.toISOString()}`;
  if (at.getTime() > leaf.validToDate.getTime())
    return `serving certificate ${leaf.serialNumber} expired ${leaf.validToDate.toISOString()}`;
  const issuers = pemCertificates(bundlePem)
    .map(parse)
    .filter((ca) => leaf.checkIssued(ca) && leaf.verify(ca.publicKey));
  if (issuers.length === 0) return `no certificate in caBundle issued serving certificate ${leaf.serialNumber}`;
  if (!issuers.some((ca) => ca.ca)) return `the issuer of ${leaf.serialNumber} in caBundle is not a CA`;
  if (!issuers.some((ca) => ca.ca && within(ca, at)))
    return `the CA of serving certificate ${leaf.serialNumber} is outside its validity at ${at.toISOString()}`;
  return undefined;
}

let dir: string | undefined;
function bundleFile(bundlePem: string): string {
  dir ??= mkdtempSync(join(tmpdir(), 'kfstore-chain-'));
  const file = join(dir, `${createHash('sha256').update(bundlePem).digest('hex').slice(0, 24)}.pem`);
  if (!existsSync(file)) writeFileSync(file, bundlePem);
  return file;
}

export function removeBundleFiles(): void {
  if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
}

/** The same question asked of `openssl verify`: undefined when it says OK, else its error line. */
export function opensslProblem(leafPem: string, bundlePem: string, at: Date, host: string): string | undefined {
  const r = spawnSync(
    'openssl',
    [
      'verify',
      '-attime',
      String(Math.floor(at.getTime() / 1000)),
      '-purpose',
      'sslserver',
      '-verify_hostname',
      host,
      '-CAfile',
      bundleFile(bundlePem),
    ],
    { input: leafPem, encoding: 'utf8' },
  );
  if (r.error !== undefined) throw r.error;
  if (r.status === 0 && /: OK\s*$/.test(r.stdout)) return undefined;
  return (r.stderr.split('\n').find((l) => /error \d+/.test(l)) ?? r.stderr.trim()) || `openssl exited ${r.status ?? 'on a signal'}`;
}
