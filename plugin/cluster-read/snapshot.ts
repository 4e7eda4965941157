// Reads a live cluster into a ClusterSnapshot. With the usual permissions it is a fixed set of LIST
// requests (paginated), never one request per namespace: 1,000 profiles cost the same handful of
// round trips as one. Where a cluster-wide read is refused, scoped-read.ts falls back to bounded
// per-namespace reads and records what stayed unreadable in which namespace.
import type { ClusterSnapshot, ConfigMapObject, KubeObject, PartialRead } from '../../settings/cluster/snapshot.ts';
import { emptySnapshot, indexSnapshot } from '../../settings/cluster/snapshot.ts';
import { workflowSummary } from '../../settings/cluster/workflow-summary.ts';
import { ARTIFACT_REPOSITORIES } from '../../settings/argo/artifact-repository.ts';
import { overlappingOthers } from '../../settings/doctor/checks/tenancy.ts';
import { namespaceView } from '../../settings/inspect/namespace-view.ts';
import { LAUNCHER_CONFIGMAP } from '../../settings/kfp/launcher-config.ts';
import type { KfpVersionInfo } from '../../settings/kfp/version-source.ts';
import { networkPolicy } from '../manifests/network-policy.ts';
import { secretInfo } from '../secrets/facts.ts';
import { ApiError } from '../../kube-client/api.ts';
import type { KubeApi } from '../../kube-client/api.ts';
import { readScoped, refusal } from './scoped-read.ts';

const CONFIGMAPS = [LAUNCHER_CONFIGMAP, ARTIFACT_REPOSITORIES, 'metadata-grpc-configmap'];
const KFP_NAMESPACE = 'kubeflow';
const PIPELINE_POD_SELECTOR = 'pipelines.kubeflow.org/v2_component=true';
const ADMIN_SECRET = 'mlpipeline-minio-artifact';
/** With -n, the Secrets of at most this many overlapping other namespaces are read to compare keys. */
const MAX_OTHERS = 20;

export interface SnapshotScope {
  /** One namespace, or every namespace when undefined. */
  namespace?: string;
  /** Label selector for namespaces (with -A). */
  selector?: string;
  serviceAccounts?: boolean;
  workflows?: boolean;
  /** KFP recurring runs only (their service accounts), without Workflows. */
  scheduledWorkflows?: boolean;
  /** Keep decoded Secret values (probes authenticate with them); otherwise only fingerprints. */
  secretValues?: boolean;
  /** The KFP release whose rules apply (plugin/cluster-read/kfp-version.ts). */
  kfp?: KfpVersionInfo;
  /** NetworkPolicies of the namespaces in scope (storeUnreachable). */
  networkPolicies?: boolean;
  /** Pipeline pods (label pipelines.kubeflow.org/v2_component=true), metadata only. */
  pods?: boolean;
}

type RawSecret = { metadata: KubeObject['metadata']; type?: string; data?: Record<string, string> };

export interface LiveSnapshot {
  snapshot: ClusterSnapshot;
  /** Raw Secrets (values included) stay at the edge, for probes that must authenticate. */
  rawSecrets: Map<string, { data?: Record<string, string> }>;
}

export async function readCluster(api: KubeApi, scope: SnapshotScope): Promise<LiveSnapshot> {
  const snap = emptySnapshot('cluster');
  if (scope.kfp !== undefined) snap.kfp = scope.kfp;
  const ns = scope.namespace;
  const all = ns === undefined;
  if (all) {
    snap.namespaces = await api.list<KubeObject>('/api/v1/namespaces', scope.selector ? { labelSelector: scope.selector } : {});
  } else {
    snap.namespaces = await readNamespace(api, ns, snap.partial);
  }
  const names = all ? snap.namespaces.map((n) => n.metadata.name) : [ns];
  const inScope = new Set(names);
  const core = { base: '/api/v1', namespaces: names, clusterWide: all };
  for (const name of CONFIGMAPS) {
    const r = await readScoped<ConfigMapObject>(api, { ...core, kind: 'ConfigMap', plural: 'configmaps', name });
    snap.configMaps.push(...r.items);
    snap.partial.push(...r.partial);
  }
  if (!all) await readOtherLaunchers(api, snap, ns);

  // Secrets: one LIST holds every Secret of the cluster, so keep only those in scope; their values
  // only when a probe needs them. Without list rights, the names the checks need are read one by one.
  const rawSecrets = new Map<string, { data?: Record<string, string> }>();
  const keep = (s: RawSecret): void => {
    const owner = s.metadata.namespace ?? '';
    if (scope.secretValues) rawSecrets.set(`${owner}/${s.metadata.name}`, s);
    snap.secrets.push(secretInfo(s));
  };
  const referenced = referencedSecrets(snap);
  const secrets = await readScoped<RawSecret>(api, { ...core, kind: 'Secret', plural: 'secrets', namesFor: referenced });
  for (const s of secrets.items) if (inScope.has(s.metadata.namespace ?? '') || isAdmin(s)) keep(s);
  snap.partial.push(...secrets.partial);
  if (!snap.secrets.some((s) => isAdmin(s)) && !inScope.has(KFP_NAMESPACE)) {
    const admin = await getOptional<RawSecret>(api, `/api/v1/namespaces/${KFP_NAMESPACE}/secrets/${ADMIN_SECRET}`);
    if (admin !== undefined) keep(admin);
  }
  // With -n, namespaces whose roots overlap this one's: their Secret tells whether the keys are shared too.
  if (!all) {
    for (const other of overlappingOthers(indexSnapshot(snap), ns).slice(0, MAX_OTHERS)) {
      for (const name of referenced(other)) {
        try {
          snap.secrets.push(
            secretInfo(await api.get<RawSecret>(`/api/v1/namespaces/${encodeURIComponent(other)}/secrets/${encodeURIComponent(name)}`)),
          );
        } catch (e) {
          if (e instanceof ApiError && e.status === 404) continue;
          const why = refusal(e);
          if (why === undefined) throw e;
          snap.partial.push({
            kind: 'Secret',
            namespace: other,
            name,
            reason: why,
            check: `kubectl auth can-i get secrets/${name} --namespace ${other}`,
            known: [],
          });
        }
      }
    }
  }
  if (scope.serviceAccounts) {
    const r = await readScoped<KubeObject>(api, { ...core, kind: 'ServiceAccount', plural: 'serviceaccounts' });
    snap.serviceAccounts = r.items;
    snap.partial.push(...r.partial);
  }
  if (scope.pods) {
    const r = await readScoped<KubeObject>(api, { ...core, kind: 'Pod', plural: 'pods', labelSelector: PIPELINE_POD_SELECTOR });
    snap.pods = r.items.map((p) => ({
      metadata: {
        name: p.metadata.name,
        ...(p.metadata.namespace !== undefined ? { namespace: p.metadata.namespace } : {}),
        ...(p.metadata.annotations !== undefined ? { annotations: p.metadata.annotations } : {}),
      },
    }));
    snap.partial.push(...r.partial);
  }
  if (scope.networkPolicies) {
    const r = await readScoped<KubeObject & { spec?: unknown }>(api, {
      ...core,
      kind: 'NetworkPolicy',
      base: '/apis/networking.k8s.io/v1',
      plural: 'networkpolicies',
    });
    snap.networkPolicies = r.items
      .filter((p) => inScope.has(p.metadata.namespace ?? ''))
      .map((p) => networkPolicy({ spec: p.spec }, p.metadata, `NetworkPolicy ${p.metadata.namespace ?? ''}/${p.metadata.name}`));
    snap.partial.push(...r.partial);
  }
  if (scope.workflows || scope.scheduledWorkflows) {
    // 404: the CRD is not installed (no Argo, or no KFP).
    const custom = async (kind: 'Workflow' | 'ScheduledWorkflow', base: string, plural: string): Promise<KubeObject[]> => {
      try {
        const r = await readScoped<KubeObject>(api, { ...core, kind, base, plural });
        snap.partial.push(...r.partial);
        return r.items;
      } catch (e) {
        if (e instanceof ApiError && e.status === 404) return [];
        throw e;
      }
    };
    if (scope.workflows)
      snap.workflows = (await custom('Workflow', '/apis/argoproj.io/v1alpha1', 'workflows')).map((w) => workflowSummary(w));
    snap.scheduledWorkflows = (await custom('ScheduledWorkflow', '/apis/kubeflow.org/v1beta1', 'scheduledworkflows')).map((w) =>
      workflowSummary(w),
    );
  }
  return { snapshot: snap, rawSecrets };
}

async function readNamespace(api: KubeApi, ns: string, partial: PartialRead[]): Promise<KubeObject[]> {
  try {
    return [await api.get<KubeObject>(`/api/v1/namespaces/${encodeURIComponent(ns)}`)];
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return [];
    const why = refusal(e);
    if (why === undefined) throw e;
    partial.push({ kind: 'Namespace', namespace: ns, name: ns, reason: why, check: `kubectl auth can-i get namespaces/${ns}`, known: [] });
    return [];
  }
}

/** Every namespace's kfp-launcher, so that a root nested in (or containing) this one's is found. */
async function readOtherLaunchers(api: KubeApi, snap: ClusterSnapshot, ns: string): Promise<void> {
  try {
    const all = await api.list<ConfigMapObject>('/api/v1/configmaps', { fieldSelector: `metadata.name=${LAUNCHER_CONFIGMAP}` });
    snap.configMaps.push(...all.filter((c) => c.metadata.namespace !== ns));
  } catch (e) {
    const why = refusal(e);
    if (why === undefined) throw e;
    snap.othersUnread = { reason: why, check: `kubectl auth can-i list configmaps --all-namespaces` };
  }
}

/** The Secrets a namespace's kfp-launcher and Argo repository name (what the checks look at). */
function referencedSecrets(snap: ClusterSnapshot): (namespace: string) => string[] {
  const index = indexSnapshot(snap);
  return (namespace) => {
    const view = namespaceView(index, namespace);
    return [...new Set([view.credentials.secret?.name, view.argo.secret?.name].filter((n): n is string => n !== undefined && n !== ''))];
  };
}

function isAdmin(s: { metadata: KubeObject['metadata'] }): boolean {
  return s.metadata.namespace === KFP_NAMESPACE && s.metadata.name === ADMIN_SECRET;
}

/** A GET where 404 and 403 both mean "not available here" (optional context). */
async function getOptional<T>(api: KubeApi, path: string): Promise<T | undefined> {
  try {
    return await api.get<T>(path);
  } catch (e) {
    if (e instanceof ApiError && (e.status === 404 || e.status === 403)) return undefined;
    throw e;
  }
}
