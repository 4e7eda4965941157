// What a pipeline pod needs so that fromEnv launchers and user code (boto3, s3fs, the AWS CLI)
// reach the profile's store. Only names of Secrets and keys ever go into a pod spec.
// Related variables form groups, as in amazon-eks-pod-identity-webhook: a container that sets any
// variable of a group gets none of it, and nothing a user set is ever replaced.
import { matchesSelector } from '../label-selectors/label-selector.ts';
import type { ProfileStore } from '../policy/resolve.ts';
import type { StorePolicy } from '../policy/schema.ts';

export const OPT_OUT_ANNOTATION = 'kfstore.dev/inject';
export const INJECTED_ANNOTATION = 'kfstore.dev/injected';
/** Why something the policy asks for was not injected, per container (`main=<reason>;...`). */
export const SKIPPED_ANNOTATION = 'kfstore.dev/skipped';
/** Credential variables that, when a container sets them, win over a web-identity role in every AWS SDK. */
export const STATIC_KEY_VARS = ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'];
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
  /** What was left out, and why (web identity next to the container's own static keys). */
  skipped?: string;
}

export interface PodPlan {
  containers: ContainerPlan[];
  volumes: TokenVolume[];
  /** The new value of the `kfstore.dev/injected` annotation, when it changes. */
  annotation?: string;
  /** The `kfstore.dev/skipped` annotation: why a container got no role. */
  skipped?: string;
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
      if (plan.env.length > 0 || plan.mounts.length > 0 || plan.skipped !== undefined)
        containers.push({ list, index, name: c.name, ...plan });
    });
  }
  const volumes: TokenVolume[] = [];
  const needsToken = containers.some((c) => c.mounts.some((m) => m.name === TOKEN_VOLUME));
  if (needsToken && store.auth.kind === 'webIdentity' && !(pod.volumes ?? []).some((v) => v.name === TOKEN_VOLUME)) {
    volumes.push(tokenVolume(store.auth.audience, store.auth.expirationSeconds));
  }
  const plan: PodPlan = { containers, volumes };
  const injected = containers.filter((c) => c.env.length > 0 || c.mounts.length > 0);
  if (injected.length > 0) plan.annotation = mergeAnnotation(pod.annotations?.[INJECTED_ANNOTATION], injected);
  const skipped = containers.flatMap((c) => (c.skipped === undefined ? [] : [`${c.name}=${c.skipped}`])).join(';');
  if (skipped !== '' && pod.annotations?.[SKIPPED_ANNOTATION] !== skipped) plan.skipped = skipped;
  return { inject: true, plan };
}

export function planContainer(c: ContainerView, store: ProfileStore): { env: EnvVar[]; mounts: VolumeMount[]; skipped?: string } {
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
  const ownKey = STATIC_KEY_VARS.find((n) => has.has(n));
  const staticKeys =
    ownKey !== undefined
      ? `${ownKey} set in env`
      : credentialsFromUser
        ? 'envFrom imports a Secret that may set AWS_ACCESS_KEY_ID'
        : undefined;
  let skipped: string | undefined;
  if (credentialsFromUser && auth.kind !== 'webIdentity') {
    // leave credentials alone
  } else if (auth.kind === 'secret') {
    group(
      ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY'],
      [
        { name: 'AWS_ACCESS_KEY_ID', valueFrom: { secretKeyRef: { name: auth.name, key: auth.accessKeyKey } } },
        { name: 'AWS_SECRET_ACCESS_KEY', valueFrom: { secretKeyRef: { name: auth.name, key: auth.secretKeyKey } } },
      ],
    );
  } else if (auth.kind === 'webIdentity' && staticKeys !== undefined) {
    // The SDKs' credential chains read static keys before a web-identity token: the role would
    // be silently unused (the deployKF IRSA report), so it is not added, and the pod says why.
    skipped = `webIdentity not injected: ${staticKeys} (static keys win over AWS_ROLE_ARN in the AWS SDKs)`;
  } else if (auth.kind === 'webIdentity') {
    const added = group(
      ['AWS_ROLE_ARN', 'AWS_WEB_IDENTITY_TOKEN_FILE'],
      [
        { name: 'AWS_ROLE_ARN', value: auth.roleArn },
        { name: 'AWS_WEB_IDENTITY_TOKEN_FILE', value: `${TOKEN_MOUNT_PATH}/token` },
      ],
    );
    group(['AWS_STS_REGIONAL_ENDPOINTS'], [{ name: 'AWS_STS_REGIONAL_ENDPOINTS', value: 'regional' }]);
    if (added && !(c.volumeMounts ?? []).some((m) => m.name === TOKEN_VOLUME))
      mounts.push({ name: TOKEN_VOLUME, mountPath: TOKEN_MOUNT_PATH, readOnly: true });
  }
  if (store.region !== undefined) {
    group(
      ['AWS_REGION', 'AWS_DEFAULT_REGION'],
      [
        { name: 'AWS_REGION', value: store.region },
        { name: 'AWS_DEFAULT_REGION', value: store.region },
      ],
    );
  }
  // A user's AWS_ENDPOINT_URL (all services) would be overridden for S3 by AWS_ENDPOINT_URL_S3.
  if (store.endpoint !== undefined)
    group(['AWS_ENDPOINT_URL_S3', 'AWS_ENDPOINT_URL'], [{ name: 'AWS_ENDPOINT_URL_S3', value: store.endpoint }]);
  return skipped === undefined ? { env, mounts } : { env, mounts, skipped };
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
    byContainer.set(
      name.trim(),
      new Set(
        vars
          .split(',')
          .map((v) => v.trim())
          .filter(Boolean),
      ),
    );
  }
  for (const c of containers) {
    const set = byContainer.get(c.name) ?? new Set<string>();
    for (const e of c.env) set.add(e.name);
    if (c.mounts.length > 0) set.add(TOKEN_VOLUME);
    byContainer.set(c.name, set);
  }
  return [...byContainer].map(([name, vars]) => `${name}=${[...vars].join(',')}`).join(';');
}
