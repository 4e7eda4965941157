// `launcherMissing`, one rule for the webhook (a kfp-launcher being admitted) and doctor (a namespace's
// kfp-launcher, or its absence): without defaultPipelineRoot and providers, KFP's driver uses its
// installation defaults, a root shared by every namespace.
import { finding } from '../checks/finding.ts';
import type { Finding } from '../findings.ts';

const STORAGE_KEYS = ['defaultPipelineRoot', 'providers'];

/**
 * `data` is kfp-launcher's data, or `undefined` when the namespace has none; `defaultRoot` is the
 * root KFP then uses. The finding is `ok` when kfp-launcher sets what KFP reads for storage.
 */
export function launcherPresence(namespace: string, data: Record<string, string> | undefined, defaultRoot: string): Finding {
  const fix = `set defaultPipelineRoot in kfp-launcher to a root under ${namespace}'s own prefix`;
  if (data === undefined) {
    return finding(
      'launcherMissing',
      'warn',
      `no kfp-launcher in ${namespace}: runs use KFP's default root ${defaultRoot} (shared, not namespace-scoped)`,
      `create kfp-launcher: ${fix}`,
    );
  }
  if (!Object.keys(data).some((k) => STORAGE_KEYS.includes(k))) {
    const what = Object.keys(data).length === 0 ? 'has no data' : 'sets neither defaultPipelineRoot nor providers';
    return finding(
      'launcherMissing',
      'warn',
      `kfp-launcher in ${namespace} ${what}: runs use KFP's default root ${defaultRoot} (shared, not namespace-scoped)`,
      fix,
    );
  }
  return finding('launcherMissing', 'ok', 'kfp-launcher present', '');
}
