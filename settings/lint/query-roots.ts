// Query-string roots (deployKF's default): KFP ignores `providers` for them and hands the query to
// gocloud, whose accepted parameters changed when KFP 2.5 moved to gocloud v0.40 (AWS SDK v2).
import { finding } from '../checks/finding.ts';
import type { Finding } from '../findings.ts';
import type { PipelineRoot } from '../kfp/pipeline-root.ts';
import type { KfpRules } from '../kfp/versions.ts';

const COMMON = ['region', 'endpoint', 'profile', 'dualstack', 'fips', 'awssdk', 'prefix', 'key'];
const SDK_V2 = [
  ...COMMON,
  'hostname_immutable',
  'rate_limiter_capacity',
  'use_path_style',
  'disable_https',
  'ssetype',
  'kmskeyid',
  'accelerate',
];
const SDK_V1 = [...COMMON, 'disable_ssl', 'disableSSL', 's3_force_path_style', 's3ForcePathStyle'];

export function queryFindings(root: PipelineRoot, rules: KfpRules): Finding[] {
  if (root.query === '' || (root.scheme !== 's3' && root.scheme !== 'minio')) return [];
  const params = new URLSearchParams(root.query.slice(1));
  // Before 2.2 there is no providers to move the settings into.
  const fix = rules.providers
    ? 'move endpoint/region into providers.s3.default and drop the query string'
    : 'keep the query string (KFP before 2.2 reads no providers), or upgrade KFP and use providers.s3.default';
  const out = [
    finding(
      'queryRoot',
      'warn',
      `query-string root ${root.scheme}://${root.bucket}/...: KFP ignores providers and uses env credentials`,
      fix,
      'data.defaultPipelineRoot',
    ),
  ];
  // gocloud's accepted parameters before 2.5 (v0.22/v0.23) are not checked here.
  if (!rules.gocloudSdkV2Query) return out;
  const v1 = params.get('awssdk') === 'v1';
  const accepted = v1 ? SDK_V1 : SDK_V2;
  const rejected = [...new Set(params.keys())].filter((k) => !accepted.includes(k));
  if (rejected.length > 0) {
    const names = rejected.slice(0, 3).join(', ');
    out.push(
      finding(
        'queryRoot',
        'warn',
        `KFP >= 2.5 rejects root query parameter ${names} ("unknown query parameter")`,
        v1 ? 'remove the parameter' : 'append &awssdk=v1, or use use_path_style/disable_https',
        'data.defaultPipelineRoot',
      ),
    );
  }
  return out;
}
