// What `migrate --installation` reads. Live: the namespace's Deployments and ConfigMaps (two LISTs,
// as doctor --installation reads them, objects kept whole so that the writes carry everything else
// back) and the target credentials Secret; offline: the -f manifests. Then, live, the Workflows and
// ScheduledWorkflows of every namespace for the stored-URI report.
import type { ClusterSnapshot, ConfigMapObject, DeploymentObject } from '../../settings/cluster/snapshot.ts';
import { emptySnapshot } from '../../settings/cluster/snapshot.ts';
import { installationSettings } from '../../settings/installation/settings.ts';
import { atTarget, storedUris } from '../../settings/migrate/stored-uris.ts';
import type { HeldObject, StoredUri } from '../../settings/migrate/stored-uris.ts';
import type { MigrationTarget } from '../../settings/migrate/migration-target.ts';
import { ApiError } from '../../kube-client/api.ts';
import type { KubeApi } from '../../kube-client/api.ts';
import type { MigrateFlags } from '../cli/args.ts';
import { manifestKfpVersion } from '../cluster-read/kfp-version.ts';
import { listInNamespace, refusal } from '../cluster-read/scoped-read.ts';
import { secretInfo } from '../secrets/facts.ts';
import type { Source } from '../source/source.ts';
import { connectCluster, readManifests } from '../source/source.ts';
import { readObject } from './objects.ts';

export async function readInstallation(flags: MigrateFlags, namespace: string, secretName: string): Promise<Source> {
  if (flags.filenames.length > 0) {
    const set = await readManifests({ ...flags, namespace });
    set.snapshot.kfp = manifestKfpVersion(set.snapshot, flags.kfpVersion);
    return { snapshot: set.snapshot, rawSecrets: set.rawSecrets, namespaces: [namespace], locations: set.locations };
  }
  const { api } = await connectCluster(flags);
  const snapshot: ClusterSnapshot = emptySnapshot('cluster');
  const base = (group: string, plural: string): string => `/${group}/namespaces/${encodeURIComponent(namespace)}/${plural}`;
  snapshot.deployments = await listInNamespace<DeploymentObject>(api, base('apis/apps/v1', 'deployments'), 'deployments.apps', namespace);
  snapshot.configMaps = await listInNamespace<ConfigMapObject>(api, base('api/v1', 'configmaps'), 'configmaps', namespace);
  snapshot.kfp = manifestKfpVersion(snapshot, flags.kfpVersion);
  const rawSecrets: Source['rawSecrets'] = new Map();
  const secret = await readObject(api, 'Secret', namespace, secretName);
  if (secret !== undefined) {
    snapshot.secrets.push(secretInfo(secret));
    rawSecrets.set(`${namespace}/${secretName}`, secret);
  }
  return { snapshot, rawSecrets, namespaces: [namespace], api };
}

/** The URIs not at the target, from every namespace's Workflows and ScheduledWorkflows; notes say what could not be read. */
export async function oldStoreUris(
  api: KubeApi,
  snapshot: ClusterSnapshot,
  namespace: string,
  target: MigrationTarget,
): Promise<{ uris: StoredUri[]; notes: string[] }> {
  // Artifacts that name no bucket were written to Argo's default repository, as it is before the change.
  const argo = installationSettings(snapshot, namespace).stores.find((s) => s.component === 'Argo');
  const fallback = {
    ...(argo?.bucket === undefined ? {} : { bucket: argo.bucket.value }),
    ...(argo?.endpoint === undefined ? {} : { endpoint: argo.endpoint.value }),
  };
  const notes: string[] = [];
  const uris: StoredUri[] = [];
  for (const [kind, path, resource] of [
    ['Workflow', '/apis/argoproj.io/v1alpha1/workflows', 'workflows.argoproj.io'],
    ['ScheduledWorkflow', '/apis/kubeflow.org/v1beta1/scheduledworkflows', 'scheduledworkflows.kubeflow.org'],
  ] as const) {
    try {
      for (const o of await api.list<HeldObject>(path)) {
        const held = storedUris(kind, o, fallback);
        uris.push(...held.uris.filter((u) => !atTarget(u, target)));
        if (held.unreadable !== undefined)
          notes.push(`${kind} ${o.metadata.namespace ?? ''}/${o.metadata.name}: its artifacts were not read (${held.unreadable})`);
      }
    } catch (e) {
      // 404: the CRD is not installed.
      if (e instanceof ApiError && e.status === 404) continue;
      const why = refusal(e);
      if (why === undefined) throw e;
      notes.push(`${resource} not read: ${why} (kubectl auth can-i list ${resource} -A)`);
    }
  }
  return { uris, notes };
}
