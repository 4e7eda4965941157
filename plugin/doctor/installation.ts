// doctor --installation: reads the KFP installation's storage objects (live: two LISTs in one
// namespace, Deployments and ConfigMaps, then the profiles' objects the UI's path needs, ui-reach.ts;
// offline: the -f/-k manifests) and runs settings/installation's checks on them.
import type { ClusterSnapshot, ConfigMapObject, DeploymentObject } from '../../settings/cluster/snapshot.ts';
import { emptySnapshot, indexSnapshot } from '../../settings/cluster/snapshot.ts';
import { kfpVersionChecks } from '../../settings/doctor/checks/kfp-version.ts';
import type { DoctorReport } from '../../settings/doctor/run.ts';
import { summarize } from '../../settings/doctor/run.ts';
import { installationChecks } from '../../settings/installation/checks.ts';
import { installationSettings } from '../../settings/installation/settings.ts';
import { artifactUiChecks } from '../../settings/installation/ui-checks.ts';
import { profileUiPaths } from '../../settings/installation/ui-paths.ts';
import { KFP_NAMESPACE } from '../../settings/kfp/version-source.ts';
import type { SourceLocation } from '../../settings/findings.ts';
import { escapeControlChars } from '../../settings/text/control-chars.ts';
import type { DoctorFlags } from '../cli/args.ts';
import { PluginError } from '../cli/errors.ts';
import type { KubeApi } from '../../kube-client/api.ts';
import { manifestKfpVersion } from '../cluster-read/kfp-version.ts';
import { refusal } from '../cluster-read/scoped-read.ts';
import { locateFindings } from '../manifests/locations.ts';
import { connectCluster, readManifests } from '../source/source.ts';
import { liveReaderAnswers, manifestReaderAnswers, readProfileUi } from './ui-reach.ts';

export async function installationReport(flags: DoctorFlags): Promise<DoctorReport> {
  if (flags.allNamespaces) throw new PluginError('--installation checks one namespace (kubeflow, or -n NAMESPACE): drop -A');
  if (flags.selector !== undefined) throw new PluginError('--installation checks one namespace (kubeflow, or -n NAMESPACE): drop -l');
  if (flags.probe) throw new PluginError('--installation does not probe the store yet: drop --probe');
  const namespace = flags.namespace ?? KFP_NAMESPACE;
  const offline = flags.filenames.length > 0 || flags.kustomize !== undefined;
  const { snapshot, locations, api } = offline ? await fromManifests(flags, namespace) : await fromCluster(flags, namespace);
  const settings = installationSettings(snapshot, namespace);
  if (settings.found.length === 0)
    throw new PluginError(
      `no KFP installation in namespace ${namespace}: none of Deployment ml-pipeline, ml-pipeline-ui, ConfigMap pipeline-install-config, ` +
        'workflow-controller-configmap or kfp-launcher found (KFP in another namespace: pass -n NAMESPACE)',
    );
  const notes = api === undefined ? [] : await readProfileUi(api, snapshot, settings);
  const index = indexSnapshot(snapshot);
  const paths = profileUiPaths(index, settings);
  const access = api === undefined ? { answers: manifestReaderAnswers(index, paths), notes: [] } : await liveReaderAnswers(api, paths);
  const findings = [
    ...installationChecks(settings),
    ...artifactUiChecks(index, settings, access.answers),
    ...notes,
    ...access.notes,
    ...kfpVersionChecks(index),
  ];
  const report = summarize(snapshot, [namespace], findings, flags);
  return locations === undefined ? report : { ...report, findings: locateFindings(report.findings, locations) };
}

async function fromManifests(
  flags: DoctorFlags,
  namespace: string,
): Promise<{ snapshot: ClusterSnapshot; locations: Map<string, SourceLocation[]>; api?: undefined }> {
  const set = await readManifests({ ...flags, namespace });
  for (const note of set.notes) process.stderr.write(`note: ${escapeControlChars(note)}\n`);
  set.snapshot.kfp = manifestKfpVersion(set.snapshot, flags.kfpVersion);
  return { snapshot: set.snapshot, locations: set.locations };
}

async function fromCluster(flags: DoctorFlags, namespace: string): Promise<{ snapshot: ClusterSnapshot; api: KubeApi; locations?: undefined }> {
  const { api } = await connectCluster(flags);
  const snapshot = emptySnapshot('cluster');
  snapshot.deployments = await listIn<DeploymentObject>(
    api,
    `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/deployments`,
    'deployments.apps',
    namespace,
  );
  snapshot.configMaps = await listIn<ConfigMapObject>(
    api,
    `/api/v1/namespaces/${encodeURIComponent(namespace)}/configmaps`,
    'configmaps',
    namespace,
  );
  // The release from the ml-pipeline just listed (or --kfp-version): no separate request.
  snapshot.kfp = manifestKfpVersion(snapshot, flags.kfpVersion);
  return { snapshot, api };
}

/** One LIST; a refusal is a clear error naming the permission, not a partial report. */
async function listIn<T>(api: KubeApi, path: string, resource: string, namespace: string): Promise<T[]> {
  try {
    return await api.list<T>(path);
  } catch (e) {
    const why = refusal(e);
    if (why === undefined) throw e;
    throw new PluginError(
      `cannot list ${resource} in namespace ${namespace}: ${why} (kubectl auth can-i list ${resource} --namespace ${namespace})`,
    );
  }
}
