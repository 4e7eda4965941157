// What changed in KFP's artifact-storage behaviour, release by release: one flag per change, each
// traced to the KFP tag (and commit or file) that made it. Everything that depends on the KFP
// version asks `kfpRules(version)` instead of assuming the newest release.
export interface KfpVersion {
  major: number;
  minor: number;
  patch: number;
}

/** The oldest and newest KFP v2 releases kfstore knows the rules of. */
export const OLDEST_SUPPORTED: KfpVersion = { major: 2, minor: 0, patch: 0 };
export const NEWEST_SUPPORTED: KfpVersion = { major: 2, minor: 17, patch: 0 };

export interface KfpRules {
  version: KfpVersion;
  /**
   * kfp-launcher `providers` is read at all (2.2.0: config/env.go GetStoreSessionInfo, s3.go,
   * minio.go, gcs.go). Before, minio:// roots use the built-in Secret and every other scheme the
   * pod's environment, whatever providers says.
   */
  providers: boolean;
  /** `forcePathStyle` in providers (2.4.0: config/s3.go S3ProviderDefault.ForcePathStyle). Before, an unknown key. */
  forcePathStyle: boolean;
  /** `maxRetries` in providers and in every S3 session (2.15.0: config/s3.go MaxRetries, env.go default session). */
  maxRetries: boolean;
  /**
   * An override's maxRetries copies `*p.Default.MaxRetries`: a nil-pointer panic when the default
   * has none (2.15.0 config/s3.go ProvideSessionInfo; still so in 2.17.0).
   */
  maxRetriesOverridePanic: boolean;
  /**
   * With `fromEnv: true` the launcher still applies the session's region, endpoint, path style and
   * retries (2.17.0: objectstore/object_store.go createS3BucketSession, HasStructuredS3Settings).
   * Up to 2.16 a fromEnv session opens `s3://bucket` from the pod environment alone, so providers'
   * region and endpoint are ignored, and minio:// has no gocloud driver.
   */
  fromEnvHonoursProviderSettings: boolean;
  /**
   * KFP's built-in minio:// endpoint (objectstore DefaultEndpointInMultiUserMode): seaweedfs.kubeflow:9000
   * since 2.16.0 (objectstore/config.go); minio-service.kubeflow:9000 before (2.2-2.14: unless the
   * pod sees a minio-service in its own namespace, MinioDefaultEndpoint()).
   */
  defaultMinioEndpoint: string;
  /**
   * A query-string root keeps its query at the end of every artifact URI (2.1.0: commit
   * 9a306129f8, "preserve querystring in pipeline root", metadata.GenerateOutputURI). Before, the
   * run's path was appended after the query, so the store received the path as part of a parameter.
   */
  queryRootsKeepPath: boolean;
  /**
   * gocloud v0.40 with the AWS SDK v2 (2.5.0: go.mod gocloud.dev v0.23.0 -> v0.40.0): query-string
   * roots accept only SDK v2 parameters unless `awssdk=v1`.
   */
  gocloudSdkV2Query: boolean;
  /**
   * The UI serves an artifact the metadata store does not record (pod logs, Argo artifacts) only when its
   * key starts with ARTIFACT_NAMESPACE_KEY_PREFIX/<namespace>/ (2.17.0: frontend/server/helpers/mlmd-validator.ts,
   * mode mlmd-then-prefix). Before, the UI checks no ownership.
   */
  uiOwnershipByKeyPrefix: boolean;
  /**
   * The SeaweedFS profile controller confines listing by bucket policy with s3:prefix conditions
   * (2.17.0: pipelines-profile-controller/sync.py AllowOwnDeepList/DenyOtherDeepList), which needs SeaweedFS >= 4.32.
   */
  bucketPolicyListIsolation: boolean;
}

const v = (major: number, minor: number, patch = 0): KfpVersion => ({ major, minor, patch });

export function compareVersions(a: KfpVersion, b: KfpVersion): number {
  return a.major - b.major || a.minor - b.minor || a.patch - b.patch;
}

const since = (version: KfpVersion, tag: KfpVersion): boolean => compareVersions(version, tag) >= 0;

export function kfpRules(version: KfpVersion): KfpRules {
  return {
    version,
    providers: since(version, v(2, 2)),
    forcePathStyle: since(version, v(2, 4)),
    maxRetries: since(version, v(2, 15)),
    maxRetriesOverridePanic: since(version, v(2, 15)),
    fromEnvHonoursProviderSettings: since(version, v(2, 17)),
    defaultMinioEndpoint: since(version, v(2, 16)) ? 'seaweedfs.kubeflow:9000' : 'minio-service.kubeflow:9000',
    queryRootsKeepPath: since(version, v(2, 1)),
    gocloudSdkV2Query: since(version, v(2, 5)),
    uiOwnershipByKeyPrefix: since(version, v(2, 17)),
    bucketPolicyListIsolation: since(version, v(2, 17)),
  };
}

/** The rules kfstore applies when it does not know the cluster's version. */
export const NEWEST_RULES: KfpRules = kfpRules(NEWEST_SUPPORTED);

export function formatVersion(version: KfpVersion): string {
  return `${version.major}.${version.minor}.${version.patch}`;
}

/**
 * `2.15`, `2.15.0`, `v2.15.0`, `2.15.0-rc.1`, `2.16.1`: a KFP release (a pre-release counts as its
 * release). Anything else (a commit-sha tag, `latest`, `master`) is not a version.
 */
export function parseKfpVersion(text: string): KfpVersion | undefined {
  const m = /^v?(\d{1,3})\.(\d{1,3})(?:\.(\d{1,3}))?(?:[-+][0-9A-Za-z.-]*)?$/.exec(text.trim());
  if (m === null) return undefined;
  return v(Number(m[1]), Number(m[2]), Number(m[3] ?? 0));
}

/** Why kfstore cannot apply a version's rules, or undefined when it can. */
export function unsupportedReason(version: KfpVersion): string | undefined {
  if (version.major !== 2 || compareVersions(version, OLDEST_SUPPORTED) < 0) {
    return `KFP ${formatVersion(version)} is not a KFP v2 release: kfstore knows KFP ${formatVersion(OLDEST_SUPPORTED)} to ${formatVersion(NEWEST_SUPPORTED)}`;
  }
  return undefined;
}
