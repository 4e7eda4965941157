// The S3 connection KFP's launcher (2.15+, aws-sdk-go-v2) builds from a store session's params
// (objectstore.StructuredS3Params + newS3Client), so probes connect exactly as pipeline pods would.

export interface S3Credentials {
  accessKeyId: string;
  secretAccessKey: string;
}

export interface S3Target {
  /** Full URL; undefined = the SDK resolves the AWS endpoint from the region. */
  endpoint?: string;
  region: string;
  forcePathStyle: boolean;
  disableSSL: boolean;
  /** Maximum attempts (aws-sdk-go-v2 retry.AddWithMaxAttempts), including the first. */
  maxRetries: number;
  /** undefined = fromEnv: the pod's default credential chain, which kfstore cannot reproduce. */
  credentials?: S3Credentials;
}

// The launcher's test, dots unescaped as in Go; it runs on the lower-cased endpoint.
const AWS_GLOBAL_ENDPOINT = /^(https:\/\/)?s3.amazonaws.com/;
/** aws-sdk-go-v2's standard retryer when maxRetries is absent or 0 (KFP only overrides it when > 0). */
const SDK_DEFAULT_ATTEMPTS = 3;

export function targetFromSession(params: Record<string, string>, credentials: S3Credentials | undefined): S3Target {
  const disableSSL = parseBool(params, 'disableSSL', false);
  const forcePathStyle = parseBool(params, 'forcePathStyle', true);
  const retries = parseIntParam(params, 'maxRetries');
  const target: S3Target = {
    region: params.region ?? '',
    forcePathStyle,
    disableSSL,
    maxRetries: retries > 0 ? retries : SDK_DEFAULT_ATTEMPTS,
  };
  const raw = params.endpoint ?? '';
  if (raw !== '' && !AWS_GLOBAL_ENDPOINT.test(raw.toLowerCase())) target.endpoint = effectiveEndpoint(raw, disableSSL);
  if (credentials !== undefined) target.credentials = credentials;
  return target;
}

function effectiveEndpoint(raw: string, disableSSL: boolean): string {
  // Only these two exact prefixes count as a scheme (strings.HasPrefix in the launcher).
  const hasScheme = raw.startsWith('http://') || raw.startsWith('https://');
  const url = hasScheme ? raw : `${disableSSL ? 'http' : 'https'}://${raw}`;
  // The SDK's disableHTTPS finalize middleware rewrites the scheme of every request, even for an
  // explicit https:// BaseEndpoint, so disableSSL wins over the endpoint's own scheme.
  return disableSSL && url.startsWith('https://') ? `http://${url.slice('https://'.length)}` : url;
}

// Go's strconv.ParseBool: an invalid value makes the launcher fail before any request.
function parseBool(params: Record<string, string>, name: string, absent: boolean): boolean {
  const v = params[name];
  if (v === undefined) return absent;
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(v)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(v)) return false;
  throw new Error(`${name}: strconv.ParseBool: parsing ${JSON.stringify(v)}: invalid syntax`);
}

function parseIntParam(params: Record<string, string>, name: string): number {
  const v = params[name];
  if (v === undefined) return 0;
  if (!/^[+-]?\d+$/.test(v)) throw new Error(`${name}: strconv.ParseInt: parsing ${JSON.stringify(v)}: invalid syntax`);
  return Number(v);
}

/** For messages: where and how the launcher connects. Never includes the secret. */
export function describe(t: S3Target): string {
  const where = t.endpoint ?? `AWS S3 (${t.disableSSL ? 'http' : 'https'}, endpoint from region)`;
  const parts = [`region ${t.region === '' ? '(empty)' : t.region}`, t.forcePathStyle ? 'path-style' : 'virtual-hosted-style'];
  parts.push(t.credentials === undefined ? 'credentials from the pod environment' : `access key ${redactKeyId(t.credentials.accessKeyId)}`);
  return `${where} (${parts.join(', ')})`;
}

/** Access key ids may be shown only by their first 4 characters. */
export function redactKeyId(id: string): string {
  return id.length <= 4 ? '****' : `${id.slice(0, 4)}…`;
}
