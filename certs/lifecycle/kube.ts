// Kubernetes I/O for the lifecycle: read and write the Secret, read and patch the webhook
// configurations. Every failure becomes a LifecycleError naming the object; 409s are returned as
// values because the caller re-reads and re-plans on them.
import { ApiError } from '../../kube-client/api.ts';
import type { KubeApi } from '../../kube-client/api.ts';
import { SECRET_TYPE } from './secret.ts';
import type { SecretObject } from './secret.ts';
import { webhookPath } from './webhook-config.ts';
import type { JsonPatchOp, WebhookConfiguration, WebhookRef } from './webhook-config.ts';

export class LifecycleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'LifecycleError';
  }
}

export type SecretRef = { namespace: string; name: string };

export function secretLabel(ref: SecretRef): string {
  return `Secret ${ref.namespace}/${ref.name}`;
}

function secretsPath(ref: SecretRef, named: boolean): string {
  const base = `/api/v1/namespaces/${encodeURIComponent(ref.namespace)}/secrets`;
  return named ? `${base}/${encodeURIComponent(ref.name)}` : base;
}

function fail(what: string, err: unknown): LifecycleError {
  if (err instanceof LifecycleError) return err;
  return new LifecycleError(`${what}: ${err instanceof Error ? err.message : String(err)}`);
}

function isConflict(err: unknown): boolean {
  return err instanceof ApiError && err.status === 409;
}

export async function readSecret(api: KubeApi, ref: SecretRef): Promise<SecretObject | undefined> {
  let secret: SecretObject;
  try {
    secret = await api.get<SecretObject>(secretsPath(ref, true));
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return undefined;
    throw fail(secretLabel(ref), err);
  }
  // The type is immutable, so a Secret of another type could never be updated into shape.
  if (secret.type !== SECRET_TYPE) {
    throw new LifecycleError(
      `${secretLabel(ref)}: has type ${secret.type ?? '(none)'}, not ${SECRET_TYPE}; delete it or name another --secret`,
    );
  }
  return secret;
}

/** 'exists' when another run created it first (409 AlreadyExists). */
export async function createSecret(api: KubeApi, ref: SecretRef, secret: SecretObject): Promise<'created' | 'exists'> {
  try {
    await api.send('POST', secretsPath(ref, false), secret);
    return 'created';
  } catch (err) {
    if (isConflict(err)) return 'exists';
    throw fail(secretLabel(ref), err);
  }
}

/** PUT with the resourceVersion read: 'conflict' when someone wrote in between. */
export async function updateSecret(api: KubeApi, ref: SecretRef, secret: SecretObject): Promise<'updated' | 'conflict'> {
  try {
    await api.send('PUT', secretsPath(ref, true), secret);
    return 'updated';
  } catch (err) {
    if (isConflict(err)) return 'conflict';
    throw fail(secretLabel(ref), err);
  }
}

/** undefined when it does not exist (404). */
export async function readWebhook(api: KubeApi, ref: WebhookRef): Promise<WebhookConfiguration | undefined> {
  try {
    return await api.get<WebhookConfiguration>(webhookPath(ref));
  } catch (err) {
    if (err instanceof ApiError && err.status === 404) return undefined;
    throw fail(`${ref.kind} ${ref.name}`, err);
  }
}

/** The patched configuration (with its new resourceVersion), or 'conflict' when it changed since it was read. */
export async function patchWebhook(api: KubeApi, ref: WebhookRef, ops: JsonPatchOp[]): Promise<WebhookConfiguration | 'conflict'> {
  try {
    return await api.send<WebhookConfiguration>('PATCH', webhookPath(ref), ops, 'application/json-patch+json');
  } catch (err) {
    if (isConflict(err)) return 'conflict';
    throw fail(`${ref.kind} ${ref.name}`, err);
  }
}
