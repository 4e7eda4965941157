// The HTTPS front: records each request, authenticates, injects faults, authorizes,
// then routes discovery and resource requests to their handlers.
import type { IncomingMessage, ServerResponse } from 'node:http';
import { forbiddenError } from './auth.ts';
import { apiGroupDoc, apiGroupList, apiResourceList, apiVersions, openapiV3Doc, openapiV3Root, versionInfo } from './discovery.ts';
import {
  createObject,
  createToken,
  deleteCollection,
  deleteObject,
  getObject,
  listObjects,
  patchObject,
  selfSubjectAccessReview,
  subjectAccessReview,
  updateObject,
  watchObjects,
} from './handlers.ts';
import type { ApiRequest, ApiResult, ServerContext } from './handlers.ts';
import { PROTOBUF, protobufToJson } from './protobuf.ts';
import { requestInfo } from './request-info.ts';
import type { RequestInfo } from './request-info.ts';
import { findResource } from './resources.ts';
import { isServiceProxy, serviceProxy } from './service-proxy.ts';
import { parseFieldSelector, exactName } from './selectors.ts';
import { ApiError, internalError, methodNotAllowed, pathNotFound, statusForCode, statusOf, unauthorized } from './status.ts';
import type { RecordedRequest, Status, UserInfo } from './types.ts';

export type FaultMatcher =
  | Partial<Pick<RecordedRequest, 'method' | 'path' | 'user' | 'verb' | 'resource' | 'subresource' | 'name' | 'namespace' | 'watch'>>
  | ((request: RecordedRequest) => boolean);

export interface Fault {
  /** HTTP status to answer with, as a Status of the matching reason (500 InternalError, 403 Forbidden, ...). */
  status: number;
  /** How many matching requests fail; default Infinity (until cancelled). */
  times?: number;
  message?: string;
  reason?: string;
}

export interface FaultHandle {
  cancel(): void;
  /** Matching requests failed so far. */
  readonly hits: number;
}

interface ActiveFault {
  matcher: FaultMatcher;
  fault: Fault;
  hits: number;
}

const MAX_BODY = 3 * 1024 * 1024;
const PUBLIC_PATHS = new Set(['/.well-known/openid-configuration', '/openid/v1/jwks']);

export class ApiServerCore {
  readonly requests: RecordedRequest[] = [];
  private readonly faults: ActiveFault[] = [];
  private readonly ctx: ServerContext;
  private readonly serverAddress: string;

  constructor(ctx: ServerContext, serverAddress: string) {
    this.ctx = ctx;
    this.serverAddress = serverAddress;
  }

  /** The https server's request listener. */
  readonly handler = (req: IncomingMessage, res: ServerResponse): void => {
    this.handle(req, res).catch((err: unknown) => {
      if (!res.headersSent) this.sendStatus(res, internalError(String(err)).status);
      else res.destroy();
    });
  };

  addFault(matcher: FaultMatcher, fault: Fault): FaultHandle {
    const active: ActiveFault = { matcher, fault, hits: 0 };
    this.faults.push(active);
    return {
      cancel: () => {
        const i = this.faults.indexOf(active);
        if (i >= 0) this.faults.splice(i, 1);
      },
      get hits() {
        return active.hits;
      },
    };
  }

  clearFaults(): void {
    this.faults.length = 0;
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'https://127.0.0.1');
    const method = req.method ?? 'GET';
    const info = requestInfo(method, url.pathname, url.searchParams);
    const record: RecordedRequest = {
      method,
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      user: undefined,
      verb: info.verb,
      resource: info.resource,
      subresource: info.subresource,
      name: info.name,
      namespace: info.namespace,
      watch: info.watch,
      status: 0,
    };
    this.requests.push(record);
    res.on('finish', () => (record.status = res.statusCode));
    res.setHeader('audit-id', crypto.randomUUID());
    try {
      const body = await readBody(req);
      const user = await this.authenticate(req);
      if (user === undefined && !PUBLIC_PATHS.has(url.pathname)) throw unauthorized();
      record.user = user?.username;
      const fault = this.takeFault(record);
      if (fault !== undefined) throw fault;
      if (!info.isResource) return this.nonResource(res, method, url.pathname);
      if (user === undefined) throw unauthorized();
      if (isServiceProxy(info))
        return serviceProxy(this.ctx, res, info, { method, query: url.searchParams, headers: req.headers, body }, user);
      const result = await this.resource(res, info, url.searchParams, req, body, user);
      if (result === 'streamed') {
        record.status = 200;
        return;
      }
      this.send(res, result.code, result.body, result.warnings);
    } catch (err) {
      const apiErr = err instanceof ApiError ? err : internalError(err instanceof Error ? err.message : String(err));
      if (apiErr.status.details?.retryAfterSeconds !== undefined)
        res.setHeader('retry-after', String(apiErr.status.details.retryAfterSeconds));
      this.sendStatus(res, apiErr.status);
    }
  }

  private async authenticate(req: IncomingMessage): Promise<UserInfo | undefined> {
    const header = req.headers.authorization ?? '';
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header);
    if (m === null || m[1] === undefined) return undefined;
    const token = m[1];
    const saDef = findResource('', 'v1', 'serviceaccounts');
    return (
      this.ctx.users.lookup(token) ??
      (await this.ctx.tokens.authenticate(token, (ns, name) =>
        saDef === undefined ? undefined : this.ctx.store.get(saDef, ns, name)?.metadata.uid,
      ))
    );
  }

  private takeFault(record: RecordedRequest): ApiError | undefined {
    for (const active of this.faults) {
      const m = active.matcher;
      const hit = typeof m === 'function' ? m(record) : (Object.keys(m) as (keyof typeof m)[]).every((k) => m[k] === record[k]);
      if (!hit) continue;
      active.hits += 1;
      if (active.hits >= (active.fault.times ?? Infinity)) this.faults.splice(this.faults.indexOf(active), 1);
      return new ApiError(statusForCode(active.fault.status, active.fault.message, active.fault.reason));
    }
    return undefined;
  }

  private nonResource(res: ServerResponse, method: string, path: string): void {
    if (method !== 'GET' && method !== 'HEAD') throw methodNotAllowed();
    const p = path.length > 1 ? path.replace(/\/+$/, '') : path;
    if (p === '/healthz' || p === '/livez' || p === '/readyz') {
      res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
      res.end('ok');
      return;
    }
    if (p === '/.well-known/openid-configuration') {
      this.send(res, 200, this.ctx.tokens.openidConfiguration(), undefined, { 'cache-control': 'public, max-age=3600' });
      return;
    }
    if (p === '/openid/v1/jwks') {
      this.send(res, 200, this.ctx.tokens.jwks(), undefined, {
        'content-type': 'application/jwk-set+json',
        'cache-control': 'public, max-age=3600',
      });
      return;
    }
    let doc: unknown;
    const parts = p.split('/').filter((x) => x !== '');
    if (p === '/version') doc = versionInfo();
    else if (p === '/api') doc = apiVersions(this.serverAddress);
    else if (p === '/apis') doc = apiGroupList();
    else if (parts[0] === 'api' && parts.length === 2) doc = apiResourceList('', parts[1] ?? '');
    else if (parts[0] === 'apis' && parts.length === 2) doc = apiGroupDoc(parts[1] ?? '');
    else if (parts[0] === 'apis' && parts.length === 3) doc = apiResourceList(parts[1] ?? '', parts[2] ?? '');
    else if (p === '/openapi/v3') doc = openapiV3Root();
    else if (parts[0] === 'openapi' && parts[1] === 'v3') doc = openapiV3Doc(parts.slice(2).join('/'));
    if (doc === undefined) {
      // The real server answers unknown non-API paths (including /openapi/v2 here) in plain text.
      res.writeHead(404, { 'content-type': 'text/plain; charset=utf-8', 'x-content-type-options': 'nosniff' });
      res.end('404 page not found\n');
      return;
    }
    this.send(res, 200, doc);
  }

  private async resource(
    res: ServerResponse,
    info: RequestInfo,
    query: URLSearchParams,
    req: IncomingMessage,
    body: string,
    user: UserInfo,
  ): Promise<ApiResult> {
    const def = info.resource === undefined ? undefined : findResource(info.apiGroup, info.apiVersion, info.resource);
    if (def === undefined) throw pathNotFound();
    if (info.subresource !== undefined && !def.subresources.includes(info.subresource)) throw pathNotFound();
    if (!def.namespaced && def.plural !== 'namespaces' && info.namespace !== undefined) throw pathNotFound();
    let name = info.name;
    if ((info.verb === 'list' || info.verb === 'watch') && name === undefined) {
      // A list pinned to one name is authorized like a get of that name, as in the real server.
      try {
        name = exactName(parseFieldSelector(def, query.get('fieldSelector') ?? ''));
      } catch {
        name = undefined;
      }
    }
    const namespace = def.plural === 'namespaces' && info.name !== undefined ? info.name : info.namespace;
    const attrs = { verb: info.verb, apiGroup: info.apiGroup, resource: def.plural, subresource: info.subresource, name, namespace };
    if (!this.ctx.users.authorize(user, attrs)) throw forbiddenError(user, attrs);
    // Cluster-scoped resources other than namespaces carry no namespace.
    const scoped: RequestInfo = def.namespaced ? info : { ...info, namespace: undefined };
    const api: ApiRequest = {
      info: scoped,
      def,
      query,
      accept: req.headers.accept,
      contentType: (req.headers['content-type'] ?? '').startsWith(PROTOBUF) ? 'application/json' : (req.headers['content-type'] ?? ''),
      body,
      user,
    };
    if (def.virtual) {
      if (info.verb !== 'create') throw methodNotAllowed();
      return def.plural === 'subjectaccessreviews' ? subjectAccessReview(this.ctx, api) : selfSubjectAccessReview(this.ctx, api);
    }
    if (info.subresource === 'token') {
      if (info.verb !== 'create') throw methodNotAllowed();
      return createToken(this.ctx, api);
    }
    if (info.subresource !== undefined && !['get', 'update', 'patch'].includes(info.verb)) throw methodNotAllowed();
    switch (info.verb) {
      case 'get':
        return getObject(this.ctx, api);
      case 'list':
        return listObjects(this.ctx, api);
      case 'watch':
        return watchObjects(this.ctx, api, res);
      case 'create':
        if (info.name !== undefined) throw methodNotAllowed();
        return createObject(this.ctx, api);
      case 'update':
        return updateObject(this.ctx, api);
      case 'patch':
        return patchObject(this.ctx, api);
      case 'delete':
        return deleteObject(this.ctx, api);
      case 'deletecollection':
        return deleteCollection(this.ctx, api);
      default:
        throw methodNotAllowed();
    }
  }

  private send(res: ServerResponse, code: number, body: unknown, warnings?: string[], headers: Record<string, string> = {}): void {
    if (warnings !== undefined && warnings.length > 0) {
      // RFC 7234 warn-text, which kubectl prints as "Warning: <text>".
      res.setHeader(
        'warning',
        warnings.map((w) => `299 - "${w.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`),
      );
    }
    const text = JSON.stringify(body);
    res.writeHead(code, {
      'content-type': 'application/json',
      'cache-control': 'no-cache, private',
      'content-length': Buffer.byteLength(text),
      ...headers,
    });
    res.end(text);
  }

  private sendStatus(res: ServerResponse, status: Status): void {
    if (res.headersSent) {
      res.end();
      return;
    }
    this.send(res, status.code, status);
  }
}

/** The body as JSON text; protobuf bodies are transcoded. */
async function readBody(req: IncomingMessage): Promise<string> {
  const raw = await readRaw(req);
  const type = (req.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase();
  return type === PROTOBUF && raw.length > 0 ? JSON.stringify(protobufToJson(raw)) : raw.toString('utf8');
}

function readRaw(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new ApiError(statusOf(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${MAX_BODY}`)));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
