// Artifact URIs that Argo Workflows and KFP ScheduledWorkflows still hold, and which of them point
// at a store other than the migration target: what keeps reading (or writing) the old store after
// the installation moved. Read from each object:
// - the pipeline root a run or recurring run pins (runtimeConfig.gcsOutputDirectory, run-settings.ts);
// - a Workflow's output artifacts (status.nodes[].outputs.artifacts[].s3: Argo's logs and v1
//   artifacts), their bucket and endpoint from the artifact, else from the repository Argo resolved
//   for the run (status.artifactRepositoryRef.artifactRepository), else from the installation's default.
import { z } from 'zod';
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

const s3Location = z.looseObject({ endpoint: z.string().optional(), bucket: z.string().optional(), key: z.string().optional() });
type S3Location = z.output<typeof s3Location>;

/** The parts of a Workflow's status read here: anything else in it is not looked at. */
const heldStatus = z
  .looseObject({
    nodes: z
      .record(
        z.string(),
        z.looseObject({
          displayName: z.string().optional(),
          outputs: z
            .looseObject({ artifacts: z.array(z.looseObject({ name: z.string().optional(), s3: s3Location.optional() })).nullish() })
            .nullish(),
        }),
      )
      .nullish(),
    artifactRepositoryRef: z.looseObject({ artifactRepository: z.looseObject({ s3: s3Location.optional() }).optional() }).nullish(),
  })
  .nullish();

/** The URIs an object holds, or why its status could not be read (the report then says so). */
export type HeldUris = { uris: StoredUri[]; unreadable?: string };

export function storedUris(kind: 'Workflow' | 'ScheduledWorkflow', obj: HeldObject, fallback: S3Location = {}): HeldUris {
  const base = { namespace: obj.metadata.namespace ?? '', kind, name: obj.metadata.name };
  const uris: StoredUri[] = runSettings(obj.spec).pinnedRoots.map((uri) => ({ ...base, where: 'pipeline root (runtimeConfig)', uri }));
  const parsed = heldStatus.safeParse(obj.status);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const at = issue === undefined || issue.path.length === 0 ? '' : `.${issue.path.join('.')}`;
    return { uris, unreadable: `status${at}: ${issue?.message ?? 'unreadable'}` };
  }
  const status = parsed.data ?? {};
  const repo = { ...fallback, ...status.artifactRepositoryRef?.artifactRepository?.s3 };
  for (const node of Object.values(status.nodes ?? {})) {
    for (const a of node.outputs?.artifacts ?? []) {
      const s3 = a.s3;
      if (s3?.key === undefined) continue;
      const bucket = s3.bucket ?? repo.bucket ?? '?';
      const endpoint = s3.endpoint ?? repo.endpoint;
      uris.push({
        ...base,
        where: `output ${a.name ?? '?'} of ${node.displayName ?? '?'}`,
        uri: `s3://${bucket}/${s3.key}`,
        ...(endpoint === undefined ? {} : { endpoint }),
      });
    }
  }
  return { uris };
}

/** In the target bucket, and at the target endpoint when the reference names one. */
export function atTarget(u: StoredUri, target: MigrationTarget): boolean {
  const m = /^s3:\/\/([^/?]+)/.exec(u.uri);
  if (m === null || m[1] !== target.bucket) return false;
  return u.endpoint === undefined || endpointKey(u.endpoint, u.namespace) === endpointKey(target.host, u.namespace);
}
