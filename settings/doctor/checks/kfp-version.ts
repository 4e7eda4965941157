// kfpVersion: which KFP release the checks below judge by, how kfstore learnt it, and the storage
// layout KFP's stock manifests give that release (the registry's kfpVersion: <= 2.14 shared MinIO keys;
// 2.15-2.16 SeaweedFS with per-profile keys; 2.17 adds bucket-policy list isolation).
import type { SnapshotIndex } from '../../cluster/snapshot.ts';
import { KFP_API_DEPLOYMENT, KFP_NAMESPACE, describeKfp, rulesOf } from '../../kfp/version-source.ts';
import type { KfpVersionInfo } from '../../kfp/version-source.ts';
import { compareVersions, formatVersion, parseKfpVersion } from '../../kfp/versions.ts';
import type { KfpVersion } from '../../kfp/versions.ts';
import type { StorePolicy } from '../../policy/schema.ts';
import { doctorFinding } from '../finding.ts';
import type { DoctorFinding } from '../finding.ts';

export function kfpVersionChecks(index: SnapshotIndex, policy?: StorePolicy): DoctorFinding[] {
  const info = index.snapshot.kfp;
  if (info === undefined) return [];
  const rules = rulesOf(info);
  const message = `${describeKfp(info)}; stock storage: ${generation(rules.version, rules.defaultMinioEndpoint)}`;
  // On a live cluster an assumed release means KFP was not found where it normally is.
  const level = info.source === 'assumed' && index.snapshot.source === 'cluster' ? 'warn' : 'info';
  // Read from the ml-pipeline Deployment: the finding is about it (and -f places it at its file).
  const fromDeployment = info.source === 'image' || info.source === 'label';
  const out = [
    doctorFinding(
      'kfpVersion',
      level,
      fromDeployment ? KFP_NAMESPACE : undefined,
      fromDeployment ? { kind: 'Deployment', name: KFP_API_DEPLOYMENT } : undefined,
      message,
      fixFor(info),
      { kfpVersion: info.version, source: info.source },
    ),
  ];
  // The webhook judges kfp-launcher by the policy's release: it must be the cluster's.
  const configured = policy?.kfpVersion === undefined ? undefined : parseKfpVersion(policy.kfpVersion);
  if (configured !== undefined && info.source !== 'assumed' && formatVersion(configured) !== info.version) {
    out.push(
      doctorFinding(
        'kfpVersion',
        'warn',
        undefined,
        undefined,
        `the StorePolicy's kfpVersion is ${formatVersion(configured)} but the checks run for KFP ${info.version}: the webhook judges kfp-launcher by another release`,
        `set kfpVersion: "${info.version}" in the StorePolicy the webhook serves`,
      ),
    );
  }
  return out;
}

function generation(v: KfpVersion, endpoint: string): string {
  const at = (minor: number): boolean => compareVersions(v, { major: 2, minor, patch: 0 }) >= 0;
  if (!at(15)) return `MinIO at ${endpoint}, one key pair for every profile (mlpipeline-minio-artifact)`;
  if (!at(17)) return `SeaweedFS at ${endpoint}, a key pair per profile from the profile controller`;
  return `SeaweedFS at ${endpoint}, a key pair per profile, listing confined by bucket policy`;
}

function fixFor(info: KfpVersionInfo): string {
  if (info.source === 'assumed')
    return 'pass --kfp-version X.Y (the release of the ml-pipeline image) so that version-specific checks apply';
  return `checks use KFP ${info.version}'s parsing, defaults and crashes; --kfp-version overrides`;
}
