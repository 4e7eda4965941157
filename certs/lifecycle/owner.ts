// One owner per object: a webhook configuration whose caBundle cert-manager's cainjector injects,
// or a Secret cert-manager writes, is not ours to write. Two writers would take turns replacing
// each other's CA, and the served certificate would be rejected in between.
import type { SecretObject } from './secret.ts';
import type { WebhookConfiguration, WebhookRef } from './webhook-config.ts';

// cert-manager.io/inject-ca-from, inject-ca-from-secret, inject-apiserver-ca
const CAINJECTOR = /^cert-manager\.io\/inject-/;
const CERT_MANAGER = /^cert-manager\.io\//;
const SWITCHING = 'see "Switching overlays" in deploy/README.md';

function annotations(metadata: Record<string, unknown>): [string, string][] {
  const a = metadata.annotations;
  if (typeof a !== 'object' || a === null || Array.isArray(a)) return [];
  return Object.entries(a).filter((e): e is [string, string] => typeof e[1] === 'string');
}

/** Why kfstore-certs must not patch this configuration, or undefined. */
export function configOwnedElsewhere(ref: WebhookRef, config: WebhookConfiguration): string | undefined {
  const hit = annotations(config.metadata).find(([k]) => CAINJECTOR.test(k));
  if (hit === undefined) return undefined;
  return `${ref.kind} ${ref.name}: its caBundle is injected by cert-manager (annotation ${hit[0]}: ${hit[1]}); kfstore-certs will not write it. Use one certificate tool: ${SWITCHING}`;
}

/** Why kfstore-certs must not write this Secret, or undefined. */
export function secretOwnedElsewhere(label: string, secret: SecretObject): string | undefined {
  const hit = annotations(secret.metadata).find(([k]) => CERT_MANAGER.test(k));
  if (hit === undefined) return undefined;
  return `${label}: written by cert-manager (annotation ${hit[0]}: ${hit[1]}); kfstore-certs will not write it. Use one certificate tool: ${SWITCHING}`;
}
