// What doctor and inspect know about a cluster (or a directory of manifests): plain objects, read
// once by the edge. Secret values never enter the domain: the edge reduces each value to a
// fingerprint plus a few facts (empty, a well-known default), enough to spot shared or default keys.
import type { KfpVersionInfo } from '../kfp/version-source.ts';
import type { NetworkPolicyObject } from '../network/egress.ts';
import type { AuthorizationPolicyObject } from '../installation/istio-policy.ts';
import type { RbacObjects } from '../rbac/authorize.ts';

export interface ObjectMeta {
  name: string;
  namespace?: string;
  uid?: string;
  resourceVersion?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  creationTimestamp?: string;
  /** Who last wrote which fields, and when (`time`, RFC 3339). */
  managedFields?: { manager?: string; time?: string }[];
}

export interface KubeObject {
  metadata: ObjectMeta;
}

export interface ConfigMapObject extends KubeObject {
  data?: Record<string, string>;
  /** `immutable: true`: the API server refuses any change to its data. */
  immutable?: boolean;
}

export interface SecretValueFacts {
  /** SHA-256 of the value, hex; compares values without holding them. */
  fingerprint: string;
  empty: boolean;
  /** A publicly known default (e.g. MinIO's `minio`/`minio123`), by name. */
  wellKnown?: string;
}

export interface SecretInfo extends KubeObject {
  type?: string;
  values: Record<string, SecretValueFacts>;
  /** Data keys whose value is not valid base64 (manifests only; the API server rejects them). */
  invalidKeys: string[];
  immutable?: boolean;
}

export interface ContainerSpec {
  name: string;
  image?: string;
  env?: { name: string; value?: string; valueFrom?: unknown }[];
}

export interface DeploymentObject extends KubeObject {
  spec?: {
    replicas?: number;
    template?: { metadata?: { labels?: Record<string, string> }; spec?: { serviceAccountName?: string; containers?: ContainerSpec[] } };
  };
  status?: { availableReplicas?: number };
}

export interface ServiceObject extends KubeObject {
  /** Its ports (manifests): NetworkPolicies see the target port, not the Service port. */
  ports?: { port: number; targetPort?: number | string }[];
}

export interface WorkflowObject extends KubeObject {
  status?: { phase?: string };
  /** The pipeline roots it pins (kfp/run-settings.ts), extracted at load so the spec need not be kept. */
  pinnedRoots?: string[];
  /** Some task uses KFP's cache. */
  cacheEnabled?: true;
  /** The service account its runs use, when it names its own (recurring runs, Workflows). */
  serviceAccount?: string;
}

export type Kind =
  | 'Namespace'
  | 'ConfigMap'
  | 'Secret'
  | 'ServiceAccount'
  | 'Deployment'
  | 'Service'
  | 'Workflow'
  | 'ScheduledWorkflow'
  | 'Pod'
  | 'NetworkPolicy';

/** The resource each kind is read as (what `kubectl auth can-i` takes). */
export const RESOURCE_OF: Record<Kind, string> = {
  Namespace: 'namespaces',
  ConfigMap: 'configmaps',
  Secret: 'secrets',
  ServiceAccount: 'serviceaccounts',
  Deployment: 'deployments.apps',
  Service: 'services',
  Workflow: 'workflows.argoproj.io',
  ScheduledWorkflow: 'scheduledworkflows.kubeflow.org',
  Pod: 'pods',
  NetworkPolicy: 'networkpolicies.networking.k8s.io',
};

/** A kind that could not be listed in one namespace (RBAC); names read one by one instead are known. */
export interface PartialRead {
  kind: Kind;
  namespace: string;
  /** The API server's refusal, as it worded it. */
  reason: string;
  /** The `kubectl auth can-i ...` that says whether the permission for the read is there. */
  check: string;
  /** Set when only this name was asked for (a field-selected list): only it is unknown. */
  name?: string;
  /** Names read one by one instead (found, or found absent): these are known. */
  known: string[];
}

export interface ClusterSnapshot {
  source: 'cluster' | 'manifests';
  /** The KFP release whose rules apply, and how it was learnt (settings/kfp/version-source.ts). */
  kfp?: KfpVersionInfo;
  namespaces: KubeObject[];
  configMaps: ConfigMapObject[];
  secrets: SecretInfo[];
  serviceAccounts: KubeObject[];
  deployments: DeploymentObject[];
  /** StatefulSets (KFP's seaweedfs may run as one): from manifests, or live where a check needs them. */
  statefulSets?: DeploymentObject[];
  services: ServiceObject[];
  workflows: WorkflowObject[];
  /** KFP recurring runs (kubeflow.org ScheduledWorkflow), as metadata plus pinned roots. */
  scheduledWorkflows: WorkflowObject[];
  /** Pipeline pods, metadata only (what the webhook recorded on them); read when a check needs them. */
  pods?: KubeObject[];
  /** NetworkPolicies of the namespaces in scope; undefined when they were not read (live without --probe). */
  networkPolicies?: NetworkPolicyObject[];
  /** Istio AuthorizationPolicies, read by doctor --installation for the artifact proxies' namespaces. */
  authorizationPolicies?: AuthorizationPolicyObject[];
  /** Manifests only: the Roles, ClusterRoles and their bindings the files hold (doctor -f evaluates them). */
  rbac?: RbacObjects;
  /** What could not be read in some namespaces (RBAC), after falling back to per-namespace reads. */
  partial: PartialRead[];
  /** With -n: other namespaces' kfp-launchers (for overlapping roots) could not be listed. */
  othersUnread?: { reason: string; check: string };
  /** Manifests only: namespaces objects live in but that no Namespace manifest declares. */
  implicitNamespaces?: string[];
}

export function emptySnapshot(source: ClusterSnapshot['source']): ClusterSnapshot {
  return {
    source,
    namespaces: [],
    configMaps: [],
    secrets: [],
    serviceAccounts: [],
    deployments: [],
    services: [],
    workflows: [],
    scheduledWorkflows: [],
    partial: [],
  };
}

/** Per-namespace lookups over a snapshot, built once. */
export interface SnapshotIndex {
  snapshot: ClusterSnapshot;
  namespace(name: string): KubeObject | undefined;
  configMap(namespace: string, name: string): ConfigMapObject | undefined;
  secret(namespace: string, name: string): SecretInfo | undefined;
  /** Read only when a check needs service accounts (Workload Identity bindings). */
  serviceAccount(namespace: string, name: string): KubeObject | undefined;
  workflows(namespace: string): WorkflowObject[];
  scheduledWorkflows(namespace: string): WorkflowObject[];
  /** Why an object (or, without a name, a kind) in a namespace is unknown; undefined when it was read. */
  unknown(kind: Kind, namespace: string, name?: string): { reason: string; check: string } | undefined;
}

export function indexSnapshot(snapshot: ClusterSnapshot): SnapshotIndex {
  const key = (ns: string | undefined, name: string): string => `${ns ?? ''}/${name}`;
  const byName = <T extends KubeObject>(items: T[]): Map<string, T> =>
    new Map(items.map((o) => [key(o.metadata.namespace, o.metadata.name), o]));
  const byNamespace = <T extends KubeObject>(items: T[]): Map<string, T[]> => {
    const m = new Map<string, T[]>();
    for (const o of items) {
      const ns = o.metadata.namespace ?? '';
      const list = m.get(ns);
      if (list === undefined) m.set(ns, [o]);
      else list.push(o);
    }
    return m;
  };
  const namespaces = new Map(snapshot.namespaces.map((n) => [n.metadata.name, n]));
  const cms = byName(snapshot.configMaps);
  const secrets = byName(snapshot.secrets);
  const sas = byName(snapshot.serviceAccounts);
  const workflows = byNamespace(snapshot.workflows);
  const scheduled = byNamespace(snapshot.scheduledWorkflows);
  const partial = byKey(snapshot.partial, (p) => `${p.kind}/${p.namespace}`);
  return {
    snapshot,
    namespace: (name) => namespaces.get(name),
    configMap: (ns, name) => cms.get(key(ns, name)),
    secret: (ns, name) => secrets.get(key(ns, name)),
    serviceAccount: (ns, name) => sas.get(key(ns, name)),
    workflows: (ns) => workflows.get(ns) ?? [],
    scheduledWorkflows: (ns) => scheduled.get(ns) ?? [],
    unknown: (kind, ns, name) => {
      for (const p of partial.get(`${kind}/${ns}`) ?? []) {
        if (p.name !== undefined ? name === undefined || name === p.name : name === undefined || !p.known.includes(name))
          return { reason: p.reason, check: p.check };
      }
      return undefined;
    },
  };
}

function byKey<T>(items: T[], key: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const t of items) m.set(key(t), [...(m.get(key(t)) ?? []), t]);
  return m;
}
