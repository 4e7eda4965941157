// A small fake of KFP's API server REST surface (v2beta1, as backend/api/v2beta1/*.proto and the
// grpc-gateway marshaler of KFP 2.x render it: proto field names, unpopulated fields omitted), to be
// served behind the test kube-apiserver's services/proxy (serveServiceProxy). It answers
// GET /apis/v2beta1/runs and /apis/v2beta1/recurringruns with KFP's paging (list/list.go: page_size
// default 20, capped at 200; an opaque page_token; next_page_token on every page but the last),
// `namespace`, and `filter`
// (a JSON api.Filter; EQUALS predicates on string fields, anything else is refused as KFP refuses
// what it cannot parse). multiUser: a request without KFP's user identity header is refused, as
// KFP's multi-user mode does.
import type { ProxiedRequest, ProxiedResponse, ServiceHandler } from './kube-apiserver/index.ts';

export interface FakeKfpData {
  runs: Record<string, unknown>[];
  recurringRuns: Record<string, unknown>[];
}

export interface FakeKfpOptions {
  multiUser?: boolean;
  /** The server's page size cap (KFP's: 200); smaller makes paging visible with a few runs. */
  maxPageSize?: number;
  /** Every request received, for assertions. */
  requests?: ProxiedRequest[];
}

const DEFAULT_PAGE_SIZE = 20;
const MAX_PAGE_SIZE = 200;
const USER_HEADER = 'kubeflow-userid';

/** gRPC status codes as grpc-gateway maps them to HTTP. */
function failure(http: number, code: number, message: string): ProxiedResponse {
  return { status: http, body: JSON.stringify({ code, message, details: [] }) };
}

export function fakeKfpApi(data: FakeKfpData, opts: FakeKfpOptions = {}): ServiceHandler {
  return (req) => {
    opts.requests?.push(req);
    if (opts.multiUser === true && req.headers[USER_HEADER] === undefined)
      return failure(401, 16, 'Request header error: there is no user identity header.: Authentication failure');
    if (req.method !== 'GET') return failure(405, 12, 'Method Not Allowed');
    const cap = opts.maxPageSize ?? MAX_PAGE_SIZE;
    if (req.path === '/apis/v2beta1/runs') return list(data.runs, 'runs', req.query, cap);
    if (req.path === '/apis/v2beta1/recurringruns') return list(data.recurringRuns, 'recurringRuns', req.query, cap);
    return { status: 404, headers: { 'content-type': 'text/plain; charset=utf-8' }, body: 'Not Found\n' };
  };
}

function list(items: Record<string, unknown>[], field: string, query: URLSearchParams, cap: number): ProxiedResponse {
  const asked = Number(query.get('page_size') ?? 0);
  if (!Number.isInteger(asked) || asked < 0)
    return failure(400, 3, `Invalid input error: The page size should be greater than 0. Got ${asked}`);
  const size = Math.min(asked === 0 ? DEFAULT_PAGE_SIZE : asked, cap);
  let matching = items;
  const namespace = query.get('namespace') ?? '';
  if (namespace !== '') matching = matching.filter((i) => i.namespace === undefined || i.namespace === namespace);
  const filter = query.get('filter');
  if (filter !== null && filter !== '') {
    const predicates = parseFilter(filter);
    if (predicates === undefined) return failure(400, 3, `Invalid input error: failed to parse valid filter from "${filter}"`);
    matching = matching.filter((i) => predicates.every((p) => i[p.key] === p.string_value));
  }
  const token = query.get('page_token') ?? '';
  let start = 0;
  if (token !== '') {
    const decoded = decodeToken(token);
    if (decoded === undefined) return failure(400, 3, 'Invalid input error: Invalid page token');
    start = decoded;
  }
  const page = matching.slice(start, start + size);
  const next = start + size < matching.length ? encodeToken(start + size) : '';
  const body: Record<string, unknown> = {};
  if (page.length > 0) body[field] = page;
  if (matching.length > 0) body.total_size = matching.length;
  if (next !== '') body.next_page_token = next;
  return { status: 200, body: JSON.stringify(body) };
}

function parseFilter(text: string): { key: string; string_value: string }[] | undefined {
  try {
    const f = JSON.parse(text) as { predicates?: { key?: unknown; operation?: unknown; op?: unknown; string_value?: unknown }[] };
    const out: { key: string; string_value: string }[] = [];
    for (const p of f.predicates ?? []) {
      const op = p.operation ?? p.op;
      if (typeof p.key !== 'string' || op !== 'EQUALS' || typeof p.string_value !== 'string') return undefined;
      out.push({ key: p.key, string_value: p.string_value });
    }
    return out;
  } catch {
    return undefined;
  }
}

// Opaque to clients, as KFP's (base64 of its sort-key JSON).
function encodeToken(offset: number): string {
  return Buffer.from(JSON.stringify({ SortByFieldValue: offset, KeyFieldName: 'UUID' })).toString('base64');
}

function decodeToken(token: string): number | undefined {
  try {
    const v = (JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as { SortByFieldValue?: unknown }).SortByFieldValue;
    return typeof v === 'number' && v >= 0 ? v : undefined;
  } catch {
    return undefined;
  }
}
