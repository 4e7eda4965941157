// The kfp-launcher ConfigMap's data as KFP's config.FromConfigMap sees it.
import { KFP_DEFAULT_PIPELINE_ROOT } from './pipeline-root.ts';
import { parseProviders } from './providers.ts';
import type { ProvidersResult } from './providers.ts';

export const LAUNCHER_CONFIGMAP = 'kfp-launcher';
/** Keys KFP (driver, launcher, API server plugins) reads; ConfigMap keys are case-sensitive. */
export const KNOWN_KEYS = ['defaultPipelineRoot', 'providers', 'clusterDomain'];

export interface LauncherConfig {
  /** The root the root DAG driver uses when a run sets none. */
  defaultPipelineRoot: string;
  rootFromConfigMap: boolean;
  providers: ProvidersResult;
  providersText: string | undefined;
  /** Data keys KFP never reads (`plugins.*` excepted). */
  ignoredKeys: string[];
}

/** `data === undefined` means there is no kfp-launcher ConfigMap: KFP then uses its defaults. */
export function readLauncherConfig(data: Record<string, string> | undefined): LauncherConfig {
  const root = data?.defaultPipelineRoot ?? '';
  const providersText = data?.providers;
  return {
    defaultPipelineRoot: root === '' ? KFP_DEFAULT_PIPELINE_ROOT : root,
    rootFromConfigMap: root !== '',
    providers: parseProviders(providersText),
    providersText,
    ignoredKeys: Object.keys(data ?? {}).filter((k) => !KNOWN_KEYS.includes(k) && !k.startsWith('plugins.')),
  };
}
