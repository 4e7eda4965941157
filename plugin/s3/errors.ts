// Turns AWS SDK and network errors into one actionable line naming the endpoint and bucket.
// Never includes a stack, a secret key or a full access key id.
import { redactKeyId } from './launcher-connection.ts';
import type { S3Target } from './launcher-connection.ts';

export type S3ErrorKind =
  | 'no-such-bucket'
  | 'no-such-key'
  | 'access-denied'
  | 'invalid-access-key'
  | 'signature'
  | 'region'
  | 'refused'
  | 'dns'
  | 'timeout'
  | 'tls'
  | 'credentials'
  | 'endpoint'
  | 'other';

export interface S3ErrorInfo {
  kind: S3ErrorKind;
  /** S3 error code, Node error code or error name, e.g. NoSuchBucket, ECONNREFUSED. */
  code: string;
  /** HTTP status when the server answered. */
  status?: number;
  /** The likely cause, without the operation and place. */
  cause: string;
  /** One line: the operation, where, and the likely cause. */
  message: string;
  /** What to do about it. */
  fix: string;
}

export interface S3ErrorContext {
  op: string;
  target: S3Target;
  bucket: string;
  key?: string;
}

interface ErrorFields {
  name: string;
  code: string;
  status?: number;
  message: string;
  region?: string;
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** The S3 or network code of an error, or its name; HEAD responses only carry a status. */
export function errorFields(err: unknown): ErrorFields {
  if (typeof err !== 'object' || err === null) return { name: 'Error', code: 'Error', message: String(err) };
  const e = err as Record<string, unknown>;
  const name = typeof e.name === 'string' ? e.name : 'Error';
  const meta = e.$metadata as { httpStatusCode?: unknown } | undefined;
  const status = typeof meta?.httpStatusCode === 'number' ? meta.httpStatusCode : undefined;
  const message = typeof e.message === 'string' ? e.message : '';
  const region = typeof e.Region === 'string' ? e.Region : undefined;
  // Node network errors: `code`; happy-eyeballs connects wrap them in an AggregateError.
  let code = typeof e.Code === 'string' ? e.Code : typeof e.code === 'string' ? e.code : name;
  if (Array.isArray(e.errors)) {
    const inner = e.errors.find(
      (x): x is { code: string } => typeof x === 'object' && x !== null && typeof (x as { code?: unknown }).code === 'string',
    );
    if (inner !== undefined) code = inner.code;
  }
  if (e.cause !== undefined && (code === name || code === 'Error') && typeof e.cause === 'object' && e.cause !== null) {
    const c = errorFields(e.cause);
    if (c.code !== c.name) code = c.code;
  }
  return { name, code, message, ...(status === undefined ? {} : { status }), ...(region === undefined ? {} : { region }) };
}

/** True when the error names a specific S3 code (HEAD responses and unknown codes do not). */
export function hasSpecificCode(err: unknown): boolean {
  const f = errorFields(err);
  return (
    f.status !== undefined &&
    !['NotFound', 'Forbidden', 'Unknown', 'UnknownError', 'BadRequest', 'MovedPermanently', String(f.status)].includes(f.code)
  );
}

export function describeS3Error(err: unknown, ctx: S3ErrorContext): S3ErrorInfo {
  const f = errorFields(err);
  const where = `${ctx.op} s3://${ctx.bucket}${ctx.key === undefined ? '' : `/${ctx.key}`} at ${ctx.target.endpoint ?? 'AWS S3'}`;
  const id = ctx.target.credentials === undefined ? 'the pod credentials' : `access key ${redactKeyId(ctx.target.credentials.accessKeyId)}`;
  const info = (kind: S3ErrorKind, cause: string, fix: string): S3ErrorInfo => ({
    kind,
    code: f.code,
    ...(f.status === undefined ? {} : { status: f.status }),
    cause,
    message: `${where}: ${cause}`,
    fix,
  });
  const code = f.code;
  const statusText = f.status === undefined ? '' : `${f.status} `;

  if (code === 'NoSuchBucket' || (f.status === 404 && ctx.op === 'HeadBucket')) {
    return info(
      'no-such-bucket',
      `${statusText}NoSuchBucket: the bucket does not exist for ${id} (on per-account stores another account's bucket looks the same)`,
      `create bucket ${ctx.bucket} with these credentials, or fix the bucket in the pipeline root / provider override`,
    );
  }
  if (code === 'NoSuchKey' || f.status === 404)
    return info(
      'no-such-key',
      `${statusText}${code === 'NotFound' ? 'NoSuchKey' : code}: the object does not exist`,
      'check the key and prefix',
    );
  if (code === 'InvalidAccessKeyId')
    return info(
      'invalid-access-key',
      `${statusText}InvalidAccessKeyId: ${id} is unknown to this store`,
      'check the access key in the Secret named by the provider config (accessKeyKey), and that it belongs to this endpoint',
    );
  if (code === 'SignatureDoesNotMatch')
    return info(
      'signature',
      `${statusText}SignatureDoesNotMatch: secret key wrong, or clock skew (some stores, e.g. Swift, also answer this for an unknown access key)`,
      'check the secret key (secretKeyKey) and access key in the Secret, and that the clocks of this machine and the store agree',
    );
  if (code === 'RequestTimeTooSkewed')
    return info(
      'signature',
      `${statusText}RequestTimeTooSkewed: clock skew between this machine and the store`,
      'synchronise the clocks (NTP)',
    );
  if (
    ['PermanentRedirect', 'AuthorizationHeaderMalformed', 'IllegalLocationConstraintException'].includes(code) ||
    f.status === 301 ||
    /region/i.test(code)
  ) {
    const hint = f.region === undefined ? '' : ` (the store says ${f.region})`;
    return info(
      'region',
      `${statusText}${code}: wrong region ${JSON.stringify(ctx.target.region)} for this bucket${hint}`,
      "set the provider's region to the bucket's region",
    );
  }
  if (/Region is missing|Invalid region|Region not accepted/i.test(f.message))
    return info(
      'region',
      `no usable region (${JSON.stringify(ctx.target.region)})`,
      'set region in the provider config (S3-compatible stores usually accept us-east-1)',
    );
  if (code === 'AccessDenied' || code === 'Forbidden' || f.status === 403) {
    return info(
      'access-denied',
      `${statusText}${code === 'Unknown' || code === 'UnknownError' ? 'Forbidden' : code}: ${id} is not allowed to do this`,
      `grant ${ctx.op} on ${ctx.bucket} to these credentials (policy / ACL)`,
    );
  }
  if (code === 'ECONNREFUSED')
    return info(
      'refused',
      `connection refused (${hostOf(ctx.target)}): nothing listens there`,
      'check the endpoint host and port, and that the store is running',
    );
  if (code === 'ENOTFOUND' || code === 'EAI_AGAIN') {
    return info(
      'dns',
      `host name not found (${code}, ${hostOf(ctx.target)})`,
      'check the endpoint host; cluster-internal names (*.svc) resolve only inside the cluster: run the probe there or port-forward',
    );
  }
  if (
    f.name === 'TimeoutError' ||
    code === 'ETIMEDOUT' ||
    code === 'TimeoutError' ||
    (code === 'ECONNRESET' && /timed out/i.test(f.message))
  ) {
    return info('timeout', `no answer in time (${hostOf(ctx.target)})`, 'check the endpoint host and port, firewalls and NetworkPolicies');
  }
  // OpenSSL's reason when the peer answers TLS with plain HTTP (Node reports code EPROTO).
  if (
    /^ERR_SSL_(WRONG_VERSION_NUMBER|PACKET_LENGTH_TOO_LONG|HTTP_REQUEST)$/.test(code) ||
    (code === 'EPROTO' && /wrong version number|packet length too long|http request/i.test(f.message))
  ) {
    return info(
      'tls',
      `TLS handshake failed (${code}): the endpoint probably serves plain HTTP`,
      'use an http:// endpoint or disableSSL: true for a plain-HTTP store',
    );
  }
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID')
    return info(
      'tls',
      `TLS: the certificate does not name ${hostOf(ctx.target)} (${code})`,
      'use the host name the certificate was issued for',
    );
  if (TLS_CODES.has(code)) {
    return info(
      'tls',
      `TLS: the endpoint's certificate is not trusted (${code})`,
      'pass --s3-ca-bundle <file> with the CA that signed the store certificate',
    );
  }
  if (code === 'EPROTO' || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_')) {
    return info('tls', `TLS handshake failed (${code})`, 'check that the endpoint serves TLS on this port and supports TLS 1.2+');
  }
  if (code === 'ERR_INVALID_URL')
    return info(
      'endpoint',
      `the endpoint ${JSON.stringify(ctx.target.endpoint ?? '')} is not a valid URL`,
      'fix endpoint in the provider config (host:port, or a URL with http:// or https://)',
    );
  if (f.name === 'CredentialsProviderError')
    return info('credentials', 'no credentials available', 'the namespace uses fromEnv credentials, which exist only inside the pod');
  return info(
    'other',
    `${statusText}${code}${code === f.name ? '' : ` (${f.name})`}: ${scrub(firstLine(f.message), ctx.target)}`,
    'see the store logs for this request',
  );
}

function hostOf(t: S3Target): string {
  if (t.endpoint === undefined) return `s3.${t.region}.amazonaws.com`;
  try {
    return new URL(t.endpoint).host;
  } catch {
    return t.endpoint;
  }
}

function firstLine(s: string): string {
  const line = s.split('\n', 1)[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}

// Server text is echoed only for unknown errors; make sure it cannot carry credentials.
function scrub(s: string, t: S3Target): string {
  if (t.credentials === undefined) return s;
  const { accessKeyId, secretAccessKey } = t.credentials;
  return replaceToken(replaceToken(s, secretAccessKey, '***'), accessKeyId, redactKeyId(accessKeyId));
}

// Short values only as whole tokens, so a one-letter secret does not mangle every word.
function replaceToken(s: string, value: string, by: string): string {
  if (value === '') return s;
  if (value.length >= 8) return s.split(value).join(by);
  const escaped = value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return s.replace(new RegExp(`(?<![A-Za-z0-9])${escaped}(?![A-Za-z0-9])`, 'g'), by);
}
