// Findings that exist only on some KFP releases (settings/kfp/versions.ts says which and why):
// providers that a release does not read, fromEnv sessions whose region and endpoint a release
// ignores, minio:// with fromEnv, query-string roots before 2.1.
import { finding } from '../checks/finding.ts';
import type { Finding } from '../findings.ts';
import type { LauncherConfig } from '../kfp/launcher-config.ts';
import type { PipelineRoot } from '../kfp/pipeline-root.ts';
import type { StoreSession } from '../kfp/session.ts';
import { formatVersion } from '../kfp/versions.ts';
import type { KfpRules } from '../kfp/versions.ts';

export function kfpName(rules: KfpRules): string {
  return `KFP ${formatVersion(rules.version)}`;
}

/** KFP 2.0/2.1 never read providers: what it configures does nothing. */
export function providersIgnoredFindings(config: LauncherConfig): Finding[] {
  if (!config.providersIgnored) return [];
  return [
    finding(
      'providersInvalid',
      'warn',
      `${kfpName(config.rules)} ignores providers (read since 2.2.0): minio:// uses Secret mlpipeline-minio-artifact at ${config.rules.defaultMinioEndpoint}, s3:// and gs:// the pod's environment`,
      'upgrade KFP to 2.2 or later, or give pipeline pods AWS_REGION/AWS_ENDPOINT_URL and credentials (kfstore-webhook injects them from the StorePolicy)',
      'data.providers',
    ),
  ];
}

/**
 * fromEnv up to 2.16: the launcher opens `s3://bucket` with the pod's environment alone, so the
 * session's region and endpoint are ignored (MissingRegion, or AWS's endpoint instead of the
 * store's); and gocloud has no "minio" driver, so minio:// fails outright.
 */
export function fromEnvFindings(session: StoreSession, root: PipelineRoot, label: string, rules: KfpRules): Finding[] {
  const p = session.params;
  if (p.fromEnv !== 'true' || session.provider === 'gs' || rules.fromEnvHonoursProviderSettings || !rules.providers) return [];
  if (session.provider === 'minio' && p.endpoint !== undefined) {
    return [
      finding(
        'minioFromEnv',
        'warn',
        `${label}: minio:// with fromEnv fails on ${kfpName(rules)} (no gocloud driver for "minio"; works from 2.17)`,
        'use an s3:// root, or credentials.secretRef',
        label,
      ),
    ];
  }
  if (root.query !== '') return [];
  const ignored = [
    ['region', p.region],
    ['endpoint', p.endpoint],
  ]
    .filter(([, v]) => (v ?? '') !== '')
    .map(([k, v]) => `${k} ${v}`);
  if (ignored.length === 0) return [];
  return [
    finding(
      'region',
      'warn',
      `${label}: ${kfpName(rules)} ignores providers' ${ignored.join(' and ')} with fromEnv (honoured from 2.17): the pod's AWS_REGION/AWS_ENDPOINT_URL decide`,
      'let kfstore-webhook inject store.region and store.endpoint into pipeline pods, or use credentials.secretRef',
      label,
    ),
  ];
}

/** Before 2.1 KFP appended the run's path after a root's query string (fixed by commit 9a306129f8). */
export function queryRootVersionFindings(root: PipelineRoot, rules: KfpRules): Finding[] {
  if (root.query === '' || rules.queryRootsKeepPath) return [];
  return [
    finding(
      'queryRoot',
      'error',
      `${kfpName(rules)} appends each run's path after the query of ${root.scheme}://${root.bucket}${root.query.slice(0, 40)}: artifacts land in the wrong place (fixed in 2.1.0)`,
      'drop the query string, or upgrade KFP to 2.1 or later',
      'data.defaultPipelineRoot',
    ),
  ];
}

/** For a providers key this release does not know but a later one reads: since which release. */
export function laterFieldNote(key: string, rules: KfpRules): string | undefined {
  if (key === 'forcePathStyle' && !rules.forcePathStyle) return `${kfpName(rules)} ignores it (read since 2.4.0)`;
  if (key === 'maxRetries' && !rules.maxRetries) return `${kfpName(rules)} ignores it (read since 2.15.0)`;
  return undefined;
}
