// The services/proxy subresource: /api/v1/namespaces/NS/services/NAME[:PORT]/proxy/PATH forwarded
// to an in-process handler registered for that Service and port (what kube-apiserver forwards to
// the Service's endpoints). As the real server: authorized as the `proxy` subresource of
// `services` (verb from the method, name NAME[:PORT]); a Service that does not exist is a 404
// Status; one with no endpoints (no handler registered) a 503 Status; otherwise the backend's status,
// headers and body are passed through unchanged.
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import { forbiddenError } from './auth.ts';
import type { ServerContext } from './handlers.ts';
import type { RequestInfo } from './request-info.ts';
import { findResource } from './resources.ts';
import { ApiError, notFound, statusOf } from './status.ts';
import type { UserInfo } from './types.ts';

export interface ProxiedRequest {
  method: string;
  /** The path after `/proxy`, with a leading '/'. */
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface ProxiedResponse {
  status: number;
  headers?: Record<string, string>;
  body: string;
}

export type ServiceHandler = (req: ProxiedRequest) => ProxiedResponse | Promise<ProxiedResponse>;

export function isServiceProxy(info: RequestInfo): boolean {
  return (
    info.apiGroup === '' && info.resource === 'services' && (info.subresource === 'proxy' || (info.subresource ?? '').startsWith('proxy/'))
  );
}

/** Registry key: namespace/name:port (port as the URL names it: a number or a port name). */
export function proxyKey(namespace: string, service: string, port: string | number): string {
  return `${namespace}/${service}:${port}`;
}

export async function serviceProxy(
  ctx: ServerContext,
  res: ServerResponse,
  info: RequestInfo,
  req: { method: string; query: URLSearchParams; headers: IncomingHttpHeaders; body: string },
  user: UserInfo,
): Promise<void> {
  const namespace = info.namespace ?? '';
  const attrs = { verb: info.verb, apiGroup: '', resource: 'services', subresource: 'proxy', name: info.name, namespace };
  if (!ctx.users.authorize(user, attrs)) throw forbiddenError(user, attrs);
  // NAME, NAME:PORT or SCHEME:NAME:PORT.
  const parts = (info.name ?? '').split(':');
  const [service = '', port = ''] = parts.length === 3 ? parts.slice(1) : parts;
  const def = findResource('', 'v1', 'services');
  if (def === undefined || ctx.store.get(def, namespace, service) === undefined)
    throw notFound({ group: '', resource: 'services' }, service);
  const handler = ctx.serviceProxies.get(proxyKey(namespace, service, port));
  if (handler === undefined) throw new ApiError(statusOf(503, 'ServiceUnavailable', `no endpoints available for service "${service}"`));
  const path = `/${(info.subresource ?? 'proxy').split('/').slice(1).join('/')}`;
  const out = await handler({ method: req.method, path, query: req.query, headers: req.headers, body: req.body });
  res.writeHead(out.status, { 'content-type': 'application/json', ...out.headers });
  res.end(out.body);
}
