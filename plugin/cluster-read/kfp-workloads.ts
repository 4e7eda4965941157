// The KFP workloads in kubeflow that checks judge by: ml-pipeline (the release), ml-pipeline-ui (its
// artifact ownership settings, KFP >= 2.17) and seaweedfs (its version, KFP >= 2.17). One LIST of the
// namespace's Deployments, read even with --kfp-version; a StatefulSet seaweedfs and the ConfigMap the
// UI's env names are read (field-selected) only where a 2.17 rule needs them. A refusal is no error:
// the checks then say what they assumed.
import type { ConfigMapObject, DeploymentObject } from '../../settings/cluster/snapshot.ts';
import { UI_DEPLOYMENT } from '../../settings/doctor/checks/ui-ownership.ts';
import { SEAWEEDFS } from '../../settings/doctor/checks/seaweedfs.ts';
import { KFP_API_DEPLOYMENT, KFP_NAMESPACE, detectKfpVersion, rulesOf } from '../../settings/kfp/version-source.ts';
import type { KfpVersionInfo } from '../../settings/kfp/version-source.ts';
import { ApiError } from '../../kube-client/api.ts';
import type { KubeApi } from '../../kube-client/api.ts';
import { resolvedVersion } from './kfp-version.ts';
import { refusal } from './scoped-read.ts';

const KEPT = [KFP_API_DEPLOYMENT, UI_DEPLOYMENT, SEAWEEDFS];

export interface KfpWorkloads {
  kfp: KfpVersionInfo;
  deployments: DeploymentObject[];
  statefulSets: DeploymentObject[];
  configMaps: ConfigMapObject[];
}

export async function readKfpWorkloads(api: KubeApi, flag: string | undefined): Promise<KfpWorkloads> {
  const listed = await optionalList<DeploymentObject>(api, `/apis/apps/v1/namespaces/${KFP_NAMESPACE}/deployments`, {});
  const deployments = 'items' in listed ? listed.items.filter((d) => KEPT.includes(d.metadata.name)) : [];
  const kfp = resolvedVersion(
    flag !== undefined
      ? detectKfpVersion({ flag, deployments: [] })
      : detectKfpVersion({
          deployments: deployments.filter((d) => d.metadata.name === KFP_API_DEPLOYMENT),
          ...('why' in listed
            ? {
                unreadable:
                  `Deployment ${KFP_NAMESPACE}/${KFP_API_DEPLOYMENT} not readable ` +
                  `(${listed.why}; kubectl auth can-i list deployments.apps --namespace ${KFP_NAMESPACE})`,
              }
            : {}),
        }),
  );
  const out: KfpWorkloads = { kfp, deployments, statefulSets: [], configMaps: [] };
  const rules = rulesOf(kfp);
  if (rules.bucketPolicyListIsolation && kfp.source !== 'assumed' && !deployments.some((d) => d.metadata.name === SEAWEEDFS)) {
    const sts = await optionalList<DeploymentObject>(api, `/apis/apps/v1/namespaces/${KFP_NAMESPACE}/statefulsets`, {
      fieldSelector: `metadata.name=${SEAWEEDFS}`,
    });
    if ('items' in sts) out.statefulSets = sts.items;
  }
  if (rules.uiOwnershipByKeyPrefix) {
    for (const name of uiConfigMaps(deployments)) {
      const cms = await optionalList<ConfigMapObject>(api, `/api/v1/namespaces/${KFP_NAMESPACE}/configmaps`, {
        fieldSelector: `metadata.name=${name}`,
      });
      if ('items' in cms) out.configMaps.push(...cms.items);
    }
  }
  return out;
}

/** The ConfigMaps ml-pipeline-ui's env takes its ownership settings from (pipeline-install-config in KFP's manifests). */
function uiConfigMaps(deployments: DeploymentObject[]): string[] {
  const ui = deployments.find((d) => d.metadata.name === UI_DEPLOYMENT);
  const names = new Set<string>();
  for (const c of ui?.spec?.template?.spec?.containers ?? [])
    for (const e of c.env ?? []) {
      const ref = (e.valueFrom as { configMapKeyRef?: { name?: string } } | undefined)?.configMapKeyRef?.name;
      if (e.name.startsWith('ARTIFACT_NAMESPACE_') && ref !== undefined && ref !== '') names.add(ref);
    }
  return [...names];
}

async function optionalList<T>(api: KubeApi, path: string, query: Record<string, string>): Promise<{ items: T[] } | { why: string }> {
  try {
    return { items: await api.list<T>(path, query) };
  } catch (e) {
    const why =
      refusal(e) ?? (e instanceof ApiError && e.status === 404 ? `namespace ${KFP_NAMESPACE} or the apps API is not there` : undefined);
    if (why === undefined) throw e;
    return { why };
  }
}
