// What a namespace is to KFP, to decide whether checking it means anything: a profile (labelled,
// part of a Kubeflow profile, or holding a kfp-launcher), KFP's own namespace (cluster-wide
// settings and the admin Secret), or neither (e.g. `default`, `kube-system`).
import type { SnapshotIndex } from '../cluster/snapshot.ts';
import { LAUNCHER_CONFIGMAP } from '../kfp/launcher-config.ts';
import { isProfileNamespace, PART_OF_LABEL } from './namespace-view.ts';

/** `unreadable`: RBAC kept doctor from reading it; it may well be a profile, so it is still checked. */
export type NamespaceRole = 'profile' | 'kfp' | 'missing' | 'unreadable' | 'other';

/** KFP's install namespace and the objects only it holds (KFP 2.x manifests). */
const KFP_NAMESPACE = 'kubeflow';
const KFP_MARKERS = { secret: 'mlpipeline-minio-artifact', configMap: 'pipeline-install-config' };

export function namespaceRole(index: SnapshotIndex, ns: string): NamespaceRole {
  const object = index.namespace(ns);
  const labels = object?.metadata.labels;
  if (isProfileNamespace(labels) || labels?.[PART_OF_LABEL] === 'kubeflow-profile' || index.configMap(ns, LAUNCHER_CONFIGMAP) !== undefined)
    return 'profile';
  if (
    ns === KFP_NAMESPACE ||
    index.secret(ns, KFP_MARKERS.secret) !== undefined ||
    index.configMap(ns, KFP_MARKERS.configMap) !== undefined
  )
    return 'kfp';
  if (object === undefined) {
    if (index.unknown('Namespace', ns, ns) !== undefined) return 'unreadable';
    if (index.snapshot.source === 'cluster') return 'missing';
    return index.snapshot.implicitNamespaces?.includes(ns) === true ? 'other' : 'missing';
  }
  return 'other';
}
