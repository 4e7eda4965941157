// Mutating/ValidatingWebhookConfigurations: reading their caBundles and the JSON patch that sets
// them. Pure; the patch carries the resourceVersion read, so a stale writer gets 409 and re-reads.

export type WebhookKind = 'MutatingWebhookConfiguration' | 'ValidatingWebhookConfiguration';
export type WebhookRef = { kind: WebhookKind; name: string };

export interface WebhookConfiguration {
  metadata: { name?: string; resourceVersion?: string; [key: string]: unknown };
  webhooks?: unknown[];
  [key: string]: unknown;
}

export type JsonPatchOp = { op: 'add' | 'replace'; path: string; value: unknown };

export function webhookPath(ref: WebhookRef): string {
  const plural = ref.kind === 'MutatingWebhookConfiguration' ? 'mutatingwebhookconfigurations' : 'validatingwebhookconfigurations';
  return `/apis/admissionregistration.k8s.io/v1/${plural}/${encodeURIComponent(ref.name)}`;
}

function entries(config: WebhookConfiguration): Record<string, unknown>[] {
  return (config.webhooks ?? []).map((w) =>
    typeof w === 'object' && w !== null && !Array.isArray(w) ? (w as Record<string, unknown>) : {},
  );
}

function caBundleOf(entry: Record<string, unknown>): string | undefined {
  const cc = entry.clientConfig;
  if (typeof cc !== 'object' || cc === null) return undefined;
  const value = (cc as { caBundle?: unknown }).caBundle;
  return typeof value === 'string' ? value : undefined;
}

/** Each webhook entry's caBundle as PEM text ('' when unset). */
export function publishedBundles(config: WebhookConfiguration): string[] {
  return entries(config).map((e) => Buffer.from(caBundleOf(e) ?? '', 'base64').toString('utf8'));
}

/** The patch that sets caBundle on every entry to `bundlePem`, or undefined when all already have it. */
export function caBundlePatch(config: WebhookConfiguration, bundlePem: string): JsonPatchOp[] | undefined {
  const wanted = Buffer.from(bundlePem, 'utf8').toString('base64');
  const ops: JsonPatchOp[] = [];
  entries(config).forEach((entry, i) => {
    if (caBundleOf(entry) === wanted) return;
    const hasClientConfig = typeof entry.clientConfig === 'object' && entry.clientConfig !== null;
    ops.push(
      hasClientConfig
        ? { op: 'add', path: `/webhooks/${i}/clientConfig/caBundle`, value: wanted }
        : { op: 'add', path: `/webhooks/${i}/clientConfig`, value: { caBundle: wanted } },
    );
  });
  if (ops.length === 0) return undefined;
  // Setting the resourceVersion read makes the patch conditional on it (409 Conflict otherwise).
  return [{ op: 'replace', path: '/metadata/resourceVersion', value: config.metadata.resourceVersion ?? '' }, ...ops];
}
