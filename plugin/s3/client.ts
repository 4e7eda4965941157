// An AWS SDK v3 S3 client configured like KFP's launcher for an S3Target, plus what S3-compatible
// stores need from JS clients.
import { createHash } from 'node:crypto';
import { Agent } from 'node:https';
import { rootCertificates } from 'node:tls';
import { S3Client } from '@aws-sdk/client-s3';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import type { S3Target } from './launcher-connection.ts';

export interface S3ClientOptions {
  /** PEM text of extra CA certificates to trust (added to Node's bundled roots). */
  caBundle?: string;
  /** Connect timeout and socket idle timeout, so an unreachable endpoint fails fast. Default 5000. */
  timeoutMs?: number;
}

export const DEFAULT_TIMEOUT_MS = 5000;

export function makeS3Client(target: S3Target, opts: S3ClientOptions = {}): S3Client {
  const timeout = opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const client = new S3Client({
    // An empty region fails each request (as in the launcher), not the constructor.
    region: target.region === '' ? (): Promise<string> => Promise.reject(new Error('Region is missing')) : target.region,
    ...(target.endpoint === undefined ? {} : { endpoint: target.endpoint }),
    tls: !target.disableSSL,
    forcePathStyle: target.forcePathStyle,
    maxAttempts: target.maxRetries,
    ...(target.credentials === undefined ? {} : { credentials: target.credentials }),
    // The SDK defaults (WHEN_SUPPORTED) send aws-chunked uploads with trailing checksums, which
    // S3-compatible stores refuse or store corrupted; the launcher sets WHEN_REQUIRED too.
    requestChecksumCalculation: 'WHEN_REQUIRED',
    responseChecksumValidation: 'WHEN_REQUIRED',
    requestHandler: new NodeHttpHandler({
      connectionTimeout: timeout,
      // An idle timeout, not a whole-request one, so large transfers still work.
      socketTimeout: timeout,
      ...(opts.caBundle === undefined
        ? {}
        : { httpsAgent: new Agent({ keepAlive: true, maxSockets: 50, ca: [...rootCertificates, opts.caBundle] }) }),
    }),
  });
  client.middlewareStack.add(
    (next, context) => async (args) => {
      // aws-sdk-go-v2 rewrites every request to http when DisableHTTPS, AWS endpoints included;
      // the JS SDK's `tls: false` does not affect endpoints resolved from the region.
      if (target.disableSSL) setHttp(args.request);
      if (context.commandName === 'DeleteObjectsCommand') addContentMd5(args.request);
      return next(args);
    },
    { step: 'build', name: 'kfstoreLauncherCompat' },
  );
  return client;
}

function setHttp(request: unknown): void {
  if (typeof request === 'object' && request !== null && 'protocol' in request) (request as { protocol: string }).protocol = 'http:';
}

// SDK v3 sends only a CRC32 checksum on DeleteObjects; Swift (and older MinIO/Ceph) require Content-MD5.
function addContentMd5(request: unknown): void {
  if (typeof request !== 'object' || request === null || !('headers' in request) || !('body' in request)) return;
  const { headers, body } = request as { headers: Record<string, string>; body: unknown };
  if (typeof body !== 'string' && !(body instanceof Uint8Array)) return;
  if (Object.keys(headers).some((h) => h.toLowerCase() === 'content-md5')) return;
  headers['content-md5'] = createHash('md5').update(body).digest('base64');
}
