// Certificate authority and serving-certificate primitives.
// Pure apart from randomness: callers pass `now` and get PEM strings back, so the
// same code serves the dev CLI today and in-cluster Secret rotation later.
import { X509Certificate as NodeX509, createPrivateKey, randomBytes, type webcrypto } from 'node:crypto';
import { isIP } from 'node:net';
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(globalThis.crypto);

export type KeyPairPem = { certPem: string; keyPem: string };

export type CertificateInfo = {
  notBefore: Date;
  notAfter: Date;
  /** Upper-case hex, the format Node uses for `getPeerCertificate().serialNumber`. */
  serial: string;
  dnsNames: string[];
  ipAddresses: string[];
  isCA: boolean;
};

const KEY_ALGORITHM: webcrypto.EcKeyGenParams = { name: 'ECDSA', namedCurve: 'P-256' };
const SIGNING_ALGORITHM: webcrypto.EcdsaParams = { name: 'ECDSA', hash: 'SHA-256' };
/**
 * notBefore is set this far before the issuing clock's `now`, so a certificate is already valid
 * for a verifier (kube-apiserver) whose clock is up to an hour behind the issuer's. One hour, as
 * Let's Encrypt and AWS Private CA back-date, covers realistic skew between cluster nodes.
 */
export const BACKDATE_MS = 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
// RFC 1123 labels, optionally with a leading wildcard label.
const DNS_NAME = /^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export async function generateCA(opts: { commonName: string; validityDays: number; now: Date }): Promise<KeyPairPem> {
  assertValidityDays(opts.validityDays);
  const keys = await generateKeys();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: randomSerial(),
    name: [{ CN: [opts.commonName] }],
    notBefore: new Date(opts.now.getTime() - BACKDATE_MS),
    notAfter: new Date(opts.now.getTime() + opts.validityDays * DAY_MS),
    keys,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await exportKeyPem(keys.privateKey) };
}

export async function issueServingCert(opts: {
  ca: KeyPairPem;
  commonName: string;
  dnsNames: string[];
  ipAddresses: string[];
  validityDays: number;
  now: Date;
}): Promise<KeyPairPem> {
  assertValidityDays(opts.validityDays);
  for (const ip of opts.ipAddresses) {
    if (isIP(ip) === 0) throw new Error(`invalid IP address for certificate SAN: ${JSON.stringify(ip)}`);
  }
  for (const name of opts.dnsNames) {
    if (!DNS_NAME.test(name)) {
      throw new Error(`invalid DNS name for certificate SAN: ${JSON.stringify(name)}`);
    }
  }
  if (opts.dnsNames.length + opts.ipAddresses.length === 0) {
    throw new Error('a serving certificate needs at least one DNS name or IP address');
  }

  const caCert = new x509.X509Certificate(opts.ca.certPem);
  const caSigningKey = await importCAKey(opts.ca);
  const keys = await generateKeys();

  const notAfterMs = opts.now.getTime() + opts.validityDays * DAY_MS;
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: randomSerial(),
    subject: [{ CN: [opts.commonName] }],
    // Copy the CA's encoded subject so chain building matches byte-for-byte.
    issuer: caCert.subjectName,
    notBefore: new Date(opts.now.getTime() - BACKDATE_MS),
    // A leaf outliving its CA would fail verification anyway; make the expiry honest.
    notAfter: new Date(Math.min(notAfterMs, caCert.notAfter.getTime())),
    publicKey: keys.publicKey,
    signingKey: caSigningKey,
    signingAlgorithm: SIGNING_ALGORITHM,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension([
        ...opts.dnsNames.map((value) => ({ type: 'dns' as const, value })),
        ...opts.ipAddresses.map((value) => ({ type: 'ip' as const, value })),
      ]),
      await authorityKeyIdentifier(caCert),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { certPem: cert.toString('pem'), keyPem: await exportKeyPem(keys.privateKey) };
}

// Parsing the SAN extension costs about a millisecond; the lifecycle planner asks about the same
// few certificates many times per run (and a simulation over thousands of runs).
const infoCache = new Map<string, CertificateInfo>();
const INFO_CACHE_SIZE = 256;

export function certificateInfo(certPem: string): CertificateInfo {
  const cached = infoCache.get(certPem);
  if (cached !== undefined) return { ...cached, dnsNames: [...cached.dnsNames], ipAddresses: [...cached.ipAddresses] };
  const info = parseCertificateInfo(certPem);
  if (infoCache.size >= INFO_CACHE_SIZE) infoCache.delete(infoCache.keys().next().value ?? '');
  infoCache.set(certPem, info);
  return { ...info, dnsNames: [...info.dnsNames], ipAddresses: [...info.ipAddresses] };
}

function parseCertificateInfo(certPem: string): CertificateInfo {
  const cert = new NodeX509(certPem);
  const san = new x509.X509Certificate(certPem).getExtension(x509.SubjectAlternativeNameExtension);
  const names = san?.names.items ?? [];
  return {
    notBefore: cert.validFromDate,
    notAfter: cert.validToDate,
    serial: cert.serialNumber.toUpperCase(),
    dnsNames: names.filter((n) => n.type === 'dns').map((n) => n.value),
    ipAddresses: names.filter((n) => n.type === 'ip').map((n) => n.value),
    isCA: cert.ca,
  };
}

/** True when the certificate is already expired, not yet valid, or expires within `renewBeforeDays`. */
export function needsRenewal(certPem: string, now: Date, renewBeforeDays: number): boolean {
  const { notBefore, notAfter } = certificateInfo(certPem);
  if (now.getTime() < notBefore.getTime()) return true;
  return notAfter.getTime() - now.getTime() <= renewBeforeDays * DAY_MS;
}

/** True when `leafPem` was signed by the CA in `caCertPem`. */
export function isIssuedBy(leafPem: string, caCertPem: string): boolean {
  const leaf = new NodeX509(leafPem);
  const ca = new NodeX509(caCertPem);
  return leaf.checkIssued(ca) && leaf.verify(ca.publicKey);
}

/** True when the PEM private key belongs to the PEM certificate. */
export function keyMatchesCert(pair: KeyPairPem): boolean {
  return new NodeX509(pair.certPem).checkPrivateKey(createPrivateKey(pair.keyPem));
}

function assertValidityDays(days: number): void {
  if (!Number.isFinite(days) || days <= 0) throw new Error(`validityDays must be positive, got ${days}`);
}

async function generateKeys(): Promise<webcrypto.CryptoKeyPair> {
  return globalThis.crypto.subtle.generateKey(KEY_ALGORITHM, true, ['sign', 'verify']);
}

async function exportKeyPem(key: webcrypto.CryptoKey): Promise<string> {
  const der = await globalThis.crypto.subtle.exportKey('pkcs8', key);
  return x509.PemConverter.encode(der, 'PRIVATE KEY');
}

export type CAKeyProblem = { kind: 'unreadable' | 'mismatch' | 'unsupported'; message: string };

/**
 * Why this CA cannot sign serving certificates (key unreadable, not the certificate's, or of a type
 * other than ECDSA P-256), or undefined when it can. Never quotes the key.
 */
export function caKeyProblem(ca: KeyPairPem): CAKeyProblem | undefined {
  let key: ReturnType<typeof createPrivateKey>;
  try {
    key = createPrivateKey(ca.keyPem);
  } catch {
    return { kind: 'unreadable', message: 'CA key is not a readable PEM private key' };
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') {
    const type =
      key.asymmetricKeyType === 'ec'
        ? `EC ${key.asymmetricKeyDetails?.namedCurve ?? 'unknown curve'}`
        : (key.asymmetricKeyType ?? 'unknown').toUpperCase();
    return { kind: 'unsupported', message: `CA key must be an ECDSA P-256 key, not ${type}` };
  }
  let matches = false;
  try {
    matches = new NodeX509(ca.certPem).checkPrivateKey(key);
  } catch {
    return { kind: 'unreadable', message: 'CA certificate is not a readable PEM certificate' };
  }
  return matches ? undefined : { kind: 'mismatch', message: 'CA key does not match CA certificate' };
}

// Accepts PKCS#8 or SEC1 PEM so an externally supplied CA key works too.
async function importCAKey(ca: KeyPairPem): Promise<webcrypto.CryptoKey> {
  const problem = caKeyProblem(ca);
  if (problem !== undefined) throw new Error(problem.message);
  return createPrivateKey(ca.keyPem).toCryptoKey(KEY_ALGORITHM, false, ['sign']);
}

// Reuse the CA's own key identifier so chains resolve even if the CA was made elsewhere.
async function authorityKeyIdentifier(caCert: x509.X509Certificate): Promise<x509.AuthorityKeyIdentifierExtension> {
  const ski = caCert.getExtension(x509.SubjectKeyIdentifierExtension);
  if (ski) return new x509.AuthorityKeyIdentifierExtension(ski.keyId);
  return x509.AuthorityKeyIdentifierExtension.create(caCert.publicKey);
}

// 16 random bytes; first byte forced into 0x40-0x7f so the DER integer is positive,
// minimal, and always 32 hex digits (no leading zero to confuse string comparisons).
function randomSerial(): string {
  const bytes = randomBytes(16);
  bytes[0] = 0x40 | ((bytes[0] ?? 0) & 0x3f);
  return bytes.toString('hex');
}
