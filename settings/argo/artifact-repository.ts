// Argo's per-namespace artifact repository (ConfigMap `artifact-repositories`), which KFP's Argo
// pods use for archived logs and v1 artifacts: the key named by the default-repository annotation.
import { parse } from 'yaml';
import { z } from 'zod';
import type { ConfigMapObject } from '../cluster/snapshot.ts';

export const ARTIFACT_REPOSITORIES = 'artifact-repositories';
export const DEFAULT_REPOSITORY_ANNOTATION = 'workflows.argoproj.io/default-artifact-repository';

const secretKeySelector = z.object({ name: z.string(), key: z.string() });
export const repositorySchema = z.looseObject({
  archiveLogs: z.boolean().optional(),
  s3: z
    .looseObject({
      endpoint: z.string().optional(),
      bucket: z.string().optional(),
      region: z.string().optional(),
      insecure: z.boolean().optional(),
      keyFormat: z.string().optional(),
      useSDKCreds: z.boolean().optional(),
      accessKeySecret: secretKeySelector.optional(),
      secretKeySecret: secretKeySelector.optional(),
    })
    .optional(),
});

export type ArtifactRepository = z.output<typeof repositorySchema>;

export type RepositoryResult =
  | { ok: true; key: string; repository: ArtifactRepository }
  | { ok: false; problem: 'missing' | 'no-annotation' | 'missing-key' | 'unparsable'; detail: string };

export function readArtifactRepository(cm: ConfigMapObject | undefined): RepositoryResult {
  if (cm === undefined) return { ok: false, problem: 'missing', detail: `no ConfigMap ${ARTIFACT_REPOSITORIES}` };
  const key = cm.metadata.annotations?.[DEFAULT_REPOSITORY_ANNOTATION];
  if (key === undefined || key === '')
    return {
      ok: false,
      problem: 'no-annotation',
      detail: `ConfigMap ${ARTIFACT_REPOSITORIES} has no ${DEFAULT_REPOSITORY_ANNOTATION} annotation`,
    };
  const text = cm.data?.[key];
  if (text === undefined)
    return { ok: false, problem: 'missing-key', detail: `annotation names key '${key}', which ${ARTIFACT_REPOSITORIES} does not have` };
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    return {
      ok: false,
      problem: 'unparsable',
      detail: `key '${key}' is not YAML/JSON: ${e instanceof Error ? (e.message.split('\n')[0] ?? '') : ''}`,
    };
  }
  const r = repositorySchema.safeParse(doc);
  if (!r.success)
    return {
      ok: false,
      problem: 'unparsable',
      detail: `key '${key}': ${r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`,
    };
  return { ok: true, key, repository: r.data };
}
