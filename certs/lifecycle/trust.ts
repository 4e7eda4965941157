// What caBundle must keep trusting: the CA that issued the serving certificate now in the Secret
// (which webhook pods serve or are about to), and any still-valid certificate that was trusted
// when an unusable CA had to be replaced. Pure: reads certificates, compares times.
import { X509Certificate } from 'node:crypto';
import { keyMatchesCert } from '../ca.ts';
import type { KeyPairPem } from '../ca.ts';
import { pemCertificates, uniqueCerts } from './bundle.ts';

/** Certificates in `texts` (PEM bundles) that parse and have not expired at `now`, each once. */
export function unexpiredCerts(texts: (string | undefined)[], now: Date): string[] {
  const pems = texts.flatMap((t) => (t === undefined ? [] : pemCertificates(t)));
  return uniqueCerts(
    pems.filter((pem) => {
      const cert = parse(pem);
      return cert !== undefined && now.getTime() < cert.validToDate.getTime();
    }),
  );
}

/**
 * The certificate among `cas` that issued `leaf`, when the leaf is live: its key matches, it has
 * not expired, and its issuer has not. notBefore is not checked: a certificate that looks "not yet
 * valid" here may well be valid for kube-apiserver (this clock may be the one behind).
 */
export function servedAnchor(leaf: KeyPairPem | undefined, cas: string[], now: Date): string | undefined {
  if (leaf === undefined) return undefined;
  const cert = parse(leaf.certPem);
  if (cert === undefined || now.getTime() >= cert.validToDate.getTime()) return undefined;
  try {
    if (!keyMatchesCert(leaf)) return undefined;
  } catch {
    return undefined;
  }
  return cas.find((pem) => {
    const ca = parse(pem);
    return ca !== undefined && now.getTime() < ca.validToDate.getTime() && cert.checkIssued(ca) && cert.verify(ca.publicKey);
  });
}

function parse(pem: string): X509Certificate | undefined {
  try {
    return new X509Certificate(pem);
  } catch {
    return undefined;
  }
}
