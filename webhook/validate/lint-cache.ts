// kfp-launcher lint is a pure function of (namespace, profile root, KFP release, data), and parsing `providers`
// costs far more than everything else on the request path; identical ConfigMaps come back on every
// re-apply and GitOps sync, so results are kept in a bounded LRU. Secret facts from a cluster view
// are checked afterwards from `secretUses`, so they never make a result uncacheable.
import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Finding } from '../../settings/findings.ts';
import { formatVersion } from '../../settings/kfp/versions.ts';
import { lintLauncher } from '../../settings/lint/launcher-lint.ts';
import type { LauncherLintContext, SecretUse } from '../../settings/lint/launcher-lint.ts';

export interface CachedLint {
  findings: readonly Finding[];
  secretUses: readonly SecretUse[];
}

export type LintFn = (data: Record<string, string>, ctx: Omit<LauncherLintContext, 'secrets'>) => CachedLint;

export function cachedLint(max = 1024): LintFn {
  const cache = new LRUCache<string, CachedLint>({ max });
  return (data, ctx) => {
    // A digest keeps the cache small however large the ConfigMaps are.
    const key = createHash('sha256')
      .update(
        `${ctx.namespace}\u0000${ctx.profileRoot ?? ''}\u0000${ctx.rules === undefined ? '' : formatVersion(ctx.rules.version)}\u0000${JSON.stringify(data)}`,
      )
      .digest('base64');
    let result = cache.get(key);
    if (result === undefined) {
      const linted = lintLauncher(data, ctx);
      result = Object.freeze({ findings: Object.freeze(linted.findings), secretUses: Object.freeze(linted.secretUses) });
      cache.set(key, result);
    }
    return result;
  };
}
