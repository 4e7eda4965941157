// seaweedfsPolicyModel: KFP 2.17's profile controller confines listing by bucket policy (s3:prefix
// conditions, sync.py AllowOwnDeepList/DenyOtherDeepList), which SeaweedFS enforces from 4.32 (KFP
// test/seaweedfs/namespace_isolation_test.sh). The version is the image tag of the Deployment or
// StatefulSet seaweedfs in kubeflow (4.00 in KFP 2.15-2.16's manifests, 4.34 in 2.17's).
import type { DeploymentObject, SnapshotIndex } from '../../cluster/snapshot.ts';
import { mainContainer } from '../../installation/env.ts';
import { KFP_NAMESPACE, releaseDependentLevel, rulesOf } from '../../kfp/version-source.ts';
import { doctorFinding } from '../finding.ts';
import type { DoctorFinding } from '../finding.ts';

export const SEAWEEDFS = 'seaweedfs';
/** The first SeaweedFS release that honours s3:prefix conditions on ListBucket (SeaweedFS PR #9792). */
const PREFIX_CONDITIONS = { major: 4, minor: 32 };

/** `ghcr.io/chrislusf/seaweedfs:4.34`, `chrislusf/seaweedfs:4.00_large_disk` -> {4, 34}; `latest` or a digest -> undefined. */
export function seaweedfsVersion(image: string): { major: number; minor: number; text: string } | undefined {
  const name = image.split('@')[0] ?? '';
  const colon = name.lastIndexOf(':');
  if (colon <= name.lastIndexOf('/')) return undefined;
  const m = /^v?(\d+)\.(\d+)/.exec(name.slice(colon + 1));
  return m === null ? undefined : { major: Number(m[1]), minor: Number(m[2]), text: `${m[1]}.${m[2]}` };
}

export function seaweedfsChecks(index: SnapshotIndex): DoctorFinding[] {
  const rules = rulesOf(index.snapshot.kfp);
  if (!rules.bucketPolicyListIsolation) return [];
  const inKubeflow = (w: DeploymentObject): boolean =>
    w.metadata.name === SEAWEEDFS && (w.metadata.namespace ?? KFP_NAMESPACE) === KFP_NAMESPACE;
  const deployment = index.snapshot.deployments.find(inKubeflow);
  const statefulSet = (index.snapshot.statefulSets ?? []).find(inKubeflow);
  const workload = deployment ?? statefulSet;
  if (workload === undefined) return [];
  const object = { kind: deployment !== undefined ? 'Deployment' : 'StatefulSet', name: SEAWEEDFS };
  const image = mainContainer(workload, [SEAWEEDFS])?.image ?? '';
  const version = seaweedfsVersion(image);
  const kfp = `KFP ${rules.version.major}.${rules.version.minor}`;
  if (version === undefined)
    return [
      doctorFinding(
        'seaweedfsPolicyModel',
        'info',
        KFP_NAMESPACE,
        object,
        `SeaweedFS image ${image || '(none)'} names no version: ` +
          `whether it enforces ${kfp}'s bucket-policy listing isolation (needs >= 4.32) is unknown`,
        'pin a versioned SeaweedFS image (KFP 2.17 ships 4.34), or check with doctor --probe (cross-tenant listing)',
        { image },
      ),
    ];
  const old =
    version.major < PREFIX_CONDITIONS.major || (version.major === PREFIX_CONDITIONS.major && version.minor < PREFIX_CONDITIONS.minor);
  if (!old)
    return [
      doctorFinding(
        'seaweedfsPolicyModel',
        'ok',
        KFP_NAMESPACE,
        object,
        `SeaweedFS ${version.text} enforces the s3:prefix conditions of ${kfp}'s bucket policy`,
        '',
        { image },
      ),
    ];
  return [
    doctorFinding(
      'seaweedfsPolicyModel',
      releaseDependentLevel(index.snapshot.kfp),
      KFP_NAMESPACE,
      object,
      `SeaweedFS ${version.text} with ${kfp}'s profile controller: its bucket policy confines listing with s3:prefix conditions, ` +
        "which SeaweedFS < 4.32 ignores, so every profile can list the keys of every other profile's artifacts",
      "upgrade the seaweedfs image to 4.32 or newer (KFP 2.17's manifests pin ghcr.io/chrislusf/seaweedfs:4.34); " +
        'doctor --probe shows the listing leak',
      { image },
    ),
  ];
}
