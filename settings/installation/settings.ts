// The storage settings of a KFP installation (the `kubeflow` namespace), per component, as each
// component reads them. Sources (KFP's code at the tags named):
// - API server (Deployment ml-pipeline): viper maps ObjectStoreConfig.Host/Port/Region/BucketName to
//   OBJECTSTORECONFIG_HOST/PORT/REGION/BUCKETNAME (backend/src/apiserver/client_manager); up to 2.14
//   an unset host/port/region falls back to MINIO_SERVICE_SERVICE_HOST/PORT and MINIO_SERVICE_REGION,
//   the Service links of Service minio-service; from 2.15 the host is required. BucketName defaults to
//   config.json's "mlpipeline".
// - UI (Deployment ml-pipeline-ui): minio:// artifacts from MINIO_HOST.MINIO_NAMESPACE:MINIO_PORT
//   (defaults minio-service up to 2.15 and seaweedfs from 2.16, kubeflow, 9000), s3:// from AWS_S3_ENDPOINT and AWS_REGION (defaults
//   s3.amazonaws.com, us-east-1): frontend/server/configs.ts at 2.2.0-2.17.0.
// - Argo (ConfigMap workflow-controller-configmap, key artifactRepository): s3.endpoint/bucket/region.
// - A standalone install's kfp-launcher in kubeflow: the bucket of defaultPipelineRoot.
import { parse } from 'yaml';
import { repositorySchema } from '../argo/artifact-repository.ts';
import type { ClusterSnapshot, ConfigMapObject, DeploymentObject } from '../cluster/snapshot.ts';
import type { ObjectRef } from '../doctor/finding.ts';
import { LAUNCHER_CONFIGMAP } from '../kfp/launcher-config.ts';
import { KFP_DEFAULT_PIPELINE_ROOT, parsePipelineRoot } from '../kfp/pipeline-root.ts';
import { compareVersions, parseKfpVersion } from '../kfp/versions.ts';
import { containerEnv, mainContainer } from './env.ts';
import type { EnvValue } from './env.ts';

export const API_SERVER = 'ml-pipeline';
export const UI = 'ml-pipeline-ui';
export const INSTALL_CONFIG = 'pipeline-install-config';
export const WORKFLOW_CONTROLLER_CONFIGMAP = 'workflow-controller-configmap';

export type Component = 'API server' | 'UI' | 'Argo' | 'kfp-launcher';

/** One setting and where it was read (never a Secret value). */
export interface Setting {
  value: string;
  from: string;
}

export interface ComponentStore {
  component: Component;
  object: ObjectRef;
  endpoint?: Setting;
  bucket?: Setting;
  region?: Setting;
  /** kfp-launcher only: the scheme of its root (minio or s3). */
  scheme?: string;
}

/** A literal the placeholder check scans, with the env names it may legitimately reference. */
export interface ScannedValue {
  object: ObjectRef;
  from: string;
  value: string;
  /** Env vars defined earlier in the same container: `$(NAME)` of these is Kubernetes expansion. */
  envBefore?: string[];
}

/** How ml-pipeline-ui serves a profile namespace's artifacts (frontend/server/configs.ts, artifacts.ts). */
export interface UiAccess {
  /** ARTIFACTS_SERVICE_PROXY_ENABLED is "true": requests with a namespace go to the per-namespace proxy. */
  proxy: { enabled: boolean; from: string; serviceName: string; port: string };
  /** The UI's own service account (Deployment serviceAccountName; KFP's manifests: ml-pipeline-ui). */
  serviceAccount: string;
  /** Multi-user (Kubeflow) mode: DEPLOYMENT=KUBEFLOW or ENABLE_AUTHZ=true, as KFP's multi-user overlay sets. */
  multiUser: boolean;
  /** The UI container's environment (Secret values unresolved): its MINIO_* and AWS_* reader settings. */
  env: Map<string, EnvValue>;
}

export interface InstallationSettings {
  namespace: string;
  /** What the API server, Argo and the launcher store to (the UI's minio:// reader is separate). */
  stores: ComponentStore[];
  /** The UI's reader for minio:// artifacts and for s3:// artifacts, and how it reaches profile namespaces. */
  ui?: { minio: ComponentStore; s3: ComponentStore; access: UiAccess };
  scanned: ScannedValue[];
  /** Storage objects found, by kind/name, for the summary. */
  found: ObjectRef[];
  /** Settings that keep a component from starting, with why. */
  blocking: { object: ObjectRef; from: string; why: string; fix: string }[];
}

export function installationSettings(snapshot: ClusterSnapshot, namespace: string): InstallationSettings {
  const cm = (name: string): ConfigMapObject | undefined =>
    snapshot.configMaps.find((c) => c.metadata.name === name && (c.metadata.namespace ?? namespace) === namespace);
  const dep = (name: string): DeploymentObject | undefined =>
    snapshot.deployments.find((d) => d.metadata.name === name && (d.metadata.namespace ?? namespace) === namespace);
  const out: InstallationSettings = { namespace, stores: [], scanned: [], found: [], blocking: [] };
  const serviceLinks = apiServerServiceLinks(snapshot.kfp?.version);

  const api = dep(API_SERVER);
  if (api !== undefined) {
    const env = scanDeployment(api, cm, out);
    const object = { kind: 'Deployment', name: API_SERVER };
    const pick = (names: string[]): Setting | undefined => firstValue(env, names);
    const host =
      pick(serviceLinks ? ['OBJECTSTORECONFIG_HOST', 'MINIO_SERVICE_SERVICE_HOST'] : ['OBJECTSTORECONFIG_HOST']) ??
      (serviceLinks
        ? { value: `minio-service.${namespace}`, from: 'the Service links of Service minio-service (KFP <= 2.14)' }
        : undefined);
    const port =
      pick(serviceLinks ? ['OBJECTSTORECONFIG_PORT', 'MINIO_SERVICE_SERVICE_PORT'] : ['OBJECTSTORECONFIG_PORT']) ??
      (serviceLinks ? { value: '9000', from: 'the Service links of Service minio-service (KFP <= 2.14)' } : undefined);
    const store: ComponentStore = { component: 'API server', object };
    // Only for a known release: an assumed one (a custom image tag) may well be <= 2.14.
    if (!serviceLinks && snapshot.kfp !== undefined && snapshot.kfp.source !== 'assumed' && !env.has('OBJECTSTORECONFIG_HOST'))
      out.blocking.push({
        object,
        from: 'env OBJECTSTORECONFIG_HOST',
        why: `is not set: from KFP 2.15 the API server exits with "ObjectStoreConfig.Host is required" (release ${snapshot.kfp.version})`,
        fix: 'set env OBJECTSTORECONFIG_HOST and OBJECTSTORECONFIG_PORT on Deployment ml-pipeline to the object store (KFP 2.15 manifests: minio-service.kubeflow, 9000)',
      });
    if (host !== undefined)
      store.endpoint = port === undefined ? host : { value: `${host.value}:${port.value}`, from: `${host.from}, ${port.from}` };
    store.bucket = pick(['OBJECTSTORECONFIG_BUCKETNAME']) ?? { value: 'mlpipeline', from: "the API server's config.json default" };
    const region = pick(serviceLinks ? ['OBJECTSTORECONFIG_REGION', 'MINIO_SERVICE_REGION'] : ['OBJECTSTORECONFIG_REGION']);
    if (region !== undefined) store.region = region;
    out.stores.push(store);
  }

  const wc = cm(WORKFLOW_CONTROLLER_CONFIGMAP);
  if (wc !== undefined) {
    scanConfigMap(wc, out);
    const s3 = argoS3(wc.data?.artifactRepository);
    if (s3 !== undefined) {
      const from = (field: string): string => `artifactRepository s3.${field}`;
      const store: ComponentStore = { component: 'Argo', object: { kind: 'ConfigMap', name: WORKFLOW_CONTROLLER_CONFIGMAP } };
      if (s3.endpoint !== undefined) store.endpoint = { value: s3.endpoint, from: from('endpoint') };
      if (s3.bucket !== undefined) store.bucket = { value: s3.bucket, from: from('bucket') };
      if (s3.region !== undefined) store.region = { value: s3.region, from: from('region') };
      out.stores.push(store);
    }
  }

  const launcher = cm(LAUNCHER_CONFIGMAP);
  if (launcher !== undefined) {
    scanConfigMap(launcher, out);
    // Empty is unset: KFP uses its default root (settings/kfp/launcher-config.ts).
    const declared = launcher.data?.defaultPipelineRoot || undefined;
    const root = parsePipelineRoot(declared ?? KFP_DEFAULT_PIPELINE_ROOT);
    if (root.ok && (root.value.scheme === 'minio' || root.value.scheme === 's3'))
      out.stores.push({
        component: 'kfp-launcher',
        object: { kind: 'ConfigMap', name: LAUNCHER_CONFIGMAP },
        scheme: root.value.scheme,
        bucket: { value: root.value.bucket, from: declared === undefined ? "KFP's default root" : 'defaultPipelineRoot' },
      });
  }

  const installConfig = cm(INSTALL_CONFIG);
  if (installConfig !== undefined) scanConfigMap(installConfig, out);

  const ui = dep(UI);
  if (ui !== undefined) {
    const env = scanDeployment(ui, cm, out);
    const object = { kind: 'Deployment', name: UI };
    const or = (name: string, fallback: string): Setting =>
      firstValue(env, [name]) ?? { value: fallback, from: `${name} unset (UI default)` };
    const host = or('MINIO_HOST', uiDefaultMinioHost(snapshot.kfp?.version));
    const ns = or('MINIO_NAMESPACE', 'kubeflow');
    const port = or('MINIO_PORT', '9000');
    const minioHost = ns.value === '' ? host.value : `${host.value}.${ns.value}`;
    const s3: ComponentStore = { component: 'UI', object };
    const endpoint = firstValue(env, ['AWS_S3_ENDPOINT']);
    if (endpoint !== undefined) s3.endpoint = endpoint;
    const region = firstValue(env, ['AWS_REGION']);
    if (region !== undefined) s3.region = region;
    out.ui = {
      minio: {
        component: 'UI',
        object,
        endpoint: { value: `${minioHost}:${port.value}`, from: `${host.from}, ${ns.from}, ${port.from}` },
      },
      s3,
      access: uiAccess(ui, env),
    };
  }
  return out;

  function scanDeployment(d: DeploymentObject, lookup: (name: string) => ConfigMapObject | undefined, into: InstallationSettings) {
    into.found.push({ kind: 'Deployment', name: d.metadata.name });
    const container = mainContainer(d, [d.metadata.name]);
    if (container === undefined) return new Map<string, EnvValue>();
    const env = containerEnv(d, container, lookup);
    const before: string[] = [];
    for (const [name, v] of env) {
      if (v.kind === 'unresolved' && v.optional !== true && v.missing !== undefined) {
        // Offline, a tree may simply not hold the ConfigMap; a missing key of one it holds is certain.
        if (v.missing === 'key' || snapshot.source === 'cluster')
          into.blocking.push({
            object: { kind: 'Deployment', name: d.metadata.name },
            from: v.from,
            why: `names a ${v.missing === 'key' ? 'key the ConfigMap does not have' : 'ConfigMap that does not exist'}: the pod cannot start (CreateContainerConfigError)`,
            fix: `add key ${v.ref?.key ?? ''} to ConfigMap ${v.ref?.name ?? ''}${v.missing === 'configmap' ? ' (create it)' : ''}, or mark the reference optional`,
          });
      }
      if (v.kind === 'value')
        into.scanned.push({ object: { kind: 'Deployment', name: d.metadata.name }, from: v.from, value: v.value, envBefore: [...before] });
      before.push(name);
    }
    return env;
  }
}

function uiAccess(ui: DeploymentObject, env: Map<string, EnvValue>): UiAccess {
  const value = (name: string): string | undefined => firstValue(env, [name])?.value;
  const enabled = firstValue(env, ['ARTIFACTS_SERVICE_PROXY_ENABLED']);
  return {
    proxy: {
      enabled: enabled?.value.toLowerCase() === 'true',
      from: enabled?.from ?? 'ARTIFACTS_SERVICE_PROXY_ENABLED unset (UI default false)',
      serviceName: value('ARTIFACTS_SERVICE_PROXY_NAME') ?? 'ml-pipeline-ui-artifact',
      port: value('ARTIFACTS_SERVICE_PROXY_PORT') ?? '80',
    },
    serviceAccount: ui.spec?.template?.spec?.serviceAccountName ?? 'default',
    multiUser: value('DEPLOYMENT') === 'KUBEFLOW' || value('ENABLE_AUTHZ')?.toLowerCase() === 'true',
    env,
  };
}

/** The UI's MINIO_HOST default (frontend/server/configs.ts): seaweedfs from 2.16, minio-service before; unknown is the newest. */
function uiDefaultMinioHost(version: string | undefined): string {
  const v = version === undefined ? undefined : parseKfpVersion(version);
  return v !== undefined && compareVersions(v, { major: 2, minor: 16, patch: 0 }) < 0 ? 'minio-service' : 'seaweedfs';
}

/** Up to 2.14 the API server falls back to minio-service's Service links; an unknown version is treated as the newest. */
function apiServerServiceLinks(version: string | undefined): boolean {
  const v = version === undefined ? undefined : parseKfpVersion(version);
  return v !== undefined && compareVersions(v, { major: 2, minor: 15, patch: 0 }) < 0;
}

function firstValue(env: Map<string, EnvValue>, names: string[]): Setting | undefined {
  for (const name of names) {
    const v = env.get(name);
    if (v?.kind === 'value') return { value: v.value, from: v.from };
  }
  return undefined;
}

function scanConfigMap(c: ConfigMapObject, into: InstallationSettings): void {
  into.found.push({ kind: 'ConfigMap', name: c.metadata.name });
  for (const [key, value] of Object.entries(c.data ?? {}))
    into.scanned.push({ object: { kind: 'ConfigMap', name: c.metadata.name }, from: `key ${key}`, value: withoutComments(value) });
}

/** YAML comments in a ConfigMap value are not settings (KFP's own explain `$(kfp-namespace)` in one). */
function withoutComments(text: string): string {
  return text
    .split('\n')
    .filter((line) => !/^\s*#/.test(line))
    .join('\n');
}

function argoS3(text: string | undefined): { endpoint?: string; bucket?: string; region?: string } | undefined {
  if (text === undefined) return undefined;
  try {
    const r = repositorySchema.safeParse(parse(text));
    return r.success ? r.data.s3 : undefined;
  } catch {
    return undefined;
  }
}
