// The key prefixes a namespace owns in the target bucket: its KFP v2 root and Argo's (logs, v1
// artifacts). The IAM policy grants exactly these, and Argo's keyFormat writes under the second.
import { parsePipelineRoot } from '../kfp/pipeline-root.ts';
import { planRootFor } from './migration-target.ts';
import type { MigrationTarget } from './migration-target.ts';

export interface NamespaceLayout {
  root: string;
  /** Key prefix of the root, no leading or trailing '/' (e.g. `v2/artifacts/team-a`). */
  rootPrefix: string;
  /** Argo's prefix (e.g. `artifacts/team-a`). */
  argoPrefix: string;
  /** Argo's keyFormat, with `{{workflow.namespace}}` where the namespace goes. */
  keyFormat: string;
}

const ARGO_TAIL =
  '{{workflow.name}}/{{workflow.creationTimestamp.Y}}/{{workflow.creationTimestamp.m}}/{{workflow.creationTimestamp.d}}/{{pod.name}}';

/**
 * Argo's prefix template from the root template: the path up to the segment naming the profile,
 * without a leading `v2/` (deployKF: `v2/artifacts/{p}` -> `artifacts/{p}`; upstream:
 * `private-artifacts/{p}/v2/artifacts` -> `private-artifacts/{p}`). Without {profile}, deployKF's.
 */
export function argoPrefixTemplate(target: MigrationTarget): string {
  const path = target.rootTemplate.replace(/^s3:\/\/[^/]+\/?/, '');
  const segments = path.split('/').filter((s) => s !== '');
  const at = segments.findIndex((s) => s.includes('{profile}'));
  if (at < 0) return 'artifacts/{profile}';
  const head = segments.slice(0, at + 1);
  if (head[0] === 'v2' && head.length > 1) head.shift();
  return head.join('/');
}

export function namespaceLayout(target: MigrationTarget, namespace: string): NamespaceLayout {
  const root = planRootFor(target, namespace);
  const parsed = parsePipelineRoot(root);
  const rootPrefix = parsed.ok ? parsed.value.prefix.replace(/\/$/, '') : '';
  const argo = argoPrefixTemplate(target);
  return {
    root,
    rootPrefix,
    argoPrefix: argo.replaceAll('{profile}', namespace),
    keyFormat: `${argo.replaceAll('{profile}', '{{workflow.namespace}}')}/${ARGO_TAIL}`,
  };
}
