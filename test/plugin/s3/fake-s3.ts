// A tiny in-memory path-style S3 stand-in for cases Swift cannot produce: a policy that allows
// Put/Get but denies Delete, and an HTTPS endpoint with a certificate we choose. It checks no
// signatures; tests that need real auth use Swift.
import { createServer as createHttp } from 'node:http';
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface FakeS3 {
  endpoint: string;
  objects: Map<string, Buffer>;
  /** Requests seen, as `METHOD /path`. */
  requests: string[];
  close(): Promise<void>;
}

export interface FakeS3Options {
  tls?: { certPem: string; keyPem: string };
  /** HTTP methods answered with `error` (default 403 AccessDenied). */
  deny?: string[];
  error?: { status: number; code: string; extra?: string };
}

export async function startFakeS3(opts: FakeS3Options = {}): Promise<FakeS3> {
  const objects = new Map<string, Buffer>();
  const requests: string[] = [];
  const deny = new Set(opts.deny ?? []);
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://x');
      const method = req.method ?? 'GET';
      requests.push(`${method} ${url.pathname}`);
      if (deny.has(method))
        return xmlError(res, method, opts.error?.status ?? 403, opts.error?.code ?? 'AccessDenied', 'Denied', opts.error?.extra);
      const [, bucket = '', ...rest] = url.pathname.split('/');
      const key = decodeURIComponent(rest.join('/'));
      if (key === '') return bucketRequest(res, method, bucket, url, objects);
      const id = `${bucket}/${key}`;
      const stored = objects.get(id);
      if (method === 'PUT') {
        objects.set(id, Buffer.concat(chunks));
        res.writeHead(200, { etag: '"x"' }).end();
      } else if (method === 'DELETE') {
        objects.delete(id);
        res.writeHead(204).end();
      } else if (stored === undefined) {
        xmlError(res, method, 404, 'NoSuchKey', 'The specified key does not exist.');
      } else {
        res.writeHead(200, { 'content-length': String(stored.length), etag: '"x"' }).end(method === 'HEAD' ? undefined : stored);
      }
    });
  };
  const server: Server =
    opts.tls === undefined ? createHttp(handler) : createHttps({ cert: opts.tls.certPem, key: opts.tls.keyPem }, handler);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  return {
    endpoint: `${opts.tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`,
    objects,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

function bucketRequest(res: ServerResponse, method: string, bucket: string, url: URL, objects: Map<string, Buffer>): void {
  if (method !== 'GET') return void res.writeHead(200).end();
  const prefix = `${bucket}/${url.searchParams.get('prefix') ?? ''}`;
  const keys = [...objects.keys()].filter((k) => k.startsWith(prefix)).map((k) => k.slice(bucket.length + 1));
  const contents = keys
    .map((k) => `<Contents><Key>${k}</Key><Size>${objects.get(`${bucket}/${k}`)?.length ?? 0}</Size></Contents>`)
    .join('');
  res
    .writeHead(200, { 'content-type': 'application/xml' })
    .end(
      `<?xml version="1.0" encoding="UTF-8"?><ListBucketResult><Name>${bucket}</Name><KeyCount>${keys.length}</KeyCount><IsTruncated>false</IsTruncated>${contents}</ListBucketResult>`,
    );
}

function xmlError(res: ServerResponse, method: string, status: number, code: string, message: string, extra = ''): void {
  const body = `<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code><Message>${message}</Message>${extra}</Error>`;
  res.writeHead(status, { 'content-type': 'application/xml' }).end(method === 'HEAD' ? undefined : body);
}
