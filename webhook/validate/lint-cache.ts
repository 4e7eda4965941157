// kfp-launcher lint is a pure function of (namespace, profile root, data), and parsing `providers`
// costs far more than everything else on the request path; identical ConfigMaps come back on every
// re-apply and GitOps sync, so results are kept in a bounded LRU. With a cluster view (Secret
// lookups) the answer depends on the cluster too, so it is computed afresh.
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Finding } from '../../settings/findings.ts';
import { lintLauncher } from '../../settings/lint/launcher-lint.ts';
import type { LauncherLintContext } from '../../settings/lint/launcher-lint.ts';

export type LintFn = (data: Record<string, string>, ctx: LauncherLintContext) => readonly Finding[];

export function cachedLint(max = 1024): LintFn {
  const cache = new LRUCache<string, readonly Finding[]>({ max });
  return (data, ctx) => {
    if (ctx.secrets !== undefined) return lintLauncher(data, ctx).findings;
    // A digest keeps the cache small however large the ConfigMaps are.
    const key = createHash('sha256').update(`${ctx.namespace}\u0000${ctx.profileRoot ?? ''}\u0000${JSON.stringify(data)}`).digest('base64');
    let findings = cache.get(key);
    if (findings === undefined) {
      findings = Object.freeze(lintLauncher(data, ctx).findings);
      cache.set(key, findings);
    }
    return findings;
  };
}
