// G. Object-store probes (catalogue section G; rendered in docs/checks.md): `doctor --probe` talks to the store with each
// namespace's own credentials and exactly the session KFP's launcher would use.
import type { CheckSpec } from '../spec.ts';

export const PROBE = {
  bucketReachable: {
    id: 'KFS061',
    title: 'Bucket reachable and correctly addressed',
    area: 'probe',
    levels: ['error', 'warn', 'info', 'ok'],
    detects:
      "HeadBucket (and a one-key listing of the own prefix) with the namespace's credentials fails: no such bucket, wrong region, bad key or signature, access denied, TLS or DNS errors. INFO when the probe is skipped (fromEnv credentials exist only in pipeline pods).",
    doc: "A 403 on HeadBucket while listing works also breaks KServe's storage-initializer (kubeflow/pipelines#13469).",
    reporters: ['probe'],
  },
  roundTrip: {
    id: 'KFS062',
    title: 'Own-prefix read/write round trip',
    area: 'probe',
    levels: ['error', 'info', 'ok'],
    detects:
      "With --probe-write: Put, Head, Get and Delete of a canary under the namespace's own root fail (the canary is always deleted; leftovers are reported).",
    doc: 'Put allowed but Delete denied means the policy lacks s3:DeleteObject (KFP < 2.17 SeaweedFS policy): retention clean-up and re-runs fail.',
    reporters: ['probe'],
  },
  isolation: {
    id: 'KFS063',
    title: 'Cross-tenant isolation',
    area: 'probe',
    levels: ['error', 'warn', 'info', 'ok'],
    detects:
      "Namespace A's credentials can read, write, delete (ERROR) or list (WARN, key names only) namespace B's artifacts; a seeded canary makes 403 and 404 unambiguous.",
    doc: "SeaweedFS < 4.32 ignores s3:prefix conditions, while KFP 2.17's bucket policy expects them (KFP test/seaweedfs/namespace_isolation_test.sh).",
    reporters: ['probe'],
    kfp: '2.17 bucket-policy list isolation needs SeaweedFS >= 4.32',
  },
  lifecycle: {
    id: 'KFS065',
    title: 'Retention and lifecycle',
    area: 'probe',
    levels: ['info', 'ok'],
    detects:
      "No enabled lifecycle rule of the namespace's bucket covering its prefix has AbortIncompleteMultipartUpload (GetBucketLifecycleConfiguration with the namespace's credentials), the bucket has no lifecycle configuration, " +
      'or it cannot be read: the store does not support it (501, or an answer without rules, as OpenStack Swift gives) or the credentials may not.',
    doc:
      "KFP's SeaweedFS profile controller (sync.py upsert_lifecycle_policy, prefix private-artifacts) expires artifacts after ARTIFACT_RETENTION_DAYS; an external bucket has only the rules its owner wrote. " +
      "Rules filtering on tags or object size do not count (they do not cover every upload). The profile controller's ARTIFACT_RETENTION_DAYS is not read yet.",
    reporters: ['probe'],
  },
  incompleteUploads: {
    id: 'KFS066',
    title: 'Incomplete multipart uploads',
    area: 'probe',
    levels: ['warn', 'info', 'ok', 'error'],
    detects: "Incomplete multipart uploads under the namespace's prefix started more than 24 h ago (WARN), or in progress (INFO).",
    doc: 'Stores keep and bill their parts until they are aborted or a lifecycle rule (AbortIncompleteMultipartUpload) does; a copy killed mid-object leaves one. Re-running migrate --copy-artifacts aborts those it recorded. kfstore-specific.',
    reporters: ['probe'],
  },
} as const satisfies Record<string, CheckSpec>;
