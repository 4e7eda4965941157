// Artifact URIs that Argo Workflows and KFP ScheduledWorkflows still hold, and which of them point
// at a store other than the migration target: what keeps reading (or writing) the old store after
// the installation moved. Read from each object:
// - the pipeline root a run or recurring run pins (runtimeConfig.gcsOutputDirectory, run-settings.ts);
// - a Workflow's output artifacts (status.nodes[].outputs.artifacts[].s3: Argo's logs and v1
//   artifacts), their bucket and endpoint from the artifact, else from the repository Argo resolved
//   for the run (status.artifactRepositoryRef.artifactRepository), else from the installation's default.
import { endpointKey } from '../installation/checks.ts';
import { runSettings } from '../kfp/run-settings.ts';
import type { MigrationTarget } from './migration-target.ts';

export interface StoredUri {
  namespace: string;
  /** Run and RecurringRun: read from KFP's API server (kfp-api-runs.ts). */
  kind: 'Workflow' | 'ScheduledWorkflow' | 'Run' | 'RecurringRun';
  name: string;
  where: string;
  uri: string;
  /** The S3 endpoint the URI is read from, when the object says. */
  endpoint?: string;
}

export interface HeldObject {
  metadata: { name: string; namespace?: string };
  spec?: unknown;
  status?: unknown;
}

interface S3Location {
  endpoint?: string;
  bucket?: string;
  key?: string;
}

type Node = { displayName?: string; outputs?: { artifacts?: { name?: string; s3?: S3Location }[] } };

export function storedUris(kind: 'Workflow' | 'ScheduledWorkflow', obj: HeldObject, fallback: S3Location = {}): StoredUri[] {
  const base = { namespace: obj.metadata.namespace ?? '', kind, name: obj.metadata.name };
  const out: StoredUri[] = runSettings(obj.spec).pinnedRoots.map((uri) => ({ ...base, where: 'pipeline root (runtimeConfig)', uri }));
  const status = (obj.status ?? {}) as {
    nodes?: Record<string, Node>;
    artifactRepositoryRef?: { artifactRepository?: { s3?: S3Location } };
  };
  const repo = { ...fallback, ...definedOf(status.artifactRepositoryRef?.artifactRepository?.s3) };
  for (const node of Object.values(status.nodes ?? {})) {
    for (const a of node.outputs?.artifacts ?? []) {
      const s3 = a.s3;
      if (s3?.key === undefined) continue;
      const bucket = s3.bucket ?? repo.bucket ?? '?';
      const endpoint = s3.endpoint ?? repo.endpoint;
      out.push({
        ...base,
        where: `output ${a.name ?? '?'} of ${node.displayName ?? '?'}`,
        uri: `s3://${bucket}/${s3.key}`,
        ...(endpoint === undefined ? {} : { endpoint }),
      });
    }
  }
  return out;
}

function definedOf(s3: S3Location | undefined): S3Location {
  return Object.fromEntries(Object.entries(s3 ?? {}).filter(([, v]) => typeof v === 'string')) as S3Location;
}

/** In the target bucket, and at the target endpoint when the reference names one. */
export function atTarget(u: StoredUri, target: MigrationTarget): boolean {
  const m = /^s3:\/\/([^/?]+)/.exec(u.uri);
  if (m === null || m[1] !== target.bucket) return false;
  return u.endpoint === undefined || endpointKey(u.endpoint, u.namespace) === endpointKey(target.host, u.namespace);
}
