// caBundle contents: which CA certificates a state publishes, and PEM bundle handling.
import type { CertState } from './types.ts';

const PEM_CERT = /-----BEGIN CERTIFICATE-----[\s\S]*?-----END CERTIFICATE-----/g;

/** The certificates in a PEM text, each normalized to end with one newline. */
export function pemCertificates(text: string): string[] {
  return (text.match(PEM_CERT) ?? []).map((block) => `${block.trim()}\n`);
}

/**
 * The CAs a state asks clients to trust: the current CA first, then the next one (rollover
 * phase 1) or the previous one (phase 2). The served leaf always comes from the current CA.
 */
export function trustedCAs(state: CertState): string[] {
  return uniqueCerts(
    [state.ca.certPem, state.nextCa?.certPem, state.previousCaCert].filter((c): c is string => c !== undefined).flatMap(pemCertificates),
  );
}

/** Each certificate once (compared by its base64 body), in first-seen order. */
export function uniqueCerts(pems: string[]): string[] {
  const seen = new Set<string>();
  return pems.filter((pem) => {
    const key = body(pem);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function caBundlePem(state: CertState): string {
  return trustedCAs(state).join('');
}

/** True when the PEM bundle contains `caCertPem` (compared by its base64 body, whitespace ignored). */
export function bundleTrusts(bundlePem: string, caCertPem: string): boolean {
  const wanted = pemCertificates(caCertPem).map(body);
  const have = new Set(pemCertificates(bundlePem).map(body));
  return wanted.length > 0 && wanted.every((w) => have.has(w));
}

function body(pem: string): string {
  return pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, '');
}
