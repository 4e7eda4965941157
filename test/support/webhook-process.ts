// Runs the built webhook (dist/kfstore-webhook.js) as a child process and talks to it over real TLS.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { type Agent, request } from 'node:https';
import type { TLSSocket } from 'node:tls';

export const WEBHOOK_BUNDLE = new URL('../../dist/kfstore-webhook.js', import.meta.url).pathname;

export interface WebhookProcess {
  proc: ChildProcess;
  port: number;
  logs: () => string;
  stderr: () => string;
  exited: Promise<number | null>;
  stop(): Promise<number | null>;
}

export async function startWebhook(args: string[], timeoutMs = 15_000): Promise<WebhookProcess> {
  if (!existsSync(WEBHOOK_BUNDLE)) throw new Error(`${WEBHOOK_BUNDLE} is missing: run npm run build`);
  const proc = spawn(process.execPath, [WEBHOOK_BUNDLE, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`webhook did not start: ${err}${out}`)), timeoutMs);
    const check = (): void => {
      const line = out.split('\n').find((l) => l.includes('"msg":"kfstore-webhook serving"'));
      if (line !== undefined) {
        clearTimeout(timer);
        resolve((JSON.parse(line) as { port: number }).port);
      }
    };
    proc.stdout?.on('data', check);
    void exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`webhook exited with ${code}: ${err}`));
    });
  });
  return {
    proc,
    port,
    logs: () => out,
    stderr: () => err,
    exited,
    async stop() {
      if (proc.exitCode === null) proc.kill('SIGTERM');
      const timer = setTimeout(() => proc.kill('SIGKILL'), 10_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

/** Runs the webhook to completion (for start-up errors). */
export function runWebhook(
  args: string[],
  env: Record<string, string> = {},
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const proc = spawn(process.execPath, [WEBHOOK_BUNDLE, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

export interface HttpsResult {
  status: number;
  body: string;
  serial: string | undefined;
}

/** A request verified against `ca` for the name `localhost`. */
export function httpsRequest(
  port: number,
  opts: {
    ca: string;
    method?: string;
    path: string;
    body?: string | Buffer;
    headers?: Record<string, string>;
    agent?: Agent | false;
    chunked?: boolean;
  },
): Promise<HttpsResult> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = { ...(opts.headers ?? {}) };
    if (opts.body !== undefined && !opts.chunked) headers['content-length'] = String(Buffer.byteLength(opts.body));
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method: opts.method ?? 'GET',
        path: opts.path,
        servername: 'localhost',
        ca: opts.ca,
        agent: opts.agent ?? false,
        headers,
        timeout: 15_000,
      },
      (res) => {
        const serial = (res.socket as TLSSocket).getPeerCertificate().serialNumber as string | undefined;
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (body += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body, serial }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('timeout')));
    req.on('error', reject);
    if (opts.body !== undefined && opts.chunked) {
      // Stream it in pieces so there is no Content-Length: the server must count bytes itself.
      const buf = Buffer.isBuffer(opts.body) ? opts.body : Buffer.from(opts.body);
      let offset = 0;
      const pump = (): void => {
        while (offset < buf.length) {
          const more = req.write(buf.subarray(offset, offset + 256 * 1024));
          offset += 256 * 1024;
          if (!more) {
            req.once('drain', pump);
            return;
          }
        }
        req.end();
      };
      pump();
    } else req.end(opts.body);
  });
}
