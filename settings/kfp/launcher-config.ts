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

/**
 * Real `providers` values are a few KiB. Parsing YAML costs about 2 ms per KiB here, and the webhook
 * answers on one thread within kube-apiserver's timeout, so kfstore does not parse larger values
 * (KFP itself would): they read as a providers error naming the limit.
 */
export const MAX_PROVIDERS_BYTES = 256 * 1024;

/** `data === undefined` means there is no kfp-launcher ConfigMap: KFP then uses its defaults. */
export function readLauncherConfig(data: Record<string, string> | undefined): LauncherConfig {
  const root = data?.defaultPipelineRoot ?? '';
  const providersText = data?.providers;
  return {
    defaultPipelineRoot: root === '' ? KFP_DEFAULT_PIPELINE_ROOT : root,
    rootFromConfigMap: root !== '',
    providers:
      (providersText?.length ?? 0) > MAX_PROVIDERS_BYTES
        ? { ok: false, error: `providers is ${Math.round((providersText?.length ?? 0) / 1024)} KiB; kfstore checks at most ${MAX_PROVIDERS_BYTES / 1024} KiB`, tooLarge: true }
        : parseProviders(providersText),
    providersText,
    ignoredKeys: Object.keys(data ?? {}).filter((k) => !KNOWN_KEYS.includes(k) && !k.startsWith('plugins.')),
  };
}
