// H. Migration pre-flight (catalogue section H; rendered in docs/checks.md): `migrate --to s3` runs these before it changes anything.
import type { CheckSpec } from '../spec.ts';

export const MIGRATE = {
  pinnedRoots: {
    id: 'KFS070',
    title: 'Pinned pipeline roots',
    area: 'migrate',
    levels: ['warn', 'info'],
    detects:
      'Runs or recurring runs pin a pipeline root (runtime config), which overrides kfp-launcher and keeps writing to the old store after the switch. INFO for what could not be checked.',
    doc: "driver/root_dag.go: the runtime pipelineRoot wins over kfp-launcher. Pipeline versions stored in KFP's database need its API and are not checked.",
    reporters: ['migrate'],
  },
  cacheResurrects: {
    id: 'KFS071',
    title: 'Cache will resurrect old-store URIs',
    area: 'migrate',
    levels: ['warn', 'info'],
    detects: "KFP's cache is in use: after the switch a cache hit hands new runs stored URIs of the old store.",
    doc: 'kubeflow/pipelines#6324, #6526, #7939; component/launcher_v2.go fetchNonDefaultBuckets ("failed to fetch non default buckets").',
    reporters: ['migrate'],
  },
  inFlightRuns: {
    id: 'KFS072',
    title: 'In-flight runs',
    area: 'migrate',
    levels: ['error', 'warn'],
    detects:
      'Argo Workflows in the namespace are Running or Pending (ERROR; WARN with --force): their store session was fixed when they started.',
    doc: 'The root driver computes the store session once per run (root_dag.go).',
    reporters: ['migrate'],
  },
  leftBehind: {
    id: 'KFS073',
    title: 'Historical artifacts stay in the old store',
    area: 'migrate',
    levels: ['warn', 'info', 'ok'],
    detects:
      'Without --copy-artifacts: objects under the current root stay behind, and earlier runs, the UI and cache hits refer to them by absolute URI.',
    doc: 'kfstore does not rewrite stored URIs: keep the old store and its Secret readable, or copy the objects under the same keys.',
    reporters: ['migrate'],
  },
  copyPlan: {
    id: 'KFS074',
    title: 'Copy plan and verification',
    area: 'migrate',
    levels: ['info', 'error'],
    detects: 'With --copy-artifacts: what will be copied (objects, bytes, multipart objects) and how it is verified.',
    doc: 'Verified by size and checksum, not ETag (multipart ETags differ between stores); a re-run skips objects already copied.',
    reporters: ['migrate'],
  },
  targetLayout: {
    id: 'KFS076',
    title: 'Target layout keeps tenant isolation and UI access',
    area: 'migrate',
    levels: ['error'],
    detects:
      "The planned roots would merge tenants (no {profile}, overlapping roots, overlap with another namespace's current root) or are not under a prefix named after the namespace.",
    doc: 'Use a root template such as s3://bucket/private-artifacts/{profile}/v2/artifacts and one Secret per namespace.',
    reporters: ['migrate'],
  },
  immutableObject: {
    id: 'KFS077',
    title: 'Object to change is immutable',
    area: 'migrate',
    levels: ['error'],
    detects: 'A ConfigMap or Secret the plan changes has immutable: true: only a delete and re-create could change it.',
    doc: 'kfstore-specific: the API server refuses changes to immutable data; re-create the object without immutable: true first.',
    reporters: ['migrate'],
  },
  objectTooLarge: {
    id: 'KFS078',
    title: "Planned object over the API server's size limit",
    area: 'migrate',
    levels: ['error'],
    detects: 'A planned ConfigMap or Secret holds more data than the API server accepts.',
    doc: 'kfstore-specific: move large keys out of the object (KFP reads only defaultPipelineRoot and providers).',
    reporters: ['migrate'],
  },
} as const satisfies Record<string, CheckSpec>;
