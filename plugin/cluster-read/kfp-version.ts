// The KFP release among manifests (-f): --kfp-version, else an ml-pipeline Deployment in them. Live,
// kfp-workloads.ts reads it with the other KFP workloads. A refusal or absence is not an error: the
// newest rules apply, and the reports say why.
import type { ClusterSnapshot } from '../../settings/cluster/snapshot.ts';
import { KFP_API_DEPLOYMENT, detectKfpVersion } from '../../settings/kfp/version-source.ts';
import type { KfpVersionInfo } from '../../settings/kfp/version-source.ts';
import { PluginError } from '../cli/errors.ts';

/** Offline (-f): the flag, else an ml-pipeline Deployment among the manifests. */
export function manifestKfpVersion(snapshot: ClusterSnapshot, flag: string | undefined): KfpVersionInfo {
  const deployments = snapshot.deployments.filter((d) => d.metadata.name === KFP_API_DEPLOYMENT);
  return resolvedVersion(detectKfpVersion({ ...(flag !== undefined ? { flag } : {}), deployments }));
}

/** The release, or the plugin's one-line error when it names none kfstore can judge by. */
export function resolvedVersion(r: ReturnType<typeof detectKfpVersion>): KfpVersionInfo {
  if (!r.ok) throw new PluginError(r.error);
  return r.info;
}
