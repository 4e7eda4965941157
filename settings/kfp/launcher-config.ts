// The kfp-launcher ConfigMap's data as KFP's config.FromConfigMap sees it.
import { KFP_DEFAULT_PIPELINE_ROOT } from './pipeline-root.ts';
import { parseProviders } from './providers.ts';
import type { ProvidersResult } from './providers.ts';
import { NEWEST_RULES } from './versions.ts';
import type { KfpRules } from './versions.ts';

export const LAUNCHER_CONFIGMAP = 'kfp-launcher';
/** Keys KFP (driver, launcher, API server plugins) reads; ConfigMap keys are case-sensitive. */
export const KNOWN_KEYS = ['defaultPipelineRoot', 'providers', 'clusterDomain'];

export interface LauncherConfig {
  /** The root the root DAG driver uses when a run sets none. */
  defaultPipelineRoot: string;
  rootFromConfigMap: boolean;
  providers: ProvidersResult;
  providersText: string | undefined;
  /** The KFP release whose rules apply (its parsing, defaults and crashes). */
  rules: KfpRules;
  /** `providers` is set but this release does not read it (before 2.2.0). */
  providersIgnored: boolean;
  /** Data keys KFP never reads (`plugins.*` excepted). */
  ignoredKeys: string[];
}

/** `data === undefined` means there is no kfp-launcher ConfigMap: KFP then uses its defaults. */
export function readLauncherConfig(data: Record<string, string> | undefined, rules: KfpRules = NEWEST_RULES): LauncherConfig {
  const root = data?.defaultPipelineRoot ?? '';
  const providersText = data?.providers;
  return {
    defaultPipelineRoot: root === '' ? KFP_DEFAULT_PIPELINE_ROOT : root,
    rootFromConfigMap: root !== '',
    providers: rules.providers ? parseProviders(providersText, undefined, rules) : parseProviders(undefined),
    providersText,
    rules,
    providersIgnored: !rules.providers && (providersText ?? '') !== '',
    ignoredKeys: Object.keys(data ?? {}).filter((k) => !KNOWN_KEYS.includes(k) && !k.startsWith('plugins.')),
  };
}
