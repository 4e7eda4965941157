// Loopback helpers: free ports and a small HTTPS client that verifies the dev CA.
import { request as httpsRequest } from 'node:https';
import { createServer } from 'node:net';
import type { Child } from './proc.ts';

export const HOST = '127.0.0.1';

/** A port free right now (the OS picks it); the tiny race before the child binds is acceptable here. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, HOST, () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr !== null ? addr.port : 0;
      srv.close(() => (port > 0 ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}

export interface HttpReply {
  status: number;
  body: string;
}

export function httpsCall(url: string, ca: string, method: 'GET' | 'POST', body?: string, timeoutMs = 2000): Promise<HttpReply> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> =
      body === undefined ? {} : { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) };
    const req = httpsRequest(url, { method, ca, headers, agent: false, timeout: timeoutMs }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('timeout', () => req.destroy(new Error(`timeout after ${timeoutMs} ms`)));
    req.on('error', reject);
    req.end(body);
  });
}

/** Polls GET /healthz until 200; fails early if the child exits. */
export async function waitHealthy(child: Child, baseUrl: string, ca: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no attempt';
  while (Date.now() < deadline) {
    const exit = child.exitReason();
    if (exit !== undefined) throw new Error(`${child.name} exited before it was ready (${exit})`);
    try {
      const r = await httpsCall(`${baseUrl}/healthz`, ca, 'GET', undefined, 1000);
      if (r.status === 200) return;
      last = `HTTP ${r.status}`;
    } catch (e) {
      last = e instanceof Error ? e.message : String(e);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`${child.name} not healthy after ${timeoutMs} ms (${last})`);
}
