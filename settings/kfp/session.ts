// Config.GetStoreSessionInfo as the release in use computes it (config.rules; 2.2-2.17 checked
// against KFP's own code, test/fixtures/kfp-versions), including its errors and nil-pointer panics.
import { goQuote } from '../go/quote.ts';
import { parsePipelineRoot } from './pipeline-root.ts';
import type { PipelineRoot } from './pipeline-root.ts';
import type { BucketProviders, GCSProviderValue, S3ProviderValue } from './providers.ts';
import type { LauncherConfig } from './launcher-config.ts';
import type { KfpRules } from './versions.ts';

export interface StoreSession {
  provider: 'minio' | 's3' | 'gs';
  /** KFP's parameter names and string values, exactly as stored in MLMD. */
  params: Record<string, string>;
}

export type SessionResult =
  | { ok: true; session: StoreSession; override?: number }
  | { ok: false; error: string; panic: boolean; path?: string; reason?: string };

export const KFP_PANIC = 'runtime error: invalid memory address or nil pointer dereference';
export interface SessionOptions {
  /** Instead of the release's built-in endpoint (a standalone install's driver may see its own minio-service). */
  defaultMinioEndpoint?: string;
}

class Panic extends Error {
  readonly path: string;
  readonly reason: string;
  constructor(path: string, reason: string) {
    super(reason);
    this.path = path;
    this.reason = reason;
  }
}

export function getStoreSessionInfo(config: LauncherConfig, root: string, opts: SessionOptions = {}): SessionResult {
  const parsed = parsePipelineRoot(root);
  if (!parsed.ok) return { ok: false, error: parsed.error, panic: false };
  const rules = config.rules;
  if (!rules.providers) return withoutProviders(parsed.value, opts.defaultMinioEndpoint ?? rules.defaultMinioEndpoint);
  if (!config.providers.ok) return { ok: false, error: config.providers.error, panic: false };
  const providers: BucketProviders = config.providers.value ?? {};
  try {
    switch (parsed.value.scheme) {
      case 'minio':
        return minioSession(providers.minio ?? {}, parsed.value, opts.defaultMinioEndpoint ?? rules.defaultMinioEndpoint, rules);
      case 's3':
        return s3Session(providers.s3 ?? {}, parsed.value, 's3', rules);
      case 'gs':
        return gcsSession(providers.gs ?? {}, parsed.value);
      default:
        return { ok: false, error: `Encountered unsupported provider in provider config ${parsed.value.scheme}`, panic: false };
    }
  } catch (e) {
    if (e instanceof Panic) return { ok: false, error: KFP_PANIC, panic: true, path: e.path, reason: e.reason };
    throw e;
  }
}

// KFP 2.0 and 2.1 have no sessions: minio:// opens with the built-in Secret (query string or not),
// s3:// and gs:// from the pod environment (objectstore/object_store.go OpenBucket at 2.1.0).
function withoutProviders(root: PipelineRoot, endpoint: string): SessionResult {
  if (root.scheme === 'mem')
    return { ok: false, error: `parse bucket config failed: unsupported Cloud bucket: ${goQuote(root.root)}`, panic: false };
  if (root.scheme === 'minio') return { ok: true, session: builtInMinio(endpoint, false) };
  return { ok: true, session: { provider: root.scheme, params: { fromEnv: 'true' } } };
}

function builtInMinio(endpoint: string, maxRetries: boolean): StoreSession {
  const params: Record<string, string> = {
    region: 'minio',
    endpoint,
    disableSSL: 'true',
    fromEnv: 'false',
    secretName: 'mlpipeline-minio-artifact',
    accessKeyKey: 'accesskey',
    secretKeyKey: 'secretkey',
  };
  if (maxRetries) params.maxRetries = '5';
  return { provider: 'minio', params: sorted(params) };
}

function minioSession(p: S3ProviderValue, root: PipelineRoot, endpoint: string, rules: KfpRules): SessionResult {
  if (p.default === undefined && p.Overrides === undefined && root.query === '')
    return { ok: true, session: builtInMinio(endpoint, rules.maxRetries) };
  return s3Session(p, root, 'minio', rules);
}

function s3Session(p: S3ProviderValue, root: PipelineRoot, provider: 's3' | 'minio', rules: KfpRules): SessionResult {
  if ((p.default === undefined && p.Overrides === undefined) || root.query !== '') {
    return { ok: true, session: { provider, params: { fromEnv: 'true' } } };
  }
  const d = p.default;
  if (d === undefined || d.credentials === undefined) return invalid('missing default credentials', `${provider}.default.credentials`);
  const params: Record<string, string> = {
    endpoint: d.endpoint,
    region: d.region,
    disableSSL: String(d.disableSSL ?? false),
    fromEnv: String(d.credentials.fromEnv),
  };
  if (rules.forcePathStyle) params.forcePathStyle = String(d.forcePathStyle ?? true);
  if (rules.maxRetries) params.maxRetries = String(d.maxRetries ?? 5n);
  if (!d.credentials.fromEnv) {
    const ref = deref(d.credentials.secretRef, `${provider}.default.credentials.secretRef`, 'is missing while fromEnv is false');
    Object.assign(params, { secretName: ref.secretName, accessKeyKey: ref.accessKeyKey, secretKeyKey: ref.secretKeyKey });
  }
  const index = (p.Overrides ?? []).findIndex((o) => o.bucketName === root.bucket && root.prefix.startsWith(o.keyPrefix));
  const o = p.Overrides?.[index];
  if (o === undefined) return { ok: true, session: { provider, params: sorted(params) } };
  if (o.endpoint !== '') params.endpoint = o.endpoint;
  if (o.region !== '') params.region = o.region;
  if (o.disableSSL !== undefined) params.disableSSL = String(o.disableSSL);
  if (o.forcePathStyle !== undefined) params.forcePathStyle = String(o.forcePathStyle);
  // KFP copies *p.Default.MaxRetries here (bug since 2.15): a panic when the default has none.
  const at = `${provider}.overrides[${index}]`;
  if (o.maxRetries !== undefined && rules.maxRetriesOverridePanic)
    params.maxRetries = String(
      deref(d.maxRetries, `${at}.maxRetries`, `is set but ${provider}.default.maxRetries is not (KFP copies the default's value)`),
    );
  if (o.credentials === undefined) return invalid('missing override credentials', `${at}.credentials`);
  params.fromEnv = String(o.credentials.fromEnv);
  if (!o.credentials.fromEnv) {
    if (o.credentials.secretRef === undefined) return invalid('missing override secretref', `${at}.credentials.secretRef`);
    const ref = o.credentials.secretRef;
    Object.assign(params, { secretName: ref.secretName, accessKeyKey: ref.accessKeyKey, secretKeyKey: ref.secretKeyKey });
  } else {
    delete params.secretName;
    delete params.accessKeyKey;
    delete params.secretKeyKey;
  }
  return { ok: true, session: { provider, params: sorted(params) }, override: index };
}

function gcsSession(p: GCSProviderValue, root: PipelineRoot): SessionResult {
  if (p.default === undefined && p.Overrides === undefined) return { ok: true, session: { provider: 'gs', params: { fromEnv: 'true' } } };
  const d = p.default;
  if (d === undefined || d.credentials === undefined) return invalid('missing default credentials', 'gs.default.credentials');
  const params: Record<string, string> = { fromEnv: String(d.credentials.fromEnv) };
  if (!d.credentials.fromEnv) {
    const ref = deref(d.credentials.secretRef, 'gs.default.credentials.secretRef', 'is missing while fromEnv is false');
    Object.assign(params, { secretName: ref.secretName, tokenKey: ref.tokenKey });
  }
  const index = (p.Overrides ?? []).findIndex((o) => o.bucketName === root.bucket && root.prefix.startsWith(o.keyPrefix));
  const o = p.Overrides?.[index];
  if (o === undefined) return { ok: true, session: { provider: 'gs', params: sorted(params) } };
  if (o.credentials === undefined) return invalid('missing override secretref', `gs.overrides[${index}].credentials`);
  params.fromEnv = String(o.credentials.fromEnv);
  if (!o.credentials.fromEnv) {
    if (o.credentials.secretRef === undefined) return invalid('missing override secretref', `gs.overrides[${index}].credentials.secretRef`);
    Object.assign(params, { secretName: o.credentials.secretRef.secretName, tokenKey: o.credentials.secretRef.tokenKey });
  } else {
    delete params.secretName;
    delete params.tokenKey;
  }
  return { ok: true, session: { provider: 'gs', params: sorted(params) }, override: index };
}

function invalid(reason: string, path: string): SessionResult {
  return { ok: false, error: `invalid provider config: ${reason}`, panic: false, path };
}

// Where KFP dereferences a pointer without a nil check.
function deref<T>(v: T | undefined, path: string, reason: string): T {
  if (v === undefined) throw new Panic(path, reason);
  return v;
}

// Go marshals map keys sorted; keep the same order so JSON output compares byte for byte.
function sorted(params: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(params).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** The SessionInfo JSON KFP stores in MLMD (`{"Provider":...,"Params":{...}}`). */
export function sessionJson(session: StoreSession): string {
  return JSON.stringify({ Provider: session.provider, Params: sorted(session.params) });
}
