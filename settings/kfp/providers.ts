// The `providers` value of kfp-launcher: KFP's Go types (backend/src/v2/config/{env,s3,minio,gcs}.go)
// as of the release in use, and the decode KFP performs on it (getBucketProviders).
import { decodeGo } from '../go/json-decode.ts';
import type { GoDecoded, GoType, KeyNote } from '../go/json-decode.ts';
import { parseGoYaml } from '../go/yaml-v2.ts';
import { NEWEST_RULES } from './versions.ts';
import type { KfpRules } from './versions.ts';

const str: GoType = { kind: 'string' };
const ptr = (elem: GoType): GoType => ({ kind: 'ptr', elem });
const struct = (name: string, fields: Record<string, GoType>): GoType => ({
  kind: 'struct',
  name,
  pkg: 'config',
  fields: Object.entries(fields).map(([json, type]) => (json === 'Overrides' ? { json, type, docs: 'overrides' } : { json, type })),
});

const S3SecretRef = struct('S3SecretRef', { secretName: str, accessKeyKey: str, secretKeyKey: str });
const S3Credentials = struct('S3Credentials', { fromEnv: { kind: 'bool' }, secretRef: ptr(S3SecretRef) });
const GCSSecretRef = struct('GCSSecretRef', { secretName: str, tokenKey: str });
const GCSCredentials = struct('GCSCredentials', { fromEnv: { kind: 'bool' }, secretRef: ptr(GCSSecretRef) });
const GCSOverride = struct('GCSOverride', { bucketName: str, keyPrefix: str, credentials: ptr(GCSCredentials) });
const GCSProviderDefault = struct('GCSProviderDefault', { credentials: ptr(GCSCredentials) });

/** BucketProviders as a release declares it: forcePathStyle since 2.4.0, maxRetries since 2.15.0 (unknown keys before). */
function bucketProvidersType(rules: KfpRules): GoType {
  const s3Tuning: Record<string, GoType> = { endpoint: str, region: str, disableSSL: ptr({ kind: 'bool' }) };
  if (rules.forcePathStyle) s3Tuning.forcePathStyle = ptr({ kind: 'bool' });
  if (rules.maxRetries) s3Tuning.maxRetries = ptr({ kind: 'int' });
  const S3ProviderDefault = struct('S3ProviderDefault', { ...s3Tuning, credentials: ptr(S3Credentials) });
  const S3Override = struct('S3Override', { ...s3Tuning, bucketName: str, keyPrefix: str, credentials: ptr(S3Credentials) });
  const s3Provider = { default: ptr(S3ProviderDefault), Overrides: { kind: 'slice', elem: S3Override } as GoType };
  return struct('BucketProviders', {
    minio: ptr(struct('MinioProviderConfig', s3Provider)),
    s3: ptr(struct('S3ProviderConfig', s3Provider)),
    gs: ptr(struct('GCSProviderConfig', { default: ptr(GCSProviderDefault), Overrides: { kind: 'slice', elem: GCSOverride } })),
  });
}

/** The newest release's type (KFP 2.17). */
export const BUCKET_PROVIDERS_TYPE: GoType = bucketProvidersType(NEWEST_RULES);
// The type has three shapes across releases (2.2, 2.4, 2.15); built once each.
const BEFORE_2_4 = bucketProvidersType({ ...NEWEST_RULES, forcePathStyle: false, maxRetries: false });
const BEFORE_2_15 = bucketProvidersType({ ...NEWEST_RULES, maxRetries: false });

export function providersTypeFor(rules: KfpRules): GoType {
  return !rules.forcePathStyle ? BEFORE_2_4 : !rules.maxRetries ? BEFORE_2_15 : BUCKET_PROVIDERS_TYPE;
}

export interface S3SecretRefValue {
  secretName: string;
  accessKeyKey: string;
  secretKeyKey: string;
}
export interface S3CredentialsValue {
  fromEnv: boolean;
  secretRef?: S3SecretRefValue;
}
export interface S3TuningValue {
  endpoint: string;
  region: string;
  disableSSL?: boolean;
  forcePathStyle?: boolean;
  maxRetries?: bigint;
}
export interface S3DefaultValue extends S3TuningValue {
  credentials?: S3CredentialsValue;
}
export interface S3OverrideValue extends S3TuningValue {
  bucketName: string;
  keyPrefix: string;
  credentials?: S3CredentialsValue;
}
export interface S3ProviderValue {
  default?: S3DefaultValue;
  Overrides?: S3OverrideValue[];
}
export interface GCSCredentialsValue {
  fromEnv: boolean;
  secretRef?: { secretName: string; tokenKey: string };
}
export interface GCSProviderValue {
  default?: { credentials?: GCSCredentialsValue };
  Overrides?: { bucketName: string; keyPrefix: string; credentials?: GCSCredentialsValue }[];
}
export interface BucketProviders {
  minio?: S3ProviderValue;
  s3?: S3ProviderValue;
  gs?: GCSProviderValue;
}

export type ProvidersResult =
  | { ok: true; value: BucketProviders | undefined; unknownKeys: KeyNote[]; caseMismatches: KeyNote[] }
  | { ok: false; error: string /** kfstore's own size limit, not an error of KFP's. */; tooLarge?: true };

export const PROVIDERS_ERROR_PREFIX = 'failed to unmarshall kfp bucket providers, ensure that providers config is well formed: ';

/**
 * Real `providers` values are 1-5 KiB and a few hundred YAML tokens (the largest fixture here has
 * 295). kfstore bounds what it parses so that one `kubectl apply` costs tens of milliseconds at
 * most (KFP itself has no bound): past any of these, the value reads as an error naming the limit.
 * 4,096 tokens hold about 50 fully spelled-out overrides.
 */
export const MAX_PROVIDERS_BYTES = 32 * 1024;
export const MAX_PROVIDERS_TOKENS = 4096;
export const MAX_DECODE_STEPS = 16_384;
export const MAX_OVERRIDES = 256;

export interface ProvidersBounds {
  bytes: number;
  tokens: number;
  decodeSteps: number;
  overrides: number;
}

export const PROVIDERS_BOUNDS: ProvidersBounds = {
  bytes: MAX_PROVIDERS_BYTES,
  tokens: MAX_PROVIDERS_TOKENS,
  decodeSteps: MAX_DECODE_STEPS,
  overrides: MAX_OVERRIDES,
};
/** KFP's own behaviour, unbounded: for comparing with KFP, never for input from a tenant. */
export const NO_BOUNDS: ProvidersBounds = {
  bytes: Number.POSITIVE_INFINITY,
  tokens: Number.POSITIVE_INFINITY,
  decodeSteps: Number.POSITIVE_INFINITY,
  overrides: Number.POSITIVE_INFINITY,
};

/** getBucketProviders: an empty string means "no providers"; anything else must decode. */
export function parseProviders(
  text: string | undefined,
  bounds: ProvidersBounds = PROVIDERS_BOUNDS,
  rules: KfpRules = NEWEST_RULES,
): ProvidersResult {
  if (text === undefined || text === '') return { ok: true, value: undefined, unknownKeys: [], caseMismatches: [] };
  if (text.length > bounds.bytes) {
    return {
      ok: false,
      error: `providers is ${Math.ceil(text.length / 1024)} KiB; kfstore checks at most ${bounds.bytes / 1024} KiB`,
      tooLarge: true,
    };
  }
  const limits = Number.isFinite(bounds.tokens) ? { maxTokens: bounds.tokens, maxDecodeSteps: bounds.decodeSteps } : {};
  const yaml = parseGoYaml(text, limits);
  if (!yaml.ok)
    return yaml.overLimit
      ? { ok: false, error: `providers ${yaml.error}`, tooLarge: true }
      : { ok: false, error: PROVIDERS_ERROR_PREFIX + yaml.error };
  const decoded = decodeGo(yaml.value, providersTypeFor(rules), { maxSliceItems: bounds.overrides });
  if (decoded.error !== undefined) return { ok: false, error: PROVIDERS_ERROR_PREFIX + decoded.error };
  if (decoded.overLimit !== undefined) return { ok: false, error: `providers ${decoded.overLimit} overrides`, tooLarge: true };
  return { ok: true, value: asProviders(decoded.value), unknownKeys: decoded.unknownKeys, caseMismatches: decoded.caseMismatches };
}

// The decoder builds exactly the shape of BUCKET_PROVIDERS_TYPE; this is the one place that trusts it.
function asProviders(value: GoDecoded | undefined): BucketProviders {
  return (value ?? {}) as unknown as BucketProviders;
}
