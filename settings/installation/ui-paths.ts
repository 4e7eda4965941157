// How the KFP UI reaches each profile namespace's artifacts, for the release in use: directly with
// its own store settings, directly with the namespace's store session (providerInfo, 2.3-2.16), or
// through the namespace's artifact proxy. One decider for doctor's checks, the RBAC questions the
// edge asks and --probe's choice of endpoint and credentials.
import type { DeploymentObject, ServiceObject, SnapshotIndex } from '../cluster/snapshot.ts';
import { isProfileNamespace, namespaceView } from '../inspect/namespace-view.ts';
import type { StoreSession } from '../kfp/session.ts';
import { uiRules } from '../kfp/ui-rules.ts';
import type { UiRules } from '../kfp/ui-rules.ts';
import { rulesOf } from '../kfp/version-source.ts';
import { endpointKey } from './checks.ts';
import type { InstallationSettings, Setting, UiAccess } from './settings.ts';

/** A service account that must be able to get the namespace's store Secret for the UI to show its artifacts. */
export interface SecretReader {
  serviceAccount: { namespace: string; name: string };
  secret: string;
  /** Who reads it and why, for messages. */
  role: string;
}

export interface ProfileUiPath {
  namespace: string;
  session: StoreSession;
  /** The Secret the launcher's session names (fromEnv false), or undefined (pod environment). */
  secret?: string;
  /** The namespace store's endpoint as the launcher uses it ("AWS S3" for amazonaws.com or none). */
  storeEndpoint: string;
  /** The endpoint the UI reads this scheme from with its own settings. */
  uiEndpoint: Setting;
  /** The UI's own settings point at the namespace's store: its own credentials are used there. */
  sameStore: boolean;
  /** The proxy's objects in the namespace, when the UI is set to proxy. */
  proxy?: { deployment?: DeploymentObject; service?: ServiceObject };
  /** Where the UI (or its proxy) reads the namespace's Secret on this release. */
  secretReader?: SecretReader;
  /** The artifact request goes to this namespace's Secret-backed session (providerInfo honoured). */
  readsWithSession: boolean;
}

const AWS = 'AWS S3';

export function uiRulesOf(index: SnapshotIndex): UiRules {
  return uiRules(rulesOf(index.snapshot.kfp).version);
}

/** Every profile namespace (label pipelines.kubeflow.org/enabled=true) whose launcher session KFP computes, for minio:// and s3://. */
export function profileUiPaths(index: SnapshotIndex, s: InstallationSettings): ProfileUiPath[] {
  const ui = s.ui;
  if (ui === undefined) return [];
  const rules = uiRulesOf(index);
  const out: ProfileUiPath[] = [];
  for (const ns of index.snapshot.namespaces) {
    const name = ns.metadata.name;
    if (name === s.namespace || !isProfileNamespace(ns.metadata.labels)) continue;
    const view = namespaceView(index, name);
    if (!view.session.ok) continue;
    const session = view.session.value;
    if (session.provider === 'gs') continue;
    const uiEndpoint = session.provider === 'minio' ? ui.minio.endpoint : ui.s3.endpoint;
    const uiSetting = uiEndpoint ?? { value: 's3.amazonaws.com', from: 'AWS_S3_ENDPOINT unset (UI default)' };
    const storeEndpoint = comparable(session.params.endpoint, name);
    const path: ProfileUiPath = {
      namespace: name,
      session,
      storeEndpoint: storeEndpoint,
      uiEndpoint: uiSetting,
      sameStore: storeEndpoint === comparable(uiSetting.value, s.namespace),
      readsWithSession: false,
    };
    const secret = session.params.fromEnv === 'false' ? session.params.secretName : undefined;
    if (secret !== undefined && secret !== '') path.secret = secret;
    if (ui.access.proxy.enabled) path.proxy = proxyObjects(index, name, ui.access);
    decideReader(path, rules, ui.access, s.namespace);
    out.push(path);
  }
  return out;
}

/** host[:port] for comparing stores; every amazonaws.com endpoint (or none, for s3://) is AWS S3. */
function comparable(endpoint: string | undefined, namespace: string): string {
  if (endpoint === undefined || endpoint === '') return AWS;
  const key = endpointKey(endpoint, namespace);
  return /(^|\.)amazonaws\.com(:\d+)?$/.test(key) ? AWS : key;
}

function proxyObjects(index: SnapshotIndex, namespace: string, access: UiAccess): NonNullable<ProfileUiPath['proxy']> {
  const at = <T extends { metadata: { name: string; namespace?: string } }>(items: T[]): T | undefined =>
    items.find((o) => o.metadata.namespace === namespace && o.metadata.name === access.proxy.serviceName);
  const deployment = at(index.snapshot.deployments);
  const service = at(index.snapshot.services);
  return { ...(deployment !== undefined ? { deployment } : {}), ...(service !== undefined ? { service } : {}) };
}

// artifacts.ts: with the proxy on, a request naming a namespace is proxied and the proxy's namespace
// is its own (providerInfo honoured, FRONTEND_SERVER_NAMESPACE = the namespace from 2.15); without
// it, the UI honours providerInfo for a user namespace on 2.3-2.16 only.
function decideReader(path: ProfileUiPath, rules: UiRules, access: UiAccess, installNs: string): void {
  if (!rules.providerInfo || path.secret === undefined) return;
  if (access.proxy.enabled) {
    const d = path.proxy?.deployment;
    if (d === undefined) return;
    path.readsWithSession = true;
    path.secretReader = {
      serviceAccount: { namespace: path.namespace, name: d.spec?.template?.spec?.serviceAccountName ?? 'default' },
      secret: path.secret,
      role: `the artifact proxy ${access.proxy.serviceName} (its service account)`,
    };
    return;
  }
  if (rules.providerInfoOwnNamespaceOnly) return;
  path.readsWithSession = true;
  path.secretReader = {
    serviceAccount: { namespace: installNs, name: access.serviceAccount },
    secret: path.secret,
    role: "ml-pipeline-ui (KFP 2.3-2.16 reads the Secret named in each artifact's providerInfo)",
  };
}
