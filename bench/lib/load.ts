// HTTP load via autocannon's programmatic API. autocannon ships no types, so the few fields
// used here are declared locally and the CommonJS module is loaded with require().
import { createRequire } from 'node:module';

interface AutocannonOptions {
  url: string;
  method: 'GET' | 'POST';
  connections: number;
  pipelining: number;
  duration: number;
  body?: string;
  headers?: Record<string, string>;
  servername?: string;
  timeout?: number;
  requests?: { setupRequest: (req: { body?: string }) => { body?: string } }[];
}

interface Histogram {
  average: number;
  p50: number;
  p99: number;
  total: number;
}

interface AutocannonResult {
  duration: number;
  errors: number;
  timeouts: number;
  non2xx: number;
  resets: number;
  '2xx': number;
  statusCodeStats: Record<string, { count: number }>;
  latency: Histogram;
  requests: Histogram;
}

type Autocannon = (opts: AutocannonOptions, cb: (err: Error | null, result: AutocannonResult) => void) => unknown;

const autocannon = createRequire(import.meta.url)('autocannon') as Autocannon;

export interface LoadSpec {
  url: string;
  body: string;
  seconds: number;
  connections: number;
  /** SNI name; autocannon would otherwise send the IP literal, which TLS does not allow. */
  servername?: string;
  /** A different body for every request (the n-th request gets bodyFor(n)) instead of `body`. */
  bodyFor?: (n: number) => string;
}

export interface LoadResult {
  requestsPerSec: number;
  p50Ms: number;
  p99Ms: number;
  total: number;
  /** Socket errors and timeouts. */
  errors: number;
  non2xx: number;
  statusCodes: Record<string, number>;
}

/** Keep-alive HTTPS POSTs, one request in flight per connection (as kube-apiserver sends them). */
export function runLoad(spec: LoadSpec): Promise<LoadResult> {
  const opts: AutocannonOptions = {
    url: spec.url,
    method: 'POST',
    connections: spec.connections,
    pipelining: 1,
    duration: spec.seconds,
    body: spec.body,
    headers: { 'content-type': 'application/json' },
    timeout: 10,
  };
  if (spec.servername !== undefined) opts.servername = spec.servername;
  const bodyFor = spec.bodyFor;
  if (bodyFor !== undefined) {
    let n = 0;
    opts.requests = [{ setupRequest: (req) => ({ ...req, body: bodyFor(n++) }) }];
  }
  return new Promise((resolve, reject) => {
    autocannon(opts, (err, r) => {
      if (err) return reject(err);
      const statusCodes: Record<string, number> = {};
      for (const [code, s] of Object.entries(r.statusCodeStats)) statusCodes[code] = s.count;
      resolve({
        requestsPerSec: r.requests.average,
        p50Ms: r.latency.p50,
        p99Ms: r.latency.p99,
        total: r.requests.total,
        errors: r.errors + r.timeouts,
        non2xx: r.non2xx,
        statusCodes,
      });
    });
  });
}
