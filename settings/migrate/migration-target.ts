// Where `migrate --to s3` moves namespaces: a provider name or URL from --endpoint turned into the
// endpoint, region, path style and TLS settings that provider needs, plus the root and Secret
// templates. Errors name the flag to fix.
import { parsePipelineRoot } from '../kfp/pipeline-root.ts';

export type ProviderName = 'aws' | 'gcs' | 'r2' | 'oss' | 'ibm' | 'url';

export const DEFAULT_ROOT_TEMPLATE = 's3://{bucket}/v2/artifacts/{profile}';
export const DEFAULT_SECRET_NAME_TEMPLATE = 'kfstore-object-store--{profile}';
export const DEFAULT_ACCESS_KEY_KEY = 'AWS_ACCESS_KEY_ID';
export const DEFAULT_SECRET_KEY_KEY = 'AWS_SECRET_ACCESS_KEY';

export interface TargetSecretInput {
  /** May use {profile}; default kfstore-object-store--{profile}. */
  name?: string;
  accessKeyKey?: string;
  secretKeyKey?: string;
  /** deployKF style: the edge clones this Secret (name may use {profile}) instead of filling a template. */
  cloneFrom?: { namespace: string; name: string };
}

export interface TargetInput {
  to: 's3';
  /** A URL (minio, ceph, seaweedfs, any S3 API) or a provider name: aws, gcs, r2, oss, ibm. */
  endpoint?: string;
  region?: string;
  bucket: string;
  /** Cloudflare account id (r2 only). */
  account?: string;
  pathStyle?: boolean;
  rootTemplate?: string;
  secret?: TargetSecretInput;
}

export interface MigrationTarget {
  provider: ProviderName;
  /** With scheme, as written to kfp-launcher's providers. */
  endpoint: string;
  /** host[:port], as Argo's artifact repository wants it. */
  host: string;
  region: string;
  bucket: string;
  forcePathStyle: boolean;
  disableSSL: boolean;
  /** Pipeline root template with {bucket} already filled in; {profile} is the namespace. */
  rootTemplate: string;
  secret: { nameTemplate: string; accessKeyKey: string; secretKeyKey: string; cloneFrom?: { namespace: string; name: string } };
}

export type TargetResult = { ok: true; target: MigrationTarget } | { ok: false; errors: string[] };

interface ProviderRule {
  endpoint: (region: string, account: string) => string;
  /** undefined: --region is required. */
  defaultRegion?: string;
  /** What region the provider accepts when one is forced (r2 signs only with 'auto'). */
  fixedRegion?: string;
  needsAccount?: boolean;
  // Path style per provider:
  // - aws: virtual-hosted. AWS deprecated path-style URLs for new buckets; KFP's SDK builds
  //   <bucket>.s3.<region>.amazonaws.com itself and AWS holds the wildcard certificate.
  // - gcs, r2, ibm: both styles documented; path style needs no per-bucket DNS or certificate
  //   (and dotted bucket names still work), so prefer it.
  // - oss: virtual-hosted only; OSS refuses path-style requests (SecondLevelDomainForbidden).
  pathStyle: boolean;
  /** Path style the provider refuses, if any. */
  refusesPathStyle?: boolean;
}

const PROVIDERS: Record<Exclude<ProviderName, 'url'>, ProviderRule> = {
  aws: { endpoint: (r) => `https://s3.${r}.amazonaws.com`, pathStyle: false },
  // GCS interoperability (XML API with HMAC keys); its region is not part of signing, 'auto' works.
  gcs: { endpoint: () => 'https://storage.googleapis.com', defaultRegion: 'auto', pathStyle: true },
  r2: {
    endpoint: (_r, a) => `https://${a}.r2.cloudflarestorage.com`,
    defaultRegion: 'auto',
    fixedRegion: 'auto',
    needsAccount: true,
    pathStyle: true,
  },
  oss: { endpoint: (r) => `https://s3.oss-${r}.aliyuncs.com`, pathStyle: false, refusesPathStyle: true },
  ibm: { endpoint: (r) => `https://s3.${r}.cloud-object-storage.appdomain.cloud`, pathStyle: true },
};

/** Region for a URL endpoint without --region: MinIO, Ceph RGW and SeaweedFS sign with us-east-1 by default. */
const URL_DEFAULT_REGION = 'us-east-1';
const REGION = /^[a-z0-9][a-z0-9-]*$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const SECRET_NAME = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const DATA_KEY = /^[-._a-zA-Z0-9]+$/;

export function resolveTarget(input: TargetInput): TargetResult {
  const errors: string[] = [];
  if (!BUCKET.test(input.bucket))
    errors.push(`--bucket ${JSON.stringify(input.bucket)} is not a valid S3 bucket name (3-63 lowercase letters, digits, dots, hyphens)`);
  if (input.region !== undefined && !REGION.test(input.region))
    errors.push(`--region ${JSON.stringify(input.region)} is not a region name (lowercase letters, digits, hyphens)`);
  const endpoint = resolveEndpoint(input, errors);
  const root = resolveRootTemplate(input.rootTemplate ?? DEFAULT_ROOT_TEMPLATE, input.bucket, errors);
  const secret = resolveSecret(input.secret ?? {}, errors);
  if (errors.length > 0 || endpoint === undefined || root === undefined) return { ok: false, errors };
  return { ok: true, target: { ...endpoint, bucket: input.bucket, rootTemplate: root, secret } };
}

type EndpointPart = Pick<MigrationTarget, 'provider' | 'endpoint' | 'host' | 'region' | 'forcePathStyle' | 'disableSSL'>;

function resolveEndpoint(input: TargetInput, errors: string[]): EndpointPart | undefined {
  const given = input.endpoint ?? 'aws';
  if (given.includes('://')) return resolveUrl(given, input, errors);
  const name = given.toLowerCase();
  if (name === 'minio' || name === 'ceph' || name === 'seaweedfs') {
    errors.push(`--endpoint ${name}: give the URL of its S3 API (e.g. http://${name}.example:9000), not the name`);
    return undefined;
  }
  if (!Object.hasOwn(PROVIDERS, name)) {
    errors.push(
      `--endpoint ${JSON.stringify(given)} is neither a URL nor a provider (aws, gcs, r2, oss, ibm; minio, ceph, seaweedfs by URL)`,
    );
    return undefined;
  }
  const provider = name as keyof typeof PROVIDERS;
  const rule = PROVIDERS[provider];
  const region = input.region ?? rule.defaultRegion;
  if (region === undefined) {
    errors.push(`--endpoint ${provider} needs --region (its endpoint and signatures are per region)`);
    return undefined;
  }
  if (rule.fixedRegion !== undefined && region !== rule.fixedRegion)
    errors.push(`--endpoint ${provider} signs with region '${rule.fixedRegion}'; drop --region ${region}`);
  const account = input.account ?? '';
  if (rule.needsAccount === true && !/^[a-f0-9]{32}$/.test(account))
    errors.push(`--endpoint ${provider} needs --account (the 32-hex Cloudflare account id)`);
  if (rule.needsAccount !== true && input.account !== undefined) errors.push(`--account is for --endpoint r2 only`);
  if (rule.refusesPathStyle === true && input.pathStyle === true)
    errors.push(`--path-style: ${provider} refuses path-style requests; leave it off`);
  const url = rule.endpoint(region, account);
  return { provider, endpoint: url, host: new URL(url).host, region, forcePathStyle: input.pathStyle ?? rule.pathStyle, disableSSL: false };
}

function resolveUrl(given: string, input: TargetInput, errors: string[]): EndpointPart | undefined {
  let url: URL;
  try {
    url = new URL(given);
  } catch {
    errors.push(`--endpoint ${JSON.stringify(given)} is not a valid URL`);
    return undefined;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    errors.push(`--endpoint ${given}: the scheme must be http or https`);
    return undefined;
  }
  if ((url.pathname !== '/' && url.pathname !== '') || url.search !== '' || url.username !== '') {
    errors.push(`--endpoint ${given}: give scheme://host[:port] only (no path, query or user)`);
    return undefined;
  }
  if (input.account !== undefined) errors.push(`--account is for --endpoint r2 only`);
  // A self-hosted store (MinIO, Ceph RGW, SeaweedFS) has no per-bucket DNS: path style unless told.
  const origin = `${url.protocol}//${url.host}`;
  return {
    provider: 'url',
    endpoint: origin,
    host: url.host,
    region: input.region ?? URL_DEFAULT_REGION,
    forcePathStyle: input.pathStyle ?? true,
    disableSSL: url.protocol === 'http:',
  };
}

function resolveRootTemplate(template: string, bucket: string, errors: string[]): string | undefined {
  const unknown = [...template.matchAll(/\{([^}]*)\}/g)].map((m) => m[1]).filter((p) => p !== 'bucket' && p !== 'profile');
  if (unknown.length > 0) {
    errors.push(`--root-template ${template}: unknown placeholder {${unknown.join('}, {')}} (only {bucket} and {profile})`);
    return undefined;
  }
  const filled = template.replaceAll('{bucket}', bucket);
  const parsed = parsePipelineRoot(filled.replaceAll('{profile}', 'sample-profile'));
  if (!parsed.ok) {
    errors.push(`--root-template ${template}: ${parsed.error}`);
    return undefined;
  }
  if (parsed.value.scheme !== 's3') errors.push(`--root-template ${template}: must be an s3:// root for --to s3`);
  if (parsed.value.bucket !== bucket) errors.push(`--root-template ${template}: its bucket must be --bucket ${bucket}`);
  if (parsed.value.query !== '') errors.push(`--root-template ${template}: no query string (it makes KFP ignore providers)`);
  return filled;
}

function resolveSecret(input: TargetSecretInput, errors: string[]): MigrationTarget['secret'] {
  const nameTemplate = input.name ?? DEFAULT_SECRET_NAME_TEMPLATE;
  const accessKeyKey = input.accessKeyKey ?? DEFAULT_ACCESS_KEY_KEY;
  const secretKeyKey = input.secretKeyKey ?? DEFAULT_SECRET_KEY_KEY;
  if (!SECRET_NAME.test(nameTemplate.replaceAll('{profile}', 'sample-profile')))
    errors.push(`--secret-name ${nameTemplate} does not make a valid Secret name`);
  for (const [flag, key] of [
    ['--access-key-key', accessKeyKey],
    ['--secret-key-key', secretKeyKey],
  ] as const) {
    if (!DATA_KEY.test(key)) errors.push(`${flag} ${JSON.stringify(key)} is not a valid Secret data key`);
  }
  if (accessKeyKey === secretKeyKey) errors.push(`--access-key-key and --secret-key-key must differ`);
  const out: MigrationTarget['secret'] = { nameTemplate, accessKeyKey, secretKeyKey };
  if (input.cloneFrom !== undefined) out.cloneFrom = { ...input.cloneFrom };
  return out;
}

/** The namespace's pipeline root. */
export function planRootFor(target: MigrationTarget, namespace: string): string {
  return target.rootTemplate.replaceAll('{profile}', namespace);
}

export function secretNameFor(target: MigrationTarget, namespace: string): string {
  return target.secret.nameTemplate.replaceAll('{profile}', namespace);
}
