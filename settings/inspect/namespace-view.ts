// One namespace's effective artifact settings, and where each value comes from: kfp-launcher,
// KFP's built-in defaults, the StorePolicy, Argo's artifact repository. `inspect` prints it;
// `doctor` checks it. Secret contents never appear: only names, keys and whether they exist.
import { readArtifactRepository } from '../argo/artifact-repository.ts';
import type { ArtifactRepository } from '../argo/artifact-repository.ts';
import { ARTIFACT_REPOSITORIES } from '../argo/artifact-repository.ts';
import type { SnapshotIndex } from '../cluster/snapshot.ts';
import { planContainer } from '../injection/plan.ts';
import { LAUNCHER_CONFIGMAP, readLauncherConfig } from '../kfp/launcher-config.ts';
import type { LauncherConfig } from '../kfp/launcher-config.ts';
import { getStoreSessionInfo } from '../kfp/session.ts';
import { rulesOf } from '../kfp/version-source.ts';
import type { StoreSession } from '../kfp/session.ts';
import { resolveProfile } from '../policy/resolve.ts';
import type { StorePolicy } from '../policy/schema.ts';

export const PROFILE_LABEL = 'pipelines.kubeflow.org/enabled';
export const PART_OF_LABEL = 'app.kubernetes.io/part-of';

export interface SecretKeyRef {
  role: string;
  key: string;
  present: boolean;
}

export interface SecretUse {
  name: string;
  /** Meaningful only when `unreadable` is absent. */
  exists: boolean;
  keys: SecretKeyRef[];
  /** It could not be read (RBAC): whether it exists is unknown. */
  unreadable?: Unreadable;
}

/** Why something could not be read, and the `kubectl auth can-i` for the permission it needs. */
export interface Unreadable {
  reason: string;
  check: string;
}

export interface NamespaceView {
  namespace: string;
  profile: boolean;
  labels: { enabled?: string; partOf?: string };
  launcher: { present: boolean; resourceVersion?: string };
  pipelineRoot: { value: string; source: string };
  session: { ok: true; value: StoreSession; source: string } | { ok: false; error: string; panic: boolean };
  credentials: { source: string; secret?: SecretUse };
  argo: {
    source: string;
    key?: string;
    bucket?: string;
    endpoint?: string;
    region?: string;
    insecure?: boolean;
    keyFormat?: string;
    secret?: SecretUse;
    problem?: string;
  };
  policy?: {
    pipelineRoot: string;
    bucket: string;
    endpoint?: string;
    region?: string;
    auth: string;
    inject: string[];
    sources: Record<string, string>;
  };
  /** Objects that decide this view but could not be read (RBAC): the view shows KFP's defaults for them. */
  unreadable?: { kind: 'ConfigMap'; name: string; why: Unreadable }[];
}

export function isProfileNamespace(labels: Record<string, string> | undefined): boolean {
  return labels?.[PROFILE_LABEL] === 'true';
}

/** The namespace's kfp-launcher as KFP reads it; doctor reads it once and hands it to every check. */
export function launcherConfigOf(index: SnapshotIndex, namespace: string): LauncherConfig {
  return readLauncherConfig(index.configMap(namespace, LAUNCHER_CONFIGMAP)?.data, rulesOf(index.snapshot.kfp));
}

export function namespaceView(
  index: SnapshotIndex,
  namespace: string,
  policy?: StorePolicy,
  config: LauncherConfig = launcherConfigOf(index, namespace),
): NamespaceView {
  const ns = index.namespace(namespace);
  const labels = ns?.metadata.labels ?? {};
  const cm = index.configMap(namespace, LAUNCHER_CONFIGMAP);
  const result = getStoreSessionInfo(config, config.defaultPipelineRoot);
  const view: NamespaceView = {
    namespace,
    profile: isProfileNamespace(labels),
    labels: pick({ enabled: labels[PROFILE_LABEL], partOf: labels[PART_OF_LABEL] }),
    launcher: cm === undefined ? { present: false } : pick({ present: true, resourceVersion: cm.metadata.resourceVersion }),
    pipelineRoot: {
      value: config.defaultPipelineRoot,
      source: config.rootFromConfigMap ? 'kfp-launcher data.defaultPipelineRoot' : 'KFP default (no defaultPipelineRoot)',
    },
    session: result.ok
      ? {
          ok: true,
          value: result.session,
          source: sessionSource(config.providersText, result.session, config.defaultPipelineRoot, result.override),
        }
      : { ok: false, error: result.error, panic: result.panic },
    credentials: result.ok ? credentials(index, namespace, result.session) : { source: 'none (KFP cannot compute a session)' },
    argo: argoView(index, namespace),
  };
  const unreadable = [LAUNCHER_CONFIGMAP, ARTIFACT_REPOSITORIES].flatMap((name) => {
    const why = index.unknown('ConfigMap', namespace, name);
    return why === undefined ? [] : [{ kind: 'ConfigMap' as const, name, why }];
  });
  if (unreadable.length > 0) view.unreadable = unreadable;
  if (policy !== undefined) {
    const store = resolveProfile(policy, namespace);
    const plan = planContainer({ name: 'main' }, store);
    const auth =
      store.auth.kind === 'secret'
        ? `secret ${store.auth.name}`
        : store.auth.kind === 'webIdentity'
          ? `webIdentity ${store.auth.roleArn}`
          : 'fromEnv';
    view.policy = pick({
      pipelineRoot: store.pipelineRoot,
      bucket: store.bucket,
      endpoint: store.endpoint,
      region: store.region,
      auth,
      inject: plan.env.map((e) => e.name),
      sources: store.sources,
    });
  }
  return view;
}

function sessionSource(providersText: string | undefined, session: StoreSession, root: string, override: number | undefined): string {
  if (root.includes('?')) return 'query string in the root (fromEnv; providers ignored)';
  if (override !== undefined) return `kfp-launcher providers ${session.provider}.overrides[${override}]`;
  if (providersText === undefined || providersText === '') {
    return session.provider === 'minio' ? 'KFP built-in minio session (no providers)' : 'KFP fallback: fromEnv (no providers)';
  }
  return session.params.fromEnv === 'true' && session.params.endpoint === undefined
    ? `KFP fallback: fromEnv (no '${session.provider}' provider)`
    : `kfp-launcher providers ${session.provider}.default`;
}

function credentials(index: SnapshotIndex, namespace: string, session: StoreSession): NamespaceView['credentials'] {
  const p = session.params;
  if (p.fromEnv === 'true')
    return {
      source: session.provider === 'gs' ? 'pod environment (Application Default Credentials)' : 'pod environment (AWS SDK default chain)',
    };
  const name = p.secretName ?? '';
  const roles: [string, string][] =
    session.provider === 'gs'
      ? [['tokenKey', p.tokenKey ?? '']]
      : [
          ['accessKeyKey', p.accessKeyKey ?? ''],
          ['secretKeyKey', p.secretKeyKey ?? ''],
        ];
  return { source: `Secret ${name} (read by the launcher through the Kubernetes API)`, secret: secretUse(index, namespace, name, roles) };
}

export function secretUse(index: SnapshotIndex, namespace: string, name: string, roles: [string, string][]): SecretUse {
  const secret = index.secret(namespace, name);
  const use: SecretUse = {
    name,
    exists: secret !== undefined,
    keys: roles.map(([role, key]) => ({
      role,
      key,
      present: secret !== undefined && secret.values[key] !== undefined && !(secret.values[key]?.empty ?? true),
    })),
  };
  const why = secret === undefined ? index.unknown('Secret', namespace, name) : undefined;
  if (why !== undefined) use.unreadable = why;
  return use;
}

function argoView(index: SnapshotIndex, namespace: string): NamespaceView['argo'] {
  const repo = readArtifactRepository(index.configMap(namespace, ARTIFACT_REPOSITORIES));
  if (!repo.ok)
    return {
      source: repo.problem === 'missing' ? 'workflow-controller default (no artifact-repositories)' : `ConfigMap ${ARTIFACT_REPOSITORIES}`,
      problem: repo.detail,
    };
  const s3 = (repo.repository as ArtifactRepository).s3;
  const view: NamespaceView['argo'] = pick({
    source: `ConfigMap ${ARTIFACT_REPOSITORIES} key ${repo.key}`,
    key: repo.key,
    bucket: s3?.bucket,
    endpoint: s3?.endpoint,
    region: s3?.region,
    insecure: s3?.insecure,
    keyFormat: s3?.keyFormat,
  });
  const ak = s3?.accessKeySecret;
  const sk = s3?.secretKeySecret;
  if (ak !== undefined && sk !== undefined && ak.name === sk.name)
    view.secret = secretUse(index, namespace, ak.name, [
      ['accessKeySecret', ak.key],
      ['secretKeySecret', sk.key],
    ]);
  else if (ak !== undefined) view.secret = secretUse(index, namespace, ak.name, [['accessKeySecret', ak.key]]);
  return view;
}

// Drops undefined members so JSON/YAML output has no `null`s and types stay exact.
function pick<T extends Record<string, unknown>>(o: T): { [K in keyof T]: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]: Exclude<T[K], undefined> };
}
