// What a pipeline pod needs so that fromEnv launchers and user code (boto3, s3fs, the AWS CLI)
// reach the profile's store. Only names of Secrets and keys ever go into a pod spec.
// Related variables form groups, as in amazon-eks-pod-identity-webhook: a container that sets any
// variable of a group gets none of it, and nothing a user set is ever replaced.
import { matchesSelector } from '../label-selectors/label-selector.ts';
import type { ProfileStore } from '../policy/resolve.ts';
import type { StorePolicy } from '../policy/schema.ts';

export const OPT_OUT_ANNOTATION = 'kfstore.dev/inject';
export const INJECTED_ANNOTATION = 'kfstore.dev/injected';
export const TOKEN_VOLUME = 'kfstore-aws-token';
export const TOKEN_MOUNT_PATH = '/var/run/secrets/kfstore/serviceaccount';

export type EnvVar = { name: string; value: string } | { name: string; valueFrom: { secretKeyRef: { name: string; key: string } } };
export interface VolumeMount {
  name: string;
  mountPath: string;
  readOnly: boolean;
}
export interface TokenVolume {
  name: string;
  projected: { sources: { serviceAccountToken: { audience: string; expirationSeconds: number; path: string } }[] };
}

/** The parts of a container the plan reads. */
export interface ContainerView {
  name: string;
  env?: { name: string }[];
  volumeMounts?: { name: string }[];
  /** True when `envFrom` imports a whole Secret without a prefix: it may carry the credentials. */
  envFromSecret?: boolean;
}
export interface PodView {
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  containers: ContainerView[];
  initContainers?: ContainerView[];
  volumes?: { name: string }[];
}

export interface ContainerPlan {
  list: 'containers' | 'initContainers';
  index: number;
  name: string;
  env: EnvVar[];
  mounts: VolumeMount[];
}

export interface PodPlan {
  containers: ContainerPlan[];
  volumes: TokenVolume[];
  /** The new value of the `kfstore.dev/injected` annotation, when it changes. */
  annotation?: string;
}

export type PodDecision = { inject: false; reason: string } | { inject: true; plan: PodPlan };

export function planPod(pod: PodView, store: ProfileStore, inject: StorePolicy['inject']): PodDecision {
  if (pod.annotations?.[OPT_OUT_ANNOTATION] === 'false') return { inject: false, reason: `annotation ${OPT_OUT_ANNOTATION}: "false"` };
  if (!matchesSelector(inject.podSelector, pod.labels)) return { inject: false, reason: 'not matched by inject.podSelector' };
  const wanted = (c: ContainerView): boolean => inject.containers.includes('*') || inject.containers.includes(c.name);
  const containers: ContainerPlan[] = [];
  const lists: [ContainerPlan['list'], ContainerView[]][] = [
    ['initContainers', pod.initContainers ?? []],
    ['containers', pod.containers],
  ];
  for (const [list, items] of lists) {
    items.forEach((c, index) => {
      if (!wanted(c)) return;
      const plan = planContainer(c, store);
      if (plan.env.length > 0 || plan.mounts.length > 0) containers.push({ list, index, name: c.name, ...plan });
    });
  }
  const volumes: TokenVolume[] = [];
  const needsToken = containers.some((c) => c.mounts.some((m) => m.name === TOKEN_VOLUME));
  if (needsToken && store.auth.kind === 'webIdentity' && !(pod.volumes ?? []).some((v) => v.name === TOKEN_VOLUME)) {
    volumes.push(tokenVolume(store.auth.audience, store.auth.expirationSeconds));
  }
  const plan: PodPlan = { containers, volumes };
  if (containers.length > 0) plan.annotation = mergeAnnotation(pod.annotations?.[INJECTED_ANNOTATION], containers);
  return { inject: true, plan };
}

export function planContainer(c: ContainerView, store: ProfileStore): { env: EnvVar[]; mounts: VolumeMount[] } {
  const has = new Set((c.env ?? []).map((e) => e.name));
  const env: EnvVar[] = [];
  const mounts: VolumeMount[] = [];
  const group = (names: string[], vars: EnvVar[]): boolean => {
    if (names.some((n) => has.has(n))) return false;
    env.push(...vars);
    return true;
  };
  const auth = store.auth;
  // `env` beats `envFrom`, so injecting over an imported Secret would replace the user's keys.
  const credentialsFromUser = c.envFromSecret === true;
  if (credentialsFromUser) {
    // leave credentials alone
  } else if (auth.kind === 'secret') {
    group(['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'], [
      { name: 'AWS_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: auth.name, key: auth.accessKeyKey } } },
      { name: 'AWS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: auth.name, key: auth.secretKeyKey } } },
    ]);
  } else if (auth.kind === 'webIdentity') {
    const added = group(['AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE'], [
      { name: 'AWS_ROLE_ARN', value: auth.roleArn },
      { name: 'AWS_WEB_IDENTITY_TOKEN_FILE', value: `${TOKEN_MOUNT_PATH}/token` },
    ]);
    group(['AWS_STS_REGIONAL_ENDPOINTS'], [{ name: 'AWS_STS_REGIONAL_ENDPOINTS', value: 'regional' }]);
    if (added && !(c.volumeMounts ?? []).some((m) => m.name === TOKEN_VOLUME)) mounts.push({ name: TOKEN_VOLUME, mountPath: TOKEN_MOUNT_PATH, readOnly: true });
  }
  if (store.region !== undefined) {
    group(['AWS_REGION', 'AWS_DEFAULT_REGION'], [
      { name: 'AWS_REGION', value: store.region },
      { name: 'AWS_DEFAULT_REGION', value: store.region },
    ]);
  }
  // A user's AWS_ENDPOINT_URL (all services) would be overridden for S3 by AWS_ENDPOINT_URL_S3.
  if (store.endpoint !== undefined) group(['AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL'], [{ name: 'AWS_ENDPOINT_URL_S3', value: store.endpoint }]);
  return { env, mounts };
}

export function tokenVolume(audience: string, expirationSeconds: number): TokenVolume {
  return { name: TOKEN_VOLUME, projected: { sources: [{ serviceAccountToken: { audience, expirationSeconds, path: 'token' } }] } };
}

// `main=AWS_ACCESS_KEY_ID,AWS_SECRET_ACCESS_KEY;init=...`, merged with what earlier passes recorded.
function mergeAnnotation(existing: string | undefined, containers: ContainerPlan[]): string {
  const byContainer = new Map<string, Set<string>>();
  for (const part of (existing ?? '').split(';')) {
    const [name, vars] = part.split('=');
    if (name === undefined || name.trim() === '' || vars === undefined) continue;
    byContainer.set(name.trim(), new Set(vars.split(',').map((v) => v.trim()).filter(Boolean)));
  }
  for (const c of containers) {
    const set = byContainer.get(c.name) ?? new Set<string>();
    for (const e of c.env) set.add(e.name);
    if (c.mounts.length > 0) set.add(TOKEN_VOLUME);
    byContainer.set(c.name, set);
  }
  return [...byContainer].map(([name, vars]) => `${name}=${[...vars].join(',')}`).join(';');
}
