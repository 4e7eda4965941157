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
import { listInNamespace, refusal } from '../cluster-read/scoped-read.ts';
import { locateFindings } from '../manifests/locations.ts';
import { connectCluster, readManifests } from '../source/source.ts';
import { liveReaderAnswers, manifestReaderAnswers, readProfileUi } from './ui-reach.ts';
import type { SecretSource } from './ui-probe.ts';
import { uiReads } from '../../settings/installation/ui-read.ts';
import { ApiError } from '../../kube-client/api.ts';
import type { ManifestSet } from '../manifests/load.ts';
import { readFileSync } from 'node:fs';

export async function installationReport(flags: DoctorFlags): Promise<DoctorReport> {
  if (flags.allNamespaces) throw new PluginError('--installation checks one namespace (kubeflow, or -n NAMESPACE): drop -A');
  if (flags.selector !== undefined) throw new PluginError('--installation checks one namespace (kubeflow, or -n NAMESPACE): drop -l');
  const namespace = flags.namespace ?? KFP_NAMESPACE;
  const offline = flags.filenames.length > 0 || flags.kustomize !== undefined;
  const { snapshot, locations, api, rawSecrets } = offline ? await fromManifests(flags, namespace) : await fromCluster(flags, namespace);
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
  if (flags.probe) {
    const { probeUiReads } = await import('./ui-probe.ts');
    const secrets: SecretSource = api === undefined ? async (ns, name) => rawSecrets?.get(`${ns}/${name}`) : liveSecret(api);
    findings.push(...(await probeUiReads(uiReads(index, settings), secrets, caBundle(flags.s3CaBundle))));
  }
  const report = summarize(snapshot, [namespace], findings, flags);
  return locations === undefined ? report : { ...report, findings: locateFindings(report.findings, locations) };
}

async function fromManifests(
  flags: DoctorFlags,
  namespace: string,
): Promise<{
  snapshot: ClusterSnapshot;
  locations: Map<string, SourceLocation[]>;
  api?: undefined;
  rawSecrets: ManifestSet['rawSecrets'];
}> {
  const set = await readManifests({ ...flags, namespace });
  for (const note of set.notes) process.stderr.write(`note: ${escapeControlChars(note)}\n`);
  set.snapshot.kfp = manifestKfpVersion(set.snapshot, flags.kfpVersion);
  return { snapshot: set.snapshot, locations: set.locations, rawSecrets: set.rawSecrets };
}

async function fromCluster(
  flags: DoctorFlags,
  namespace: string,
): Promise<{ snapshot: ClusterSnapshot; api: KubeApi; locations?: undefined; rawSecrets?: undefined }> {
  const { api } = await connectCluster(flags);
  const snapshot = emptySnapshot('cluster');
  snapshot.deployments = await listInNamespace<DeploymentObject>(
    api,
    `/apis/apps/v1/namespaces/${encodeURIComponent(namespace)}/deployments`,
    'deployments.apps',
    namespace,
  );
  snapshot.configMaps = await listInNamespace<ConfigMapObject>(
    api,
    `/api/v1/namespaces/${encodeURIComponent(namespace)}/configmaps`,
    'configmaps',
    namespace,
  );
  // The release from the ml-pipeline just listed (or --kfp-version): no separate request.
  snapshot.kfp = manifestKfpVersion(snapshot, flags.kfpVersion);
  return { snapshot, api };
}

/** With --probe only: one GET per Secret the UI would read with; 404 is absent, a refusal says why. */
function liveSecret(api: KubeApi): SecretSource {
  return async (namespace, name) => {
    try {
      return await api.get<{ data?: Record<string, string> }>(
        `/api/v1/namespaces/${encodeURIComponent(namespace)}/secrets/${encodeURIComponent(name)}`,
      );
    } catch (e) {
      if (e instanceof ApiError && e.status === 404) return undefined;
      const why = refusal(e);
      if (why === undefined) throw e;
      return `${why}; kubectl auth can-i get secrets/${name} --namespace ${namespace}`;
    }
  };
}

function caBundle(file: string | undefined): { caBundle?: string } {
  if (file === undefined) return {};
  try {
    return { caBundle: readFileSync(file, 'utf8') };
  } catch (e) {
    throw new PluginError(`--s3-ca-bundle ${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}
