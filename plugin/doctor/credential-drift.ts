// --probe, credentialDrift: the verdict of the bucket probe (which already authenticated with each
// namespace's Secret) plus, live, the pods that read the keys from env at start: one LIST of pods
// labelled app=ml-pipeline-ui-artifact (the profile controller's artifact server) in scope.
import { checkId } from '../../settings/checks/registry.ts';
import { indexSnapshot } from '../../settings/cluster/snapshot.ts';
import type { KubeObject } from '../../settings/cluster/snapshot.ts';
import { credentialDriftChecks } from '../../settings/doctor/checks/credential-drift.ts';
import type { EnvKeyPod } from '../../settings/doctor/checks/credential-drift.ts';
import type { DoctorFinding } from '../../settings/doctor/finding.ts';
import type { NamespaceView } from '../../settings/inspect/namespace-view.ts';
import type { KubeApi } from '../../kube-client/api.ts';
import { readScoped } from '../cluster-read/scoped-read.ts';
import type { Source } from '../source/source.ts';

export const UI_ARTIFACT_SELECTOR = 'app=ml-pipeline-ui-artifact';

interface PodSpecEnv {
  env?: { valueFrom?: { secretKeyRef?: { name?: string } } }[];
  envFrom?: { secretRef?: { name?: string } }[];
}
type RawPod = KubeObject & { spec?: { containers?: PodSpecEnv[] }; status?: { startTime?: string } };

export async function credentialDrift(source: Source, views: NamespaceView[], probes: DoctorFinding[]): Promise<DoctorFinding[]> {
  const pods =
    source.api === undefined
      ? []
      : await envKeyPods(
          source.api,
          views.map((v) => v.namespace),
          source.namespaces.length > 1,
        );
  const index = indexSnapshot(source.snapshot);
  const bucket = checkId('bucketReachable');
  return views.flatMap((view) => {
    const probe = probes.find((f) => f.id === bucket && f.namespace === view.namespace);
    return credentialDriftChecks(index, {
      view,
      accepted: probe?.level === 'ok',
      ...(probe?.evidence !== undefined ? { evidence: probe.evidence } : {}),
      pods,
    });
  });
}

/** The artifact-server pods in scope, reduced to start time and the Secrets their env names. Unreadable: none. */
async function envKeyPods(api: KubeApi, namespaces: string[], clusterWide: boolean): Promise<EnvKeyPod[]> {
  const r = await readScoped<RawPod>(api, {
    kind: 'Pod',
    base: '/api/v1',
    plural: 'pods',
    namespaces,
    clusterWide,
    labelSelector: UI_ARTIFACT_SELECTOR,
  });
  return r.items.map((p) => {
    const secrets = new Set<string>();
    for (const c of p.spec?.containers ?? []) {
      for (const e of c.env ?? []) if (e.valueFrom?.secretKeyRef?.name) secrets.add(e.valueFrom.secretKeyRef.name);
      for (const e of c.envFrom ?? []) if (e.secretRef?.name) secrets.add(e.secretRef.name);
    }
    return {
      name: p.metadata.name,
      namespace: p.metadata.namespace ?? '',
      ...(p.status?.startTime !== undefined ? { startTime: p.status.startTime } : {}),
      secrets: [...secrets],
    };
  });
}
