// Which namespaces a command looks at, and when that is nothing worth checking: one clear line
// (exit 2) instead of findings that suggest labelling `default` or `kube-system` as a profile.
import { indexSnapshot } from '../../settings/cluster/snapshot.ts';
import type { ClusterSnapshot } from '../../settings/cluster/snapshot.ts';
import { namespaceRole } from '../../settings/inspect/namespace-role.ts';
import { PROFILE_LABEL } from '../../settings/inspect/namespace-view.ts';
import { matchesSelector } from '../../settings/label-selectors/label-selector.ts';
import { parseSelector } from '../../settings/label-selectors/selector-string.ts';
import type { LabelSelector } from '../../settings/policy/schema.ts';
import { PluginError } from '../cli/errors.ts';

export const DEFAULT_PROFILE_SELECTOR = `${PROFILE_LABEL}=true`;
const HINT = 'use -A for every profile, or -n <profile>';

/** How the namespaces were chosen, to word the error. */
export type Chosen = { by: 'namespace' | 'context'; namespace: string } | { by: 'selector'; selector: string } | { by: 'profiles' };

/** Throws (exit 2) when nothing in scope is worth checking; a missing live namespace stays (one finding). */
export function requireScope(snapshot: ClusterSnapshot, namespaces: string[], chosen: Chosen): void {
  if (chosen.by === 'namespace' || chosen.by === 'context') {
    const ns = chosen.namespace;
    const role = namespaceRole(indexSnapshot(snapshot), ns);
    if (role === 'missing' && snapshot.source === 'manifests') {
      const known = snapshot.namespaces.map((n) => n.metadata.name).sort();
      throw new PluginError(
        `namespace ${ns} is not in the manifests (${known.length > 0 ? `they hold ${known.join(', ')}` : 'they hold no namespaced objects'}); nothing to check`,
      );
    }
    if (role === 'other') {
      const whose = chosen.by === 'context' ? ' (the current context’s namespace)' : '';
      throw new PluginError(
        `namespace ${ns}${whose} is not a KFP profile (no ${PROFILE_LABEL}=true label, no kfp-launcher ConfigMap): nothing to check; ${HINT}`,
      );
    }
    return;
  }
  if (namespaces.length > 0) return;
  const where = snapshot.source === 'manifests' ? 'in the manifests' : 'in this cluster';
  if (chosen.by === 'selector') throw new PluginError(`no namespace ${where} matches -l ${chosen.selector}: nothing to check`);
  throw new PluginError(
    snapshot.source === 'manifests'
      ? `no KFP profile in the manifests (no Namespace labelled ${DEFAULT_PROFILE_SELECTOR}, no kfp-launcher ConfigMap): nothing to check; name one with -n NAME`
      : `no KFP profile namespace in this cluster (none labelled ${DEFAULT_PROFILE_SELECTOR}): nothing to check; name one with -n NAME or choose others with -A -l SELECTOR`,
  );
}

/** The namespaces of a manifest set in scope: -n, -l, or (default) every profile in it. */
export function manifestNamespaces(
  snapshot: ClusterSnapshot,
  namespace: string | undefined,
  selector: string | undefined,
): { namespaces: string[]; chosen: Chosen } {
  if (namespace !== undefined) return { namespaces: [namespace], chosen: { by: 'namespace', namespace } };
  const all = snapshot.namespaces;
  if (selector !== undefined) {
    const parsed = parsedSelector(selector);
    return {
      namespaces: unique(all.filter((n) => matchesSelector(parsed, n.metadata.labels)).map((n) => n.metadata.name)),
      chosen: { by: 'selector', selector },
    };
  }
  // A GitOps tree may not declare its Namespaces: a kfp-launcher is as good a sign of a profile.
  const index = indexSnapshot(snapshot);
  return {
    namespaces: unique(all.map((n) => n.metadata.name).filter((ns) => namespaceRole(index, ns) === 'profile')),
    chosen: { by: 'profiles' },
  };
}

/** The --selector value as a LabelSelector; one error text for live and offline use. */
export function parsedSelector(text: string): LabelSelector {
  const parsed = parseSelector(text);
  if (!parsed.ok) throw new PluginError(`--selector: ${parsed.error}`);
  return parsed.selector;
}

function unique(names: string[]): string[] {
  return [...new Set(names)].sort();
}
