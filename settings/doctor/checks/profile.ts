// profileNamespace, provisioned, ownership: is this a KFP profile namespace, did the profile controller provision it, and who
// owns the objects kfstore reads (will edits stick?).
import { ARTIFACT_REPOSITORIES } from '../../argo/artifact-repository.ts';
import type { ConfigMapObject, KubeObject, SnapshotIndex } from '../../cluster/snapshot.ts';
import { PROFILE_LABEL } from '../../inspect/namespace-view.ts';
import type { NamespaceView } from '../../inspect/namespace-view.ts';
import { LAUNCHER_CONFIGMAP } from '../../kfp/launcher-config.ts';
import { doctorFinding } from '../finding.ts';
import type { DoctorFinding } from '../finding.ts';

const METADATA_GRPC = 'metadata-grpc-configmap';

export function profileChecks(index: SnapshotIndex, view: NamespaceView): DoctorFinding[] {
  const ns = view.namespace;
  const out: DoctorFinding[] = [];
  const obj = { kind: 'Namespace', name: ns };
  if (index.namespace(ns) === undefined && index.snapshot.source === 'cluster') {
    // Could not be read (`unreadable` says why): its labels are unknown, nothing else is.
    if (index.unknown('Namespace', ns, ns) !== undefined) return [...provisioned(index, view), ...ownership(index, view)];
    return [doctorFinding('profileNamespace', 'error', ns, obj, `namespace ${ns} does not exist`, 'check the namespace name')];
  }
  if (index.snapshot.implicitNamespaces?.includes(ns)) {
    // The manifests do not declare this Namespace, so its labels are unknown here.
  } else if (view.labels.enabled !== 'true') {
    const partOf = view.labels.partOf === 'kubeflow-profile';
    out.push(
      doctorFinding(
        'profileNamespace',
        partOf ? 'warn' : 'info',
        ns,
        obj,
        `${ns} has no ${PROFILE_LABEL}=true label${partOf ? ' although it is a Kubeflow profile' : ''}: the KFP profile controller does not provision it`,
        `kubectl label namespace ${ns} ${PROFILE_LABEL}=true`,
      ),
    );
  } else {
    out.push(doctorFinding('profileNamespace', 'ok', ns, obj, `${ns} is a KFP profile namespace`, ''));
  }
  if (index.snapshot.source === 'cluster') out.push(...provisioned(index, view));
  out.push(...ownership(index, view));
  return out;
}

// `provisioned`: what the profile controller creates, and which of it something actually references.
function provisioned(index: SnapshotIndex, view: NamespaceView): DoctorFinding[] {
  const ns = view.namespace;
  const missing: string[] = [];
  const referenced: string[] = [];
  if (index.configMap(ns, METADATA_GRPC) === undefined && index.unknown('ConfigMap', ns, METADATA_GRPC) === undefined)
    missing.push(`ConfigMap ${METADATA_GRPC}`);
  for (const use of [view.credentials.secret, view.argo.secret]) {
    if (use !== undefined && !use.exists && use.unreadable === undefined) {
      missing.push(`Secret ${use.name}`);
      referenced.push(`Secret ${use.name}`);
    }
  }
  const unique = [...new Set(missing)];
  if (unique.length === 0)
    return [doctorFinding('provisioned', 'ok', ns, { kind: 'Namespace', name: ns }, 'per-namespace KFP objects present', '')];
  return [
    doctorFinding(
      'provisioned',
      referenced.length > 0 ? 'error' : 'warn',
      ns,
      { kind: 'Namespace', name: ns },
      `profile controller has not provisioned ${ns} (missing: ${unique.join(', ')})`,
      'check `kubectl -n kubeflow logs deploy/kubeflow-pipelines-profile-controller` and metacontroller',
    ),
  ];
}

const OWNERS: [RegExp, string][] = [
  [/^argocd/, 'Argo CD'],
  [/^kustomize-controller$|^helm-controller$/, 'Flux'],
  [/^helm$/, 'Helm'],
  [/^kyverno/, 'Kyverno'],
  [/^metacontroller/, 'the KFP profile controller (metacontroller)'],
];

function ownerOf(o: KubeObject): string | undefined {
  const a = o.metadata.annotations ?? {};
  const l = o.metadata.labels ?? {};
  if (Object.keys(a).some((k) => k.startsWith('argocd.argoproj.io/'))) return 'Argo CD';
  if (Object.keys(l).some((k) => k.startsWith('generate.kyverno.io/')) || Object.keys(a).some((k) => k.startsWith('generate.kyverno.io/')))
    return 'Kyverno';
  if (l['app.kubernetes.io/managed-by'] === 'Helm') return 'Helm';
  // Manifests can hold anything here; only well-formed entries count.
  const fields: unknown = o.metadata.managedFields;
  for (const f of Array.isArray(fields) ? fields : []) {
    const manager = typeof f === 'object' && f !== null ? (f as { manager?: unknown }).manager : undefined;
    if (typeof manager !== 'string') continue;
    for (const [re, name] of OWNERS) if (re.test(manager)) return name;
  }
  return undefined;
}

function ownership(index: SnapshotIndex, view: NamespaceView): DoctorFinding[] {
  const ns = view.namespace;
  const out: DoctorFinding[] = [];
  const objects: [string, string, KubeObject | undefined][] = [
    ['ConfigMap', LAUNCHER_CONFIGMAP, index.configMap(ns, LAUNCHER_CONFIGMAP) as ConfigMapObject | undefined],
    ['ConfigMap', ARTIFACT_REPOSITORIES, index.configMap(ns, ARTIFACT_REPOSITORIES)],
  ];
  if (view.credentials.secret !== undefined)
    objects.push(['Secret', view.credentials.secret.name, index.secret(ns, view.credentials.secret.name)]);
  for (const [kind, name, o] of objects) {
    if (o === undefined) continue;
    const owner = ownerOf(o);
    if (owner === undefined) continue;
    const gitops = owner === 'Argo CD' || owner === 'Flux' || owner === 'Kyverno' || owner === 'Helm';
    const fix = owner.startsWith('the KFP profile controller')
      ? `do not delete ${kind} ${name} to reset it: the profile controller recreates it${kind === 'Secret' ? ' with NEW credentials' : ''}`
      : `change ${kind} ${name} in ${owner}'s source, not in the cluster: ${owner} reverts in-cluster edits`;
    out.push(doctorFinding('ownership', gitops ? 'warn' : 'info', ns, { kind, name }, `${kind} ${name} is managed by ${owner}`, fix));
  }
  return out;
}
