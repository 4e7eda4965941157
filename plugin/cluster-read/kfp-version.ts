// The KFP release a cluster runs, read from the ml-pipeline Deployment in kubeflow: one LIST
// (field-selected, so read-only roles that may list but not get still work), skipped when
// --kfp-version says it. A refusal or absence is not an error: the newest rules apply, and the
// reports say why.
import type { ClusterSnapshot, DeploymentObject } from '../../settings/cluster/snapshot.ts';
import { KFP_API_DEPLOYMENT, KFP_NAMESPACE, detectKfpVersion } from '../../settings/kfp/version-source.ts';
import type { KfpVersionInfo } from '../../settings/kfp/version-source.ts';
import { ApiError } from '../../kube-client/api.ts';
import type { KubeApi } from '../../kube-client/api.ts';
import { PluginError } from '../cli/errors.ts';
import { refusal } from './scoped-read.ts';

export async function clusterKfpVersion(api: KubeApi, flag: string | undefined): Promise<KfpVersionInfo> {
  if (flag !== undefined) return resolved(detectKfpVersion({ flag, deployments: [] }));
  try {
    const deployments = await api.list<DeploymentObject>(`/apis/apps/v1/namespaces/${KFP_NAMESPACE}/deployments`, {
      fieldSelector: `metadata.name=${KFP_API_DEPLOYMENT}`,
    });
    return resolved(detectKfpVersion({ deployments }));
  } catch (e) {
    const why =
      refusal(e) ?? (e instanceof ApiError && e.status === 404 ? `namespace ${KFP_NAMESPACE} or the apps API is not there` : undefined);
    if (why === undefined) throw e;
    return resolved(
      detectKfpVersion({
        deployments: [],
        unreadable: `Deployment ${KFP_NAMESPACE}/${KFP_API_DEPLOYMENT} not readable (${why}; kubectl auth can-i list deployments.apps --namespace ${KFP_NAMESPACE})`,
      }),
    );
  }
}

/** Offline (-f): the flag, else an ml-pipeline Deployment among the manifests. */
export function manifestKfpVersion(snapshot: ClusterSnapshot, flag: string | undefined): KfpVersionInfo {
  const deployments = snapshot.deployments.filter((d) => d.metadata.name === KFP_API_DEPLOYMENT);
  return resolved(detectKfpVersion({ ...(flag !== undefined ? { flag } : {}), deployments }));
}

function resolved(r: ReturnType<typeof detectKfpVersion>): KfpVersionInfo {
  if (!r.ok) throw new PluginError(r.error);
  return r.info;
}
