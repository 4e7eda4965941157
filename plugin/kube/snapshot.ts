// Reads a live cluster into a ClusterSnapshot with a fixed set of LIST requests (paginated), never
// one request per namespace: 1,000 profiles cost the same handful of round trips as one.
import type { ClusterSnapshot, ConfigMapObject, KubeObject } from '../../settings/cluster/snapshot.ts';
import { emptySnapshot } from '../../settings/cluster/snapshot.ts';
import { workflowSummary } from '../../settings/cluster/workflow-summary.ts';
import { ARTIFACT_REPOSITORIES } from '../../settings/argo/artifact-repository.ts';
import { LAUNCHER_CONFIGMAP } from '../../settings/kfp/launcher-config.ts';
import { secretInfo } from '../secrets/facts.ts';
import { ApiError } from '../../kube/api.ts';
import type { KubeApi } from '../../kube/api.ts';

const CONFIGMAPS = [LAUNCHER_CONFIGMAP, ARTIFACT_REPOSITORIES, 'metadata-grpc-configmap'];
const KFP_NAMESPACE = 'kubeflow';

export interface SnapshotScope {
  /** One namespace, or every namespace when undefined. */
  namespace?: string;
  /** Label selector for namespaces (with -A). */
  selector?: string;
  serviceAccounts?: boolean;
  workflows?: boolean;
  /** Keep decoded Secret values (probes authenticate with them); otherwise only fingerprints. */
  secretValues?: boolean;
}

export interface LiveSnapshot {
  snapshot: ClusterSnapshot;
  /** Raw Secrets (values included) stay at the edge, for probes that must authenticate. */
  rawSecrets: Map<string, { data?: Record<string, string> }>;
}

export async function readCluster(api: KubeApi, scope: SnapshotScope): Promise<LiveSnapshot> {
  const snap = emptySnapshot('cluster');
  const ns = scope.namespace;
  const where = (resource: string, group = '/api/v1'): string => (ns === undefined ? `${group}/${resource}` : `${group}/namespaces/${ns}/${resource}`);
  if (ns === undefined) {
    snap.namespaces = await api.list<KubeObject>('/api/v1/namespaces', scope.selector ? { labelSelector: scope.selector } : {});
  } else {
    const one = await api.get<KubeObject>(`/api/v1/namespaces/${ns}`).catch((e: unknown) => {
      if (e instanceof ApiError && e.status === 404) return undefined;
      throw e;
    });
    snap.namespaces = one === undefined ? [] : [one];
  }
  const inScope = new Set(snap.namespaces.map((n) => n.metadata.name));
  if (ns !== undefined) inScope.add(ns);
  for (const name of CONFIGMAPS) snap.configMaps.push(...(await api.list<ConfigMapObject>(where('configmaps'), { fieldSelector: `metadata.name=${name}` })));
  const rawSecrets = new Map<string, { data?: Record<string, string> }>();
  const secretSources = ns === undefined || ns === KFP_NAMESPACE ? [where('secrets')] : [where('secrets'), `/api/v1/namespaces/${KFP_NAMESPACE}/secrets`];
  try {
    for (const path of secretSources) {
      const query: Record<string, string> = path.includes(`/namespaces/${KFP_NAMESPACE}/`) && ns !== KFP_NAMESPACE ? { fieldSelector: 'metadata.name=mlpipeline-minio-artifact' } : {};
      for (const s of await api.list<{ metadata: KubeObject['metadata']; type?: string; data?: Record<string, string> }>(path, query).catch(optional(path))) {
        // A cluster-wide list holds every Secret of the cluster: keep only those of namespaces in
        // scope (and KFP's admin Secret), and their values only when a probe needs them.
        const owner = s.metadata.namespace ?? '';
        if (!inScope.has(owner) && !(owner === KFP_NAMESPACE && s.metadata.name === 'mlpipeline-minio-artifact')) continue;
        if (scope.secretValues) rawSecrets.set(`${owner}/${s.metadata.name}`, s);
        snap.secrets.push(secretInfo(s));
      }
    }
  } catch (e) {
    if (!(e instanceof ApiError) || e.status !== 403) throw e;
    snap.unreadable.Secret = e.message.replace(/^the API server \S+ refused: /, '');
  }
  if (scope.serviceAccounts) snap.serviceAccounts = await api.list<KubeObject>(where('serviceaccounts'));
  if (scope.workflows) {
    // 404: the CRD is not installed (no Argo, or no KFP); 403: say so, the checks report it.
    const custom = async (kind: 'Workflow' | 'ScheduledWorkflow', path: string): Promise<KubeObject[]> =>
      api.list<KubeObject>(path).catch((e: unknown) => {
        if (e instanceof ApiError && e.status === 404) return [];
        if (e instanceof ApiError && e.status === 403) {
          snap.unreadable[kind] = e.message.replace(/^the API server \S+ refused: /, '');
          return [];
        }
        throw e;
      });
    snap.workflows = (await custom('Workflow', where('workflows', '/apis/argoproj.io/v1alpha1'))).map((w) => workflowSummary(w));
    snap.scheduledWorkflows = (await custom('ScheduledWorkflow', where('scheduledworkflows', '/apis/kubeflow.org/v1beta1'))).map((w) => workflowSummary(w));
  }
  return { snapshot: snap, rawSecrets };
}

// The admin Secret in `kubeflow` is optional context: a 403 or 404 there is not an error.
function optional(path: string) {
  return (e: unknown): never[] => {
    if (e instanceof ApiError && (e.status === 403 || e.status === 404) && path.includes(`/namespaces/${KFP_NAMESPACE}/`)) return [];
    throw e;
  };
}
