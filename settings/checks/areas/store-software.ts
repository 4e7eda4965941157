// The object-store software KFP's manifests install (catalogue section G, KFS064), judged against the
// policy model the KFP release relies on. Kept apart from installation.ts (KFS001-KFS008, KFS05x).
import type { CheckSpec } from '../spec.ts';

export const STORE_SOFTWARE = {
  seaweedfsPolicyModel: {
    id: 'KFS064',
    title: 'SeaweedFS version vs policy model',
    area: 'installation',
    levels: ['warn', 'info', 'ok'],
    detects:
      "KFP >= 2.17 with a SeaweedFS (Deployment or StatefulSet seaweedfs in kubeflow) older than 4.32, read from its image tag: the profile controller's bucket policy confines listing " +
      "with s3:prefix conditions that those builds ignore, so every profile can list every other profile's keys (WARN). INFO when the tag is no version (latest, a digest), or the KFP release was assumed.",
    doc:
      "KFP 2.17's profile controller (sync.py, bucket policy AllowOwnDeepList/DenyOtherDeepList) needs SeaweedFS >= 4.32: KFP's test/seaweedfs/namespace_isolation_test.sh says older builds " +
      '"ignore the s3:prefix condition on ListBucket and leak cross-namespace listings" (SeaweedFS PR #9792). KFP 2.17\'s manifests pin 4.34; 2.15 and 2.16 pinned 4.00, which upgrades that keep the old ' +
      'SeaweedFS image carry over. Object reads stay confined (identity actions); key names leak. doctor --probe (KFS063) shows the leak itself. ' +
      'Releases before 2.17 confine nothing by bucket policy: not reported.',
    reporters: ['doctor'],
    kfp: '>= 2.17 (bucket-policy listing isolation); needs SeaweedFS >= 4.32',
  },
} as const satisfies Record<string, CheckSpec>;
