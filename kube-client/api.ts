// A small Kubernetes API client: @kubernetes/client-node turns the kubeconfig into TLS and auth
// options (tokens, client certificates, exec plugins); requests are plain HTTPS so that lists
// paginate, every request is counted, and errors become one clear line.
import { readFileSync } from 'node:fs';
import { request as httpRequest } from 'node:http';
import type { IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import type { RequestOptions } from 'node:https';
import { KubeConfig } from '@kubernetes/client-node';
import { KubeError } from './errors.ts';
import type { KubeconfigSelection } from './kubeconfig.ts';

export class ApiError extends KubeError {
  readonly status: number;
  readonly reason: string;
  constructor(message: string, status: number, reason: string) {
    super(message);
    this.status = status;
    this.reason = reason;
  }
}

export interface KubeApi {
  server: string;
  /** Requests sent so far, by verb (list, get, create, ...). */
  counts: Record<string, number>;
  get<T>(path: string): Promise<T>;
  /** Every item of a collection, following `continue` tokens. */
  list<T>(path: string, query?: Record<string, string>): Promise<T[]>;
  /** One page-by-page list that also returns the collection's resourceVersion (to start a watch). */
  listWithVersion<T>(path: string, query?: Record<string, string>, accept?: string): Promise<{ items: T[]; resourceVersion: string }>;
  /** A watch: each JSON line is handed to onEvent; resolves when the server ends the stream. */
  watch(
    path: string,
    query: Record<string, string>,
    accept: string,
    onEvent: (event: unknown) => void,
    signal?: AbortSignal,
  ): Promise<void>;
  send<T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown, contentType?: string): Promise<T>;
}

const PAGE_SIZE = 500;

export async function connect(sel: KubeconfigSelection, timeoutMs = 30_000): Promise<KubeApi> {
  const kc = new KubeConfig();
  try {
    kc.loadFromString(sel.yaml);
  } catch (e) {
    throw new KubeError(`kubeconfig ${sel.files.join(', ')}: ${e instanceof Error ? e.message : String(e)}`);
  }
  // Credentials are resolved per request: exec-plugin tokens expire (client-node caches them
  // until then) and service-account token files rotate.
  const credentials = async (): Promise<RequestOptions> => {
    const opts: RequestOptions = {};
    try {
      await kc.applyToHTTPSOptions(opts);
    } catch (e) {
      throw new KubeError(`kubeconfig user "${sel.user}": cannot get credentials: ${e instanceof Error ? e.message : String(e)}`);
    }
    if (sel.tokenFile !== undefined) {
      let token: string;
      try {
        token = readFileSync(sel.tokenFile, 'utf8').trim();
      } catch (e) {
        throw new KubeError(`cannot read the token file ${sel.tokenFile} (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
      }
      opts.headers = { ...(opts.headers as Record<string, string> | undefined), Authorization: `Bearer ${token}` };
    }
    return opts;
  };
  await credentials();
  const url = new URL(sel.server);
  const counts: Record<string, number> = {};
  const requestOptions = (
    base: RequestOptions,
    method: string,
    path: string,
    headers: Record<string, string | number>,
    timeout: number,
  ): RequestOptions => ({
    ...base,
    protocol: url.protocol,
    hostname: url.hostname.replace(/^\[|\]$/g, ''),
    port: url.port === '' ? undefined : Number(url.port),
    method,
    path: `${url.pathname.replace(/\/$/, '')}${path}`,
    headers: { ...(base.headers as Record<string, string>), ...headers },
    timeout,
  });
  const send = url.protocol === 'http:' ? httpRequest : httpsRequest;
  const call = async <T>(
    verb: string,
    method: string,
    path: string,
    body?: unknown,
    contentType = 'application/json',
    accept = 'application/json',
  ): Promise<T> => {
    counts[verb] = (counts[verb] ?? 0) + 1;
    const base = await credentials();
    const payload = body === undefined ? undefined : Buffer.from(JSON.stringify(body));
    const headers: Record<string, string | number> = { Accept: accept };
    if (payload !== undefined) {
      headers['Content-Type'] = contentType;
      headers['Content-Length'] = payload.length;
    }
    const options = requestOptions(base, method, path, headers, timeoutMs);
    return new Promise<T>((resolve, reject) => {
      const req = send(options, (res) => collect(res, sel, method, path).then(resolve as (v: unknown) => void, reject));
      req.on('timeout', () =>
        req.destroy(new KubeError(`the API server ${sel.server} did not answer ${method} ${path} within ${timeoutMs / 1000}s`)),
      );
      req.on('error', (e) => reject(e instanceof KubeError ? e : networkError(e, sel.server)));
      req.end(payload);
    });
  };
  return {
    server: sel.server,
    counts,
    get: (path) => call('get', 'GET', path),
    async list<T>(path: string, query: Record<string, string> = {}): Promise<T[]> {
      const items: T[] = [];
      let token: string | undefined;
      do {
        const q = new URLSearchParams({ ...query, limit: String(PAGE_SIZE), ...(token !== undefined ? { continue: token } : {}) });
        const page = await call<{ items?: T[]; metadata?: { continue?: string } }>('list', 'GET', `${path}?${q.toString()}`);
        items.push(...(page.items ?? []));
        token = nextToken(token, page.metadata?.continue, path);
      } while (token !== undefined);
      return items;
    },
    async listWithVersion<T>(path: string, query: Record<string, string> = {}, accept = 'application/json') {
      const items: T[] = [];
      let token: string | undefined;
      let resourceVersion = '';
      do {
        const q = new URLSearchParams({ ...query, limit: String(PAGE_SIZE), ...(token !== undefined ? { continue: token } : {}) });
        const page = await call<{ items?: T[]; metadata?: { continue?: string; resourceVersion?: string } }>(
          'list',
          'GET',
          `${path}?${q.toString()}`,
          undefined,
          undefined,
          accept,
        );
        items.push(...(page.items ?? []));
        token = nextToken(token, page.metadata?.continue, path);
        resourceVersion = page.metadata?.resourceVersion ?? resourceVersion;
      } while (token !== undefined);
      return { items, resourceVersion };
    },
    async watch(path, query, accept, onEvent, signal) {
      counts.watch = (counts.watch ?? 0) + 1;
      const q = new URLSearchParams({ ...query, watch: 'true' });
      // No socket timeout: a watch is quiet for as long as nothing changes (the server ends it).
      const options = {
        ...requestOptions(await credentials(), 'GET', `${path}?${q.toString()}`, { Accept: accept }, 0),
        ...(signal ? { signal } : {}),
      };
      return new Promise<void>((resolve, reject) => {
        const req = send(options, (res) => {
          if ((res.statusCode ?? 0) >= 300) {
            collect(res, sel, 'GET', path).then(() => resolve(), reject);
            return;
          }
          let buffer = '';
          res.setEncoding('utf8');
          res.on('data', (chunk: string) => {
            buffer += chunk;
            for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
              const line = buffer.slice(0, nl).trim();
              buffer = buffer.slice(nl + 1);
              if (line === '') continue;
              try {
                onEvent(JSON.parse(line));
              } catch (e) {
                req.destroy(e instanceof Error ? e : new Error(String(e)));
              }
            }
          });
          res.on('end', () => resolve());
          res.on('error', (e) => reject(networkError(e, sel.server)));
        });
        req.on('error', (e) => reject(e instanceof KubeError || (e as Error).name === 'AbortError' ? e : networkError(e, sel.server)));
        req.end();
      });
    },
    send: (method, path, body, contentType) => call(method.toLowerCase(), method, path, body, contentType),
  };
}

// A server that hands back the token it was given would make the list loop forever.
function nextToken(previous: string | undefined, next: string | undefined, path: string): string | undefined {
  if (next === undefined || next === '') return undefined;
  if (next === previous) throw new KubeError(`the API server returned the same continue token twice for ${path}`);
  return next;
}

async function collect(res: IncomingMessage, sel: KubeconfigSelection, method: string, path: string): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of res as AsyncIterable<Buffer>) chunks.push(chunk);
  const text = Buffer.concat(chunks).toString('utf8');
  const status = res.statusCode ?? 0;
  let body: unknown;
  try {
    body = text === '' ? {} : JSON.parse(text);
  } catch {
    body = undefined;
  }
  if (status >= 200 && status < 300) {
    if (body === undefined) throw new KubeError(`the API server ${sel.server} sent a response that is not JSON for ${method} ${path}`);
    return body;
  }
  const st = (body ?? {}) as { message?: string; reason?: string };
  const reason = st.reason ?? String(status);
  if (status === 401)
    throw new ApiError(
      `the API server ${sel.server} rejected the credentials of kubeconfig user "${sel.user}" (401 Unauthorized)`,
      status,
      'Unauthorized',
    );
  const message = st.message ?? (text.slice(0, 200) || `HTTP ${status}`);
  throw new ApiError(
    status === 403 ? `the API server ${sel.server} refused: ${message}` : `${method} ${path}: ${message} (${status} ${reason})`,
    status,
    reason,
  );
}

function networkError(e: Error, server: string): KubeError {
  const code = (e as NodeJS.ErrnoException).code ?? '';
  if (code === 'ECONNREFUSED') return new KubeError(`cannot reach the API server ${server}: connection refused`);
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') return new KubeError(`cannot reach the API server ${server}: host name not found`);
  if (code === 'ECONNRESET') return new KubeError(`the API server ${server} closed the connection`);
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY/.test(code))
    return new KubeError(`the API server ${server} presented a certificate the kubeconfig does not trust (${code})`);
  return new KubeError(`cannot talk to the API server ${server}: ${code !== '' ? code : e.message}`);
}
