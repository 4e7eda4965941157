// The resource verbs: get, list, watch, create, update, patch, delete, deletecollection,
// plus the TokenRequest and SelfSubjectAccessReview endpoints. Ordering follows the real
// request path: decode+default → mutating admission → strategy+validation → validating
// admission → storage.
import type { ServiceHandler } from './service-proxy.ts';
import { runMutating, runValidating } from './admission.ts';
import { runPolicies } from './policies.ts';
import type { AdmissionDeps, Operation } from './admission.ts';
import type { Users } from './auth.ts';
import { negotiate } from './negotiation.ts';
import type { Rendering } from './negotiation.ts';
import {
  applyDefaults,
  decodeObject,
  listItem,
  namespaceTerminating,
  partialMetadata,
  prepareForCreate,
  prepareForUpdate,
  timestamp,
  validateObject,
} from './objects.ts';
import { applyPatch } from './patch.ts';
import { checkPreconditions } from './preconditions.ts';
import type { RequestInfo } from './request-info.ts';
import { reviewAllows } from './rbac.ts';
import { RESOURCES, groupVersion, requireResource } from './resources.ts';
import type { ResourceDef } from './resources.ts';
import { matchesFields, matchesLabels, parseFieldSelector, parseLabelSelector } from './selectors.ts';
import {
  ApiError,
  MODIFIED,
  alreadyExists,
  badRequest,
  conflict,
  expired,
  forbidden,
  invalid,
  methodNotAllowed,
  notFound,
  pathNotFound,
  statusOf,
} from './status.ts';
import { keyOf } from './store.ts';
import type { Store } from './store.ts';
import { toTable } from './tables.ts';
import type { IncludeObject } from './tables.ts';
import type { TokenIssuer } from './tokens.ts';
import type { KubeObject, Status, UserInfo } from './types.ts';
import { isRecord } from './types.ts';
import { serveWatch } from './watch.ts';
import type { WatchRegistry } from './watch.ts';
import type { ServerResponse } from 'node:http';

export interface ServerContext {
  store: Store;
  users: Users;
  tokens: TokenIssuer;
  watches: WatchRegistry;
  admission: AdmissionDeps;
  now: () => Date;
  bookmarkIntervalMs: number;
  defaultServiceAccounts: boolean;
  /** services/proxy backends by namespace/name:port (service-proxy.ts). */
  serviceProxies: Map<string, ServiceHandler>;
}

export interface ApiRequest {
  info: RequestInfo;
  def: ResourceDef;
  query: URLSearchParams;
  accept: string | undefined;
  contentType: string;
  body: string;
  user: UserInfo;
}

export type ApiResult = { code: number; body: unknown; warnings?: string[] } | 'streamed';

const NAMESPACE = (): ResourceDef => requireResource('Namespace');

function gr(def: ResourceDef): { group: string; resource: string } {
  return { group: def.group, resource: def.plural };
}

function parseJson(body: string): unknown {
  try {
    return JSON.parse(body);
  } catch (err) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`);
  }
}

function render(def: ResourceDef, obj: KubeObject, r: Rendering, now: Date, query: URLSearchParams): unknown {
  if (r.as === 'metadata') return partialMetadata(obj, r.version);
  if (r.as === 'table') return toTable(def, [obj], { resourceVersion: obj.metadata.resourceVersion }, includeObject(query), r.version, now);
  return obj;
}

function includeObject(query: URLSearchParams): IncludeObject {
  const v = query.get('includeObject');
  return v === 'None' || v === 'Object' ? v : 'Metadata';
}

function isDryRun(query: URLSearchParams, options?: Record<string, unknown>): boolean {
  if (query.getAll('dryRun').some((v) => v === 'All')) return true;
  return Array.isArray(options?.dryRun) && options.dryRun.includes('All');
}

function requireNamespace(ctx: ServerContext, namespace: string | undefined): void {
  if (namespace === undefined) throw methodNotAllowed();
  const ns = ctx.store.get(NAMESPACE(), undefined, namespace);
  if (ns === undefined) throw notFound({ group: '', resource: 'namespaces' }, namespace);
  if (ns.metadata.deletionTimestamp !== undefined) throw namespaceTerminating(namespace);
}

export function getObject(ctx: ServerContext, req: ApiRequest): ApiResult {
  const { def, info } = req;
  const rendering = negotiate(req.accept, 'get');
  const obj = ctx.store.get(def, info.namespace, info.name ?? '');
  if (obj === undefined) throw notFound(gr(def), info.name ?? '');
  return { code: 200, body: render(def, obj, rendering, ctx.now(), req.query) };
}

interface ContinueToken {
  rv: number;
  start: string;
}

function encodeContinue(rv: number, start: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start })).toString('base64url');
}

function decodeContinue(token: string): ContinueToken {
  try {
    const parsed: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    if (isRecord(parsed) && parsed.v === 'meta.k8s.io/v1' && typeof parsed.rv === 'number' && typeof parsed.start === 'string')
      return { rv: parsed.rv, start: parsed.start };
  } catch {
    // fall through
  }
  throw badRequest(`continue key is not valid: ${token}`);
}

function parseRv(value: string | null): number | undefined {
  if (value === null || value === '' || value === '0') return undefined;
  if (!/^\d+$/.test(value)) throw badRequest(`invalid resource version: "${value}"`);
  return Number(value);
}

function tooLarge(rv: number, current: number): ApiError {
  return new ApiError(
    statusOf(504, 'Timeout', `Too large resource version: ${rv}, current: ${current}`, {
      causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }],
      retryAfterSeconds: 1,
    }),
  );
}

export function listObjects(ctx: ServerContext, req: ApiRequest): ApiResult {
  const { def, info, query } = req;
  const rendering = negotiate(req.accept, 'list');
  const labels = parseLabelSelector(query.get('labelSelector') ?? '');
  const fields = parseFieldSelector(def, query.get('fieldSelector') ?? '');
  const limitText = query.get('limit');
  const limit = limitText === null || limitText === '' ? 0 : Number(limitText);
  if (!Number.isInteger(limit) || limit < 0) throw badRequest(`invalid limit: ${limitText ?? ''}`);
  const cont = query.get('continue') ?? '';
  let items: KubeObject[];
  let rv: number;
  let startKey = '';
  if (cont !== '') {
    if ((query.get('resourceVersion') ?? '') !== '') throw badRequest('specifying resource version is not allowed when using continue');
    const token = decodeContinue(cont);
    const snap = ctx.store.snapshot(def, token.rv);
    if (snap === undefined) {
      throw expired(
        'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
      );
    }
    items = snap;
    rv = token.rv;
    startKey = token.start;
  } else {
    const current = ctx.store.currentRv();
    const asked = parseRv(query.get('resourceVersion'));
    if (asked !== undefined && asked > current) throw tooLarge(asked, current);
    if (asked !== undefined && asked !== current && query.get('resourceVersionMatch') === 'Exact') {
      throw expired(`too old resource version: ${asked} (${current})`);
    }
    items = ctx.store.list(def);
    rv = current;
  }
  const inScope = (o: KubeObject): boolean => info.namespace === undefined || o.metadata.namespace === info.namespace;
  const matches = (o: KubeObject): boolean => inScope(o) && matchesLabels(labels, o.metadata.labels) && matchesFields(def, fields, o);
  // Items are sorted by key, so the page starts at the first key at or after the token's start.
  let lo = 0;
  let hi = items.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    const item = items[mid];
    if (item !== undefined && keyOf(item) < startKey) lo = mid + 1;
    else hi = mid;
  }
  const page: KubeObject[] = [];
  let i = lo;
  for (; i < items.length && (limit === 0 || page.length < limit); i += 1) {
    const item = items[i];
    if (item !== undefined && matches(item)) page.push(item);
  }
  const metadata: Record<string, unknown> = { resourceVersion: String(rv) };
  const remaining = items.slice(i).filter(inScope).length;
  const last = page[page.length - 1];
  if (limit > 0 && remaining > 0 && last !== undefined) {
    if (cont === '') ctx.store.saveSnapshot(def, rv, items);
    metadata.continue = encodeContinue(rv, `${keyOf(last)}\u0000`);
    // Only countable without selectors, as in the real server.
    if (labels.length === 0 && fields.length === 0) metadata.remainingItemCount = remaining;
  }
  const now = ctx.now();
  if (rendering.as === 'table') return { code: 200, body: toTable(def, page, metadata, includeObject(query), rendering.version, now) };
  if (rendering.as === 'metadata') {
    return {
      code: 200,
      body: {
        kind: 'PartialObjectMetadataList',
        apiVersion: `meta.k8s.io/${rendering.version}`,
        metadata,
        items: page.map((o) => partialMetadata(o, rendering.version)),
      },
    };
  }
  // Custom resources are served as unstructured and keep kind/apiVersion on items.
  return {
    code: 200,
    body: { kind: def.listKind, apiVersion: groupVersion(def), metadata, items: def.custom ? page : page.map(listItem) },
  };
}

export function watchObjects(ctx: ServerContext, req: ApiRequest, res: ServerResponse): ApiResult {
  const { def, info, query } = req;
  const rendering = negotiate(req.accept, 'watch');
  const timeoutText = query.get('timeoutSeconds');
  const timeoutSeconds = timeoutText === null || timeoutText === '' ? 1800 : Number(timeoutText);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds < 0) throw badRequest(`invalid timeoutSeconds: ${timeoutText ?? ''}`);
  const rv = parseRv(query.get('resourceVersion'));
  if (rv !== undefined && rv > ctx.store.currentRv()) throw tooLarge(rv, ctx.store.currentRv());
  serveWatch(ctx.store, ctx.watches, res, {
    def,
    namespace: info.namespace,
    name: info.name,
    labels: parseLabelSelector(query.get('labelSelector') ?? ''),
    fields: parseFieldSelector(def, query.get('fieldSelector') ?? ''),
    resourceVersion: rv,
    sendInitialEvents: query.get('sendInitialEvents') === 'true',
    allowBookmarks: query.get('allowWatchBookmarks') === 'true',
    timeoutMs: timeoutSeconds * 1000,
    bookmarkIntervalMs: ctx.bookmarkIntervalMs,
    render: (obj) => (rendering.as === 'metadata' ? partialMetadata(obj, rendering.version) : obj),
  });
  return 'streamed';
}

function options(kind: string, query: URLSearchParams, dryRun: boolean): Record<string, unknown> {
  const o: Record<string, unknown> = { kind, apiVersion: 'meta.k8s.io/v1' };
  if (dryRun) o.dryRun = ['All'];
  const fm = query.get('fieldManager');
  if (fm !== null) o.fieldManager = fm;
  const fv = query.get('fieldValidation');
  if (fv !== null) o.fieldValidation = fv;
  return o;
}

function serviceAccountCheck(ctx: ServerContext, pod: KubeObject): void {
  const spec = isRecord(pod.spec) ? pod.spec : {};
  const saName = typeof spec.serviceAccountName === 'string' && spec.serviceAccountName !== '' ? spec.serviceAccountName : 'default';
  spec.serviceAccountName = saName;
  spec.serviceAccount = saName;
  pod.spec = spec;
  const ns = pod.metadata.namespace ?? '';
  if (ctx.store.get(requireResource('ServiceAccount'), ns, saName) === undefined) {
    throw forbidden(
      { group: '', resource: 'pods' },
      pod.metadata.name,
      `error looking up service account ${ns}/${saName}: serviceaccount "${saName}" not found`,
    );
  }
}

/** POST: creates an object through the full admission chain. */
export async function createObject(ctx: ServerContext, req: ApiRequest): Promise<ApiResult> {
  const { def, info, query } = req;
  const obj = decodeObject(def, parseJson(req.body));
  applyDefaults(def, obj);
  if (def.namespaced) {
    if (obj.metadata.namespace !== undefined && obj.metadata.namespace !== '' && obj.metadata.namespace !== info.namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    requireNamespace(ctx, info.namespace);
    obj.metadata.namespace = info.namespace;
  }
  const dryRun = isDryRun(query);
  const attrs = {
    def,
    operation: 'CREATE' as Operation,
    subresource: undefined,
    name: obj.metadata.name ?? '',
    namespace: def.namespaced ? info.namespace : undefined,
    object: obj,
    oldObject: undefined,
    user: req.user,
    dryRun,
    options: options('CreateOptions', query, dryRun),
  };
  const mutated = await runMutating(ctx.admission, attrs);
  const final = mutated.object ?? obj;
  if (def.namespaced) final.metadata.namespace = info.namespace;
  prepareForCreate(def, final, ctx.now());
  validateObject(def, final);
  if (def.kind === 'Pod') serviceAccountCheck(ctx, final);
  // ValidatingAdmissionPolicy runs before validating webhooks (the default plugin order).
  const validated = { ...attrs, name: final.metadata.name ?? '', object: final };
  const warnings = [...mutated.warnings, ...runPolicies(ctx.store, validated), ...(await runValidating(ctx.admission, validated))];
  if (dryRun) {
    if (ctx.store.get(def, final.metadata.namespace, final.metadata.name ?? '') !== undefined)
      throw alreadyExists(gr(def), final.metadata.name ?? '');
    return { code: 201, body: final, warnings };
  }
  if (def.namespaced) requireNamespace(ctx, info.namespace);
  const stored = ctx.store.create(def, final);
  if (def.kind === 'Namespace' && ctx.defaultServiceAccounts) createDefaultServiceAccount(ctx, stored.metadata.name ?? '');
  return { code: 201, body: stored, warnings };
}

export function createDefaultServiceAccount(ctx: ServerContext, namespace: string): void {
  const sa = requireResource('ServiceAccount');
  if (ctx.store.get(sa, namespace, 'default') !== undefined) return;
  const obj: KubeObject = { apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'default', namespace } };
  prepareForCreate(sa, obj, ctx.now());
  ctx.store.create(sa, obj);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (isRecord(value)) {
    const keys = Object.keys(value)
      .filter((k) => value[k] !== undefined)
      .sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** An update that changes nothing is not written, so watchers see no event (as with etcd's no-op guard). */
function sameContent(a: KubeObject, b: KubeObject): boolean {
  const strip = (o: KubeObject): string => canonical({ ...o, metadata: { ...o.metadata, resourceVersion: undefined } });
  return strip(a) === strip(b);
}

/** Shared tail of PUT and PATCH: admission, strategy, validation, compare-and-swap. */
async function updateWith(
  ctx: ServerContext,
  req: ApiRequest,
  old: KubeObject,
  obj: KubeObject,
  expectedRv: string | undefined,
): Promise<ApiResult> {
  const { def, info, query } = req;
  const dryRun = isDryRun(query);
  const attrs = {
    def,
    operation: 'UPDATE' as Operation,
    subresource: info.subresource,
    name: info.name ?? '',
    namespace: def.namespaced ? info.namespace : undefined,
    object: obj,
    oldObject: old,
    user: req.user,
    dryRun,
    options: options('UpdateOptions', query, dryRun),
  };
  const mutated = await runMutating(ctx.admission, attrs);
  const final = mutated.object ?? obj;
  final.metadata.name = info.name;
  prepareForUpdate(def, old, final, info.subresource);
  validateObject(def, final, old);
  const validated = { ...attrs, object: final };
  const warnings = [...mutated.warnings, ...runPolicies(ctx.store, validated), ...(await runValidating(ctx.admission, validated))];
  final.metadata.resourceVersion = old.metadata.resourceVersion;
  if (sameContent(old, final)) return { code: 200, body: old, warnings };
  if (dryRun) return { code: 200, body: final, warnings };
  if (final.metadata.deletionTimestamp !== undefined && (final.metadata.finalizers ?? []).length === 0) {
    // The last finalizer is gone: the pending deletion completes.
    const gone = ctx.store.delete(def, info.namespace, info.name ?? '', expectedRv);
    return { code: 200, body: gone, warnings };
  }
  return { code: 200, body: ctx.store.update(def, final, expectedRv), warnings };
}

function existing(ctx: ServerContext, req: ApiRequest): KubeObject {
  const obj = ctx.store.get(req.def, req.info.namespace, req.info.name ?? '');
  if (obj === undefined) throw notFound(gr(req.def), req.info.name ?? '');
  return obj;
}

function checkIdentity(req: ApiRequest, obj: KubeObject): void {
  const name = req.info.name ?? '';
  if (obj.metadata.name === undefined || obj.metadata.name === '') obj.metadata.name = name;
  if (obj.metadata.name !== name)
    throw badRequest(`the name of the object (${obj.metadata.name}) does not match the name on the URL (${name})`);
  if (req.def.namespaced) {
    if (obj.metadata.namespace !== undefined && obj.metadata.namespace !== '' && obj.metadata.namespace !== req.info.namespace) {
      throw badRequest('the namespace of the provided object does not match the namespace sent on the request');
    }
    obj.metadata.namespace = req.info.namespace;
  }
}

export async function updateObject(ctx: ServerContext, req: ApiRequest): Promise<ApiResult> {
  const obj = decodeObject(req.def, parseJson(req.body));
  applyDefaults(req.def, obj);
  checkIdentity(req, obj);
  const old = existing(ctx, req);
  // A uid in the body is a precondition, checked by storage before anything else.
  const uid = obj.metadata.uid;
  if (uid !== undefined && uid !== '') checkPreconditions(req.def, old, { uid });
  const rv = obj.metadata.resourceVersion;
  const expected = rv !== undefined && rv !== '' ? rv : undefined;
  if (expected !== undefined && expected !== old.metadata.resourceVersion) throw conflict(gr(req.def), req.info.name ?? '', MODIFIED);
  return updateWith(ctx, req, old, obj, expected);
}

export async function patchObject(ctx: ServerContext, req: ApiRequest): Promise<ApiResult> {
  // Like the real server, a patch without its own resourceVersion is retried on a write conflict.
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await patchOnce(ctx, req);
    } catch (err) {
      const retriable = err instanceof ApiError && err.status.reason === 'Conflict' && !/"resourceVersion"\s*:/.test(req.body);
      if (!retriable || attempt >= 5) throw err;
    }
  }
}

async function patchOnce(ctx: ServerContext, req: ApiRequest): Promise<ApiResult> {
  const old = existing(ctx, req);
  const patched = applyPatch(req.def, req.contentType, structuredClone(old), req.body);
  const obj = decodeObject(req.def, patched);
  applyDefaults(req.def, obj);
  checkIdentity(req, obj);
  // A patch carries no uid precondition: a changed uid fails the common metadata validation.
  const uid = obj.metadata.uid;
  if (uid !== undefined && uid !== '' && uid !== old.metadata.uid) {
    throw invalid(req.def.group, req.def.kind, req.info.name ?? '', [
      { reason: 'FieldValueInvalid', message: `Invalid value: ${JSON.stringify(uid)}: field is immutable`, field: 'metadata.uid' },
    ]);
  }
  const rv = obj.metadata.resourceVersion;
  // A patch only acts as a precondition when it sets metadata.resourceVersion itself.
  const expected = rv !== undefined && rv !== '' && rv !== old.metadata.resourceVersion ? rv : undefined;
  if (expected !== undefined) throw conflict(gr(req.def), req.info.name ?? '', MODIFIED);
  return updateWith(ctx, req, old, obj, old.metadata.resourceVersion);
}

function deleteOptions(body: string): Record<string, unknown> {
  if (body.trim() === '') return {};
  const parsed = parseJson(body);
  if (!isRecord(parsed)) throw badRequest('DeleteOptions must be an object');
  return parsed;
}

function successStatus(def: ResourceDef, obj: KubeObject): Status {
  const details: Status['details'] = { name: obj.metadata.name ?? '' };
  if (def.group !== '') details.group = def.group;
  details.kind = def.plural;
  details.uid = obj.metadata.uid ?? '';
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details, code: 200 };
}

export async function deleteObject(ctx: ServerContext, req: ApiRequest, target?: KubeObject): Promise<ApiResult> {
  const { def, query } = req;
  const old = target ?? existing(ctx, req);
  const opts = deleteOptions(target === undefined ? req.body : '');
  const name = old.metadata.name ?? '';
  const pre = isRecord(opts.preconditions) ? opts.preconditions : {};
  checkPreconditions(def, old, {
    uid: typeof pre.uid === 'string' ? pre.uid : undefined,
    resourceVersion: typeof pre.resourceVersion === 'string' ? pre.resourceVersion : undefined,
  });
  const dryRun = isDryRun(query, opts);
  const attrs = {
    def,
    operation: 'DELETE' as Operation,
    subresource: undefined,
    name,
    namespace: def.namespaced ? old.metadata.namespace : undefined,
    object: undefined,
    oldObject: old,
    user: req.user,
    dryRun,
    options: { ...options('DeleteOptions', query, dryRun), ...opts, kind: 'DeleteOptions', apiVersion: 'meta.k8s.io/v1' },
  };
  const warnings = [
    ...(await runMutating(ctx.admission, attrs)).warnings,
    ...runPolicies(ctx.store, attrs),
    ...(await runValidating(ctx.admission, attrs)),
  ];
  const deleting: KubeObject = {
    ...old,
    metadata: { ...old.metadata, deletionTimestamp: old.metadata.deletionTimestamp ?? timestamp(ctx.now()), deletionGracePeriodSeconds: 0 },
  };
  if (def.kind === 'Namespace') deleting.status = { phase: 'Terminating' };
  if (dryRun) return { code: 200, body: def.deleteReturnsObject ? deleting : successStatus(def, old), warnings };
  if (def.kind === 'Namespace') return { code: 200, body: deleteNamespace(ctx, deleting), warnings };
  if ((old.metadata.finalizers ?? []).length > 0) {
    // Finalizers hold the object, marked for deletion, until they are removed.
    const marked = old.metadata.deletionTimestamp === undefined ? ctx.store.update(def, deleting) : old;
    return { code: 200, body: marked, warnings };
  }
  const gone = ctx.store.delete(def, old.metadata.namespace, name);
  return { code: 200, body: def.deleteReturnsObject ? gone : successStatus(def, gone), warnings };
}

/** Terminating, then contents deleted, then the namespace: what the namespace controller does, done at once. */
export function deleteNamespace(ctx: ServerContext, terminating: KubeObject): KubeObject {
  const ns = terminating.metadata.name ?? '';
  const nsDef = NAMESPACE();
  const marked =
    ctx.store.get(nsDef, undefined, ns)?.metadata.deletionTimestamp === undefined ? ctx.store.update(nsDef, terminating) : terminating;
  for (const def of RESOURCES) {
    if (!def.namespaced || def.virtual) continue;
    for (const obj of ctx.store.list(def, ns)) ctx.store.delete(def, ns, obj.metadata.name ?? '');
  }
  ctx.store.delete(nsDef, undefined, ns);
  return marked;
}

export async function deleteCollection(ctx: ServerContext, req: ApiRequest): Promise<ApiResult> {
  const listed = listObjects(ctx, {
    ...req,
    accept: undefined,
    query: new URLSearchParams([...req.query].filter(([k]) => k !== 'limit' && k !== 'continue')),
  });
  if (listed === 'streamed' || !isRecord(listed.body) || !Array.isArray(listed.body.items)) throw pathNotFound();
  const items = listed.body.items as KubeObject[];
  const deleted: KubeObject[] = [];
  const warnings: string[] = [];
  for (const item of items) {
    const target = ctx.store.get(req.def, item.metadata.namespace, item.metadata.name ?? '');
    if (target === undefined) continue;
    const result = await deleteObject(
      ctx,
      { ...req, info: { ...req.info, name: target.metadata.name, namespace: target.metadata.namespace } },
      target,
    );
    if (result !== 'streamed') warnings.push(...(result.warnings ?? []));
    deleted.push(listItem(target));
  }
  return {
    code: 200,
    body: {
      kind: req.def.listKind,
      apiVersion: groupVersion(req.def),
      metadata: { resourceVersion: String(ctx.store.currentRv()) },
      items: deleted,
    },
    warnings,
  };
}

const MAX_TOKEN_SECONDS = 2 ** 32;

export async function createToken(ctx: ServerContext, req: ApiRequest): Promise<ApiResult> {
  const { info } = req;
  const sa = ctx.store.get(requireResource('ServiceAccount'), info.namespace, info.name ?? '');
  if (sa === undefined) throw notFound({ group: '', resource: 'serviceaccounts' }, info.name ?? '');
  const body = req.body.trim() === '' ? {} : parseJson(req.body);
  const spec = isRecord(body) && isRecord(body.spec) ? body.spec : {};
  const audiences = Array.isArray(spec.audiences) && spec.audiences.length > 0 ? spec.audiences.map(String) : ctx.tokens.apiAudiences;
  const seconds = typeof spec.expirationSeconds === 'number' ? spec.expirationSeconds : 3600;
  if (seconds < 600 || seconds > MAX_TOKEN_SECONDS) {
    const why = seconds < 600 ? 'may not specify a duration less than 10 minutes' : 'may not specify a duration larger than 2^32 seconds';
    throw invalid('authentication.k8s.io', 'TokenRequest', info.name ?? '', [
      { reason: 'FieldValueInvalid', field: 'spec.expirationSeconds', message: `Invalid value: ${seconds}: ${why}` },
    ]);
  }
  const now = ctx.now();
  const issued = await ctx.tokens.issue(
    { namespace: info.namespace ?? '', name: info.name ?? '', uid: sa.metadata.uid ?? '' },
    audiences,
    seconds,
    now,
  );
  return {
    code: 201,
    body: {
      kind: 'TokenRequest',
      apiVersion: 'authentication.k8s.io/v1',
      metadata: { name: info.name, namespace: info.namespace, creationTimestamp: timestamp(now) },
      spec: { audiences, expirationSeconds: seconds, boundObjectRef: isRecord(spec.boundObjectRef) ? spec.boundObjectRef : null },
      status: { token: issued.token, expirationTimestamp: timestamp(issued.expirationTimestamp) },
    },
  };
}

/** SubjectAccessReview: may spec.user (with spec.groups) do spec.resourceAttributes? Answered from the stored RBAC objects. */
export function subjectAccessReview(ctx: ServerContext, req: ApiRequest): ApiResult {
  const body = parseJson(req.body);
  const spec = isRecord(body) && isRecord(body.spec) ? body.spec : {};
  const str = (v: unknown): string => (typeof v === 'string' ? v : '');
  const user = str(spec.user);
  const groups = Array.isArray(spec.groups) ? spec.groups.filter((g): g is string => typeof g === 'string') : [];
  const ra = isRecord(spec.resourceAttributes) ? spec.resourceAttributes : undefined;
  // The real validation (pkg/apis/authorization/validation): a subject, and exactly one kind of attributes.
  if (user === '' && groups.length === 0)
    throw invalid('authorization.k8s.io', 'SubjectAccessReview', '', [
      { reason: 'FieldValueInvalid', field: 'spec.user', message: 'Invalid value: "": at least one of user or group must be specified' },
    ]);
  if (ra === undefined && !isRecord(spec.nonResourceAttributes))
    throw invalid('authorization.k8s.io', 'SubjectAccessReview', '', [
      {
        reason: 'FieldValueRequired',
        field: 'spec.resourceAttributes',
        message: 'Required value: exactly one of nonResourceAttributes or resourceAttributes must be specified',
      },
    ]);
  const answer =
    ra === undefined
      ? { allowed: false, reason: '' }
      : reviewAllows(
          ctx.store,
          { user, groups },
          {
            verb: str(ra.verb),
            group: str(ra.group),
            resource: str(ra.resource),
            subresource: str(ra.subresource),
            name: str(ra.name),
            namespace: str(ra.namespace),
          },
        );
  return {
    code: 201,
    body: {
      kind: 'SubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec,
      status: answer.reason === '' ? { allowed: answer.allowed } : answer,
    },
  };
}

export function selfSubjectAccessReview(ctx: ServerContext, req: ApiRequest): ApiResult {
  const body = parseJson(req.body);
  const spec = isRecord(body) && isRecord(body.spec) ? body.spec : {};
  const ra = isRecord(spec.resourceAttributes) ? spec.resourceAttributes : undefined;
  const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  const allowed =
    ra !== undefined
      ? ctx.users.authorize(req.user, {
          verb: str(ra.verb) ?? '',
          apiGroup: str(ra.group) ?? '',
          resource: str(ra.resource) ?? '',
          subresource: str(ra.subresource),
          name: str(ra.name),
          namespace: str(ra.namespace),
        })
      : true;
  return {
    code: 201,
    body: {
      kind: 'SelfSubjectAccessReview',
      apiVersion: 'authorization.k8s.io/v1',
      metadata: { creationTimestamp: null },
      spec,
      status: { allowed },
    },
  };
}
