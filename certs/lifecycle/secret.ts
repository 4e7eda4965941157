// The Secret that holds the CA and serving certificate: its keys, and conversion to and from
// StoredCerts. kubernetes.io/tls so the webhook Deployment can mount tls.crt/tls.key as usual.
import type { KeyPairPem } from '../ca.ts';
import type { CertState, StoredCerts } from './types.ts';

export const SECRET_TYPE = 'kubernetes.io/tls';
/** When the current CA rollover phase began (RFC 3339); absent outside a rollover. */
export const PHASE_SINCE_ANNOTATION = 'kfstore.dev/ca-rollover-phase-since';
const MANAGED_BY = { 'app.kubernetes.io/managed-by': 'kfstore-certs' };

const KEYS = {
  leafCert: 'tls.crt',
  leafKey: 'tls.key',
  caCert: 'ca.crt',
  caKey: 'ca.key',
  nextCert: 'ca-next.crt',
  nextKey: 'ca-next.key',
  previousCert: 'ca-previous.crt',
} as const;

export interface SecretObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name?: string;
    namespace?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [key: string]: unknown;
  };
  type?: string;
  data?: Record<string, string>;
  [key: string]: unknown;
}

export function decodeSecret(secret: SecretObject): StoredCerts {
  const data = secret.data ?? {};
  const text = (key: string): string | undefined => {
    const value = data[key];
    return value === undefined || value === '' ? undefined : Buffer.from(value, 'base64').toString('utf8');
  };
  // Half a pair is kept (the other half empty): a CA certificate without its key still anchors
  // the serving certificate in use, and the planner says which half is missing.
  const pair = (cert: string, key: string): KeyPairPem | undefined => {
    const certPem = text(cert);
    const keyPem = text(key);
    return certPem === undefined && keyPem === undefined ? undefined : { certPem: certPem ?? '', keyPem: keyPem ?? '' };
  };
  const out: StoredCerts = {};
  const ca = pair(KEYS.caCert, KEYS.caKey);
  const leaf = pair(KEYS.leafCert, KEYS.leafKey);
  const nextCa = pair(KEYS.nextCert, KEYS.nextKey);
  const previousCaCert = text(KEYS.previousCert);
  if (ca !== undefined) out.ca = ca;
  if (leaf !== undefined) out.leaf = leaf;
  if (nextCa !== undefined) out.nextCa = nextCa;
  if (previousCaCert !== undefined) out.previousCaCert = previousCaCert;
  const since = Date.parse(secret.metadata.annotations?.[PHASE_SINCE_ANNOTATION] ?? '');
  if (!Number.isNaN(since)) out.phaseSince = new Date(since);
  return out;
}

/**
 * The Secret to write for `state`: `base` (as read, keeping its resourceVersion for the update's
 * precondition, and anyone else's labels and annotations) with data and our annotation replaced.
 */
export function encodeSecret(base: SecretObject | undefined, ref: { namespace: string; name: string }, state: CertState): SecretObject {
  const b64 = (s: string): string => Buffer.from(s, 'utf8').toString('base64');
  const data: Record<string, string> = {
    [KEYS.leafCert]: b64(state.leaf.certPem),
    [KEYS.leafKey]: b64(state.leaf.keyPem),
    [KEYS.caCert]: b64(state.ca.certPem),
    [KEYS.caKey]: b64(state.ca.keyPem),
  };
  if (state.nextCa !== undefined) {
    data[KEYS.nextCert] = b64(state.nextCa.certPem);
    data[KEYS.nextKey] = b64(state.nextCa.keyPem);
  }
  if (state.previousCaCert !== undefined) data[KEYS.previousCert] = b64(state.previousCaCert);
  const annotations = { ...(base?.metadata.annotations ?? {}) };
  delete annotations[PHASE_SINCE_ANNOTATION];
  if (state.phaseSince !== undefined) annotations[PHASE_SINCE_ANNOTATION] = state.phaseSince.toISOString();
  const metadata: SecretObject['metadata'] =
    base === undefined ? { name: ref.name, namespace: ref.namespace, labels: { ...MANAGED_BY } } : { ...base.metadata };
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations;
  else delete metadata.annotations;
  // stringData would be merged over data by the API server: never send a stale copy back.
  const rest: Record<string, unknown> = { ...base };
  delete rest.stringData;
  return { ...rest, apiVersion: 'v1', kind: 'Secret', metadata, type: SECRET_TYPE, data };
}
