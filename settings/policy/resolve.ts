// A profile's effective store under the StorePolicy: `store` with the profile's overrides, templated.
import { renderTemplate } from './template.ts';
import type { StorePolicy } from './schema.ts';

export type ProfileAuth =
  | { kind: 'secret'; name: string; accessKeyKey: string; secretKeyKey: string }
  | { kind: 'webIdentity'; roleArn: string; audience: string; expirationSeconds: number }
  | { kind: 'fromEnv' };

export type StoreField = 'endpoint' | 'region' | 'bucket' | 'pathStyle' | 'pipelineRoot' | 'auth' | 'gcpServiceAccount';

export interface ProfileStore {
  profile: string;
  endpoint?: string;
  region?: string;
  bucket: string;
  pathStyle: boolean;
  pipelineRoot: string;
  auth: ProfileAuth;
  /** GKE Workload Identity: the Google service account the profile's Kubernetes service account is bound to. */
  gcpServiceAccount?: string;
  /** Where each value came from: `store` or `profiles.<name>`. */
  sources: Record<StoreField, string>;
}

export function resolveProfile(policy: StorePolicy, profile: string): ProfileStore {
  const override = policy.profiles[profile] ?? {};
  const from = (field: StoreField): string => (override[field] !== undefined ? `profiles.${profile}` : 'store');
  const bucket = renderTemplate(override.bucket ?? policy.store.bucket, { profile, bucket: '' });
  const values = { profile, bucket };
  const endpoint = override.endpoint ?? policy.store.endpoint;
  const region = override.region ?? policy.store.region;
  const a = override.auth ?? policy.store.auth;
  let auth: ProfileAuth;
  if (a.secret !== undefined)
    auth = {
      kind: 'secret',
      name: renderTemplate(a.secret.name, values),
      accessKeyKey: a.secret.accessKeyKey,
      secretKeyKey: a.secret.secretKeyKey,
    };
  else if (a.webIdentity !== undefined)
    auth = {
      kind: 'webIdentity',
      roleArn: renderTemplate(a.webIdentity.roleArn, values),
      audience: a.webIdentity.audience,
      expirationSeconds: a.webIdentity.expirationSeconds,
    };
  else auth = { kind: 'fromEnv' };
  const store: ProfileStore = {
    profile,
    bucket,
    pathStyle: override.pathStyle ?? policy.store.pathStyle,
    pipelineRoot: renderTemplate(override.pipelineRoot ?? policy.store.pipelineRoot, values),
    auth,
    sources: {
      endpoint: from('endpoint'),
      region: from('region'),
      bucket: from('bucket'),
      pathStyle: from('pathStyle'),
      pipelineRoot: from('pipelineRoot'),
      auth: from('auth'),
      gcpServiceAccount: from('gcpServiceAccount'),
    },
  };
  const gsa = override.gcpServiceAccount ?? policy.store.gcpServiceAccount;
  if (gsa !== undefined) store.gcpServiceAccount = renderTemplate(gsa, values);
  if (endpoint !== undefined) store.endpoint = endpoint;
  if (region !== undefined) store.region = region;
  return store;
}
