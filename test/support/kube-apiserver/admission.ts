// Calls admission webhooks as kube-apiserver does: mutating webhooks in order with
// JSONPatch responses and one IfNeeded reinvocation, then validating webhooks in
// parallel. Configurations are read from the stored Mutating/ValidatingWebhookConfigurations;
// a webhook is called when its rules, selectors and CEL matchConditions all match.
import { randomUUID } from 'node:crypto';
import { request } from 'node:https';
import fjp from 'fast-json-patch';
import { WEBHOOK_VARIABLES } from './admission-config.ts';
import { SelectorError, exemptFromWebhooks, ruleMatches, selectorsMatch } from './admission-match.ts';
import { toCel } from './cel.ts';
import { celRequest } from './cel-request.ts';
import { conditionsOf, evaluateConditions } from './match-conditions.ts';
import { decodeObject } from './objects.ts';
import { requireResource } from './resources.ts';
import type { ResourceDef } from './resources.ts';
import { ApiError, badRequest, forbidden, internalError, statusOf } from './status.ts';
import type { Store } from './store.ts';
import type { KubeObject, Status, UserInfo } from './types.ts';
import { isRecord } from './types.ts';

export type Operation = 'CREATE' | 'UPDATE' | 'DELETE';

export interface AdmissionAttributes {
  def: ResourceDef;
  operation: Operation;
  subresource: string | undefined;
  name: string;
  namespace: string | undefined;
  object: KubeObject | undefined;
  oldObject: KubeObject | undefined;
  user: UserInfo;
  dryRun: boolean;
  options: Record<string, unknown>;
}

export interface ServiceReference {
  namespace: string;
  name: string;
  path: string | undefined;
  port: number;
}

export interface AdmissionDeps {
  store: Store;
  /** Maps a webhook's clientConfig.service to a URL (there is no cluster network here). */
  resolveService: ((svc: ServiceReference) => string | undefined) | undefined;
}

interface Hook {
  name: string;
  raw: Record<string, unknown>;
  failurePolicy: string;
  timeoutSeconds: number;
  reinvoke: boolean;
}

/** Why a call failed; subject to failurePolicy, as webhookutil.ErrCallingWebhook. */
class CallError extends Error {}

function hooks(store: Store, kind: 'MutatingWebhookConfiguration' | 'ValidatingWebhookConfiguration'): Hook[] {
  // Configurations in name order, webhooks in their listed order, like the real dispatcher.
  return store.list(requireResource(kind)).flatMap((config) =>
    (Array.isArray(config.webhooks) ? config.webhooks : []).filter(isRecord).map((raw) => ({
      name: String(raw.name ?? ''),
      raw,
      failurePolicy: raw.failurePolicy === 'Ignore' ? 'Ignore' : 'Fail',
      timeoutSeconds: typeof raw.timeoutSeconds === 'number' ? raw.timeoutSeconds : 10,
      reinvoke: raw.reinvocationPolicy === 'IfNeeded',
    })),
  );
}

/**
 * generic.ShouldCallHook: selectors, then rules, then matchConditions. A condition that errors
 * under failurePolicy Fail refuses the request with 403 before any call.
 */
function shouldCall(store: Store, hook: Hook, a: AdmissionAttributes): boolean {
  let selected: boolean;
  try {
    selected = selectorsMatch(store, hook.raw, a);
  } catch (err) {
    if (err instanceof SelectorError) throw internalError(err.message);
    throw err;
  }
  if (!selected || !(Array.isArray(hook.raw.rules) ? hook.raw.rules : []).some((r) => ruleMatches(r, a))) return false;
  const conditions = conditionsOf(hook.raw.matchConditions);
  if (conditions.length === 0) return true;
  const activation = { object: toCel(a.object ?? null), oldObject: toCel(a.oldObject ?? null), request: toCel(celRequest(a)) };
  const result = evaluateConditions(conditions, WEBHOOK_VARIABLES, activation, hook.failurePolicy);
  if (result.kind === 'error') throw forbidden({ group: a.def.group, resource: a.def.plural }, a.name, result.message);
  return result.kind === 'match';
}

function webhookUrl(deps: AdmissionDeps, hook: Hook): string {
  const cc = isRecord(hook.raw.clientConfig) ? hook.raw.clientConfig : {};
  let base: string | undefined;
  if (typeof cc.url === 'string') base = cc.url;
  else if (isRecord(cc.service)) {
    const svc: ServiceReference = {
      namespace: String(cc.service.namespace ?? ''),
      name: String(cc.service.name ?? ''),
      path: typeof cc.service.path === 'string' ? cc.service.path : undefined,
      port: typeof cc.service.port === 'number' ? cc.service.port : 443,
    };
    base = deps.resolveService?.(svc);
    if (base === undefined)
      throw new CallError(
        `failed to call webhook: service "${svc.namespace}/${svc.name}" is not resolvable by the test API server (pass resolveService)`,
      );
  }
  if (base === undefined) throw new CallError('failed to call webhook: clientConfig has neither url nor service');
  const url = new URL(base);
  url.searchParams.set('timeout', `${hook.timeoutSeconds}s`);
  return url.toString();
}

function goNetError(err: NodeJS.ErrnoException, url: URL, timedOut: boolean): string {
  if (timedOut) return 'context deadline exceeded';
  const hostPort = `${url.hostname}:${url.port || '443'}`;
  switch (err.code) {
    case 'ECONNREFUSED':
      return `dial tcp ${hostPort}: connect: connection refused`;
    case 'ECONNRESET':
      return 'EOF';
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY':
      return 'tls: failed to verify certificate: x509: certificate signed by unknown authority';
    case 'CERT_HAS_EXPIRED':
      return 'tls: failed to verify certificate: x509: certificate has expired or is not yet valid';
    case 'ERR_TLS_CERT_ALTNAME_INVALID':
      return `tls: failed to verify certificate: x509: certificate is not valid for ${url.hostname}`;
    default:
      return err.message;
  }
}

function post(url: string, caPem: string | undefined, body: string, timeoutMs: number): Promise<{ status: number; body: string }> {
  const target = new URL(url);
  const signal = AbortSignal.timeout(timeoutMs);
  return new Promise((resolve, reject) => {
    const req = request(
      target,
      {
        method: 'POST',
        ca: caPem,
        signal,
        agent: false,
        headers: { 'content-type': 'application/json', accept: 'application/json, */*', 'content-length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', (err) =>
          reject(new CallError(`failed to call webhook: Post "${url}": ${goNetError(err, target, signal.aborted)}`)),
        );
      },
    );
    req.on('error', (err: NodeJS.ErrnoException) =>
      reject(new CallError(`failed to call webhook: Post "${url}": ${goNetError(err, target, signal.aborted)}`)),
    );
    req.end(body);
  });
}

interface HookResult {
  allowed: boolean;
  status: Record<string, unknown> | undefined;
  patch: fjp.Operation[] | undefined;
  warnings: string[];
}

async function call(
  deps: AdmissionDeps,
  hook: Hook,
  a: AdmissionAttributes,
  object: KubeObject | undefined,
  mutating: boolean,
): Promise<HookResult> {
  const url = webhookUrl(deps, hook);
  const uid = randomUUID();
  const d = a.def;
  const request: Record<string, unknown> = {
    uid,
    kind: { group: d.group, version: d.version, kind: d.kind },
    resource: { group: d.group, version: d.version, resource: d.plural },
    requestKind: { group: d.group, version: d.version, kind: d.kind },
    requestResource: { group: d.group, version: d.version, resource: d.plural },
  };
  if (a.subresource !== undefined) {
    request.subResource = a.subresource;
    request.requestSubResource = a.subresource;
  }
  if (a.name !== '') request.name = a.name;
  if (a.namespace !== undefined) request.namespace = a.namespace;
  Object.assign(request, {
    operation: a.operation,
    userInfo: { username: a.user.username, uid: a.user.uid, groups: a.user.groups },
    object: object ?? null,
    oldObject: a.oldObject ?? null,
    dryRun: a.dryRun,
    options: a.options,
  });
  const cc = isRecord(hook.raw.clientConfig) ? hook.raw.clientConfig : {};
  const caPem = typeof cc.caBundle === 'string' && cc.caBundle !== '' ? Buffer.from(cc.caBundle, 'base64').toString('utf8') : undefined;
  const reply = await post(
    url,
    caPem,
    JSON.stringify({ kind: 'AdmissionReview', apiVersion: 'admission.k8s.io/v1', request }),
    hook.timeoutSeconds * 1000,
  );
  let review: unknown;
  try {
    review = JSON.parse(reply.body);
  } catch {
    review = undefined;
  }
  if (reply.status < 200 || reply.status > 299) {
    const message =
      isRecord(review) && review.kind === 'Status' && typeof review.message === 'string'
        ? review.message
        : `the server responded with the status code ${reply.status} but did not return more information`;
    throw new CallError(`failed to call webhook: ${message}`);
  }
  const invalidResponse = (why: string): CallError => new CallError(`received invalid webhook response: ${why}`);
  if (!isRecord(review)) throw new CallError('failed to call webhook: the server rejected our request due to an error in our request');
  const response = review.response;
  if (!isRecord(response)) throw invalidResponse('webhook response was absent');
  if (response.uid !== uid) throw invalidResponse(`expected response.uid="${uid}", got "${String(response.uid ?? '')}"`);
  if (review.apiVersion !== 'admission.k8s.io/v1' || review.kind !== 'AdmissionReview') {
    const gv = String(review.apiVersion ?? '');
    throw invalidResponse(
      `expected webhook response of admission.k8s.io/v1, Kind=AdmissionReview, got ${gv}, Kind=${String(review.kind ?? '')}`,
    );
  }
  const hasPatch = typeof response.patch === 'string' && response.patch !== '';
  const patchType = typeof response.patchType === 'string' ? response.patchType : '';
  if (hasPatch && patchType === '') throw invalidResponse('webhook returned response.patch but not response.patchType');
  if (hasPatch && patchType !== 'JSONPatch') throw invalidResponse(`webhook returned invalid response.patchType of "${patchType}"`);
  if (hasPatch && !mutating) throw invalidResponse('validating webhook may not return response.patch');
  let patch: fjp.Operation[] | undefined;
  if (hasPatch) {
    let ops: unknown;
    try {
      ops = JSON.parse(Buffer.from(String(response.patch), 'base64').toString('utf8'));
    } catch (err) {
      throw internalError((err as Error).message);
    }
    if (!Array.isArray(ops)) throw internalError('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
    patch = ops as fjp.Operation[];
  }
  const warnings = Array.isArray(response.warnings) ? response.warnings.filter((w): w is string => typeof w === 'string') : [];
  return { allowed: response.allowed === true, status: isRecord(response.status) ? response.status : undefined, patch, warnings };
}

/** webhookerrors.ToStatusErr: a denial keeps the webhook's code (at least 400) and reason. */
function denial(hookName: string, result: Record<string, unknown> | undefined): ApiError {
  const deniedBy = `admission webhook "${hookName}" denied the request`;
  const code = typeof result?.code === 'number' && result.code >= 400 ? result.code : 400;
  const reason = typeof result?.reason === 'string' ? result.reason : undefined;
  const message =
    typeof result?.message === 'string' && result.message !== ''
      ? `${deniedBy}: ${result.message}`
      : reason !== undefined && reason !== ''
        ? `${deniedBy}: ${reason}`
        : `${deniedBy} without explanation`;
  const status: Status = statusOf(code, reason, message, isRecord(result?.details) ? (result.details as Status['details']) : undefined);
  return new ApiError(status);
}

async function invoke(
  deps: AdmissionDeps,
  hook: Hook,
  a: AdmissionAttributes,
  object: KubeObject | undefined,
  mutating: boolean,
): Promise<HookResult | undefined> {
  if (a.dryRun && !['None', 'NoneOnDryRun'].includes(String(hook.raw.sideEffects))) {
    throw badRequest(`admission webhook "${hook.name}" does not support dry run`);
  }
  try {
    const result = await call(deps, hook, a, object, mutating);
    if (!result.allowed) throw denial(hook.name, result.status);
    return result;
  } catch (err) {
    if (!(err instanceof CallError)) throw err;
    if (hook.failurePolicy === 'Ignore') return undefined;
    throw internalError(`failed calling webhook "${hook.name}": ${err.message}`);
  }
}

function applyHookPatch(a: AdmissionAttributes, object: KubeObject, patch: fjp.Operation[]): KubeObject {
  let patched: unknown;
  try {
    patched = fjp.applyPatch(structuredClone(object), patch, true, false).newDocument;
  } catch (err) {
    throw internalError((err as Error).message.split('\n')[0] ?? 'invalid JSON patch');
  }
  try {
    return decodeObject(a.def, patched);
  } catch (err) {
    throw internalError(err instanceof ApiError ? (err.status.message ?? 'decode error') : String(err));
  }
}

export interface AdmissionOutcome {
  object: KubeObject | undefined;
  warnings: string[];
}

export async function runMutating(deps: AdmissionDeps, a: AdmissionAttributes): Promise<AdmissionOutcome> {
  let object = a.object;
  const warnings: string[] = [];
  if (exemptFromWebhooks(a)) return { object, warnings };
  const seen = new Map<Hook, string>();
  // Each webhook is matched against the object as earlier webhooks left it, as the dispatcher does.
  const round = async (hook: Hook): Promise<void> => {
    if (!shouldCall(deps.store, hook, { ...a, object })) return;
    const result = await invoke(deps, hook, { ...a, object }, object, true);
    if (result !== undefined) {
      warnings.push(...result.warnings);
      if (result.patch !== undefined && result.patch.length > 0 && object !== undefined) object = applyHookPatch(a, object, result.patch);
    }
    seen.set(hook, JSON.stringify(object));
  };
  const all = hooks(deps.store, 'MutatingWebhookConfiguration');
  for (const hook of all) await round(hook);
  // Reinvoke IfNeeded webhooks once when a later webhook changed what they saw.
  for (const hook of all) {
    const saw = seen.get(hook);
    if (hook.reinvoke && saw !== undefined && saw !== JSON.stringify(object)) await round(hook);
  }
  return { object, warnings };
}

export async function runValidating(deps: AdmissionDeps, a: AdmissionAttributes): Promise<string[]> {
  if (exemptFromWebhooks(a)) return [];
  const matching = hooks(deps.store, 'ValidatingWebhookConfiguration').filter((h) => shouldCall(deps.store, h, a));
  const settled = await Promise.allSettled(matching.map((h) => invoke(deps, h, a, a.object, false)));
  const warnings: string[] = [];
  for (const s of settled) {
    if (s.status === 'rejected') throw s.reason;
    warnings.push(...(s.value?.warnings ?? []));
  }
  return warnings;
}
