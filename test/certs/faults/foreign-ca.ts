// A CA of a kind kfstore-certs cannot sign with (RSA, P-384), and a serving certificate it issued,
// as an operator might bring from another tool. Made with @peculiar/x509 directly, since
// certs/ca.ts only makes P-256.
import type { webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import type { KeyPairPem } from '../../../certs/ca.ts';

const DAY = 24 * 60 * 60 * 1000;
type Kind = 'RSA' | 'P-384';

const ALGORITHMS: Record<
  Kind,
  { key: webcrypto.RsaHashedKeyGenParams | webcrypto.EcKeyGenParams; signing: webcrypto.Algorithm | webcrypto.EcdsaParams }
> = {
  RSA: {
    key: { name: 'RSASSA-PKCS1-v1_5', modulusLength: 2048, publicExponent: new Uint8Array([1, 0, 1]), hash: 'SHA-256' },
    signing: { name: 'RSASSA-PKCS1-v1_5' },
  },
  'P-384': { key: { name: 'ECDSA', namedCurve: 'P-384' }, signing: { name: 'ECDSA', hash: 'SHA-384' } },
};

async function pem(key: webcrypto.CryptoKey): Promise<string> {
  return x509.PemConverter.encode(await crypto.subtle.exportKey('pkcs8', key), 'PRIVATE KEY');
}

export async function foreignCA(kind: Kind, now: Date, dnsNames: string[]): Promise<{ ca: KeyPairPem; leaf: KeyPairPem }> {
  const alg = ALGORITHMS[kind];
  const caKeys = (await crypto.subtle.generateKey(alg.key, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const ca = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: '4a01',
    name: `CN=${kind} CA from another tool`,
    notBefore: new Date(now.getTime() - DAY),
    notAfter: new Date(now.getTime() + 3650 * DAY),
    keys: caKeys,
    signingAlgorithm: alg.signing,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign, true),
    ],
  });
  const leafKeys = (await crypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, [
    'sign',
    'verify',
  ])) as webcrypto.CryptoKeyPair;
  const leaf = await x509.X509CertificateGenerator.create({
    serialNumber: '4a02',
    subject: `CN=${dnsNames[0] ?? 'webhook'}`,
    issuer: ca.subjectName,
    notBefore: new Date(now.getTime() - DAY),
    notAfter: new Date(now.getTime() + 90 * DAY),
    publicKey: leafKeys.publicKey,
    signingKey: caKeys.privateKey,
    signingAlgorithm: alg.signing,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
      new x509.SubjectAlternativeNameExtension(dnsNames.map((value) => ({ type: 'dns' as const, value }))),
    ],
  });
  return {
    ca: { certPem: ca.toString('pem'), keyPem: await pem(caKeys.privateKey) },
    leaf: { certPem: leaf.toString('pem'), keyPem: await pem(leafKeys.privateKey) },
  };
}
