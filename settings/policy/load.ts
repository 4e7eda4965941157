// Reads a StorePolicy document: schema first, then what a schema cannot say (templates, and that
// every profile resolves to a usable root, Secret name or role ARN). Errors carry the field path.
import { parse as parseYaml } from 'yaml';
import { parsePipelineRoot } from '../kfp/pipeline-root.ts';
import { resolveProfile } from './resolve.ts';
import { storePolicySchema } from './schema.ts';
import type { StorePolicy } from './schema.ts';
import { templateProblems } from './template.ts';
import type { Placeholder } from './template.ts';

export type PolicyResult = { ok: true; policy: StorePolicy } | { ok: false; errors: string[] };

const SAMPLE_PROFILE = 'kfstore-sample-profile';
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9.]*[a-z0-9])?$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::\d{12}:role\/[\w+=,.@/-]+$/;

export function loadPolicy(text: string): PolicyResult {
  let doc: unknown;
  try {
    doc = parseYaml(text, { prettyErrors: true });
  } catch (e) {
    return { ok: false, errors: [`not valid YAML: ${e instanceof Error ? e.message.split('\n')[0] : String(e)}`] };
  }
  const parsed = storePolicySchema.safeParse(doc);
  if (!parsed.success) {
    return {
      ok: false,
      errors: parsed.error.issues.map((i) => {
        const path = i.path.map(String).join('.');
        // A bad record key reports its own reason one level down.
        const message = i.code === 'invalid_key' ? (i.issues[0]?.message ?? i.message) : i.message;
        return `${path === '' ? '(top level)' : path}: ${message}`;
      }),
    };
  }
  const errors = [...templateErrors(parsed.data), ...resolutionErrors(parsed.data)];
  return errors.length > 0 ? { ok: false, errors } : { ok: true, policy: parsed.data };
}

function templateErrors(policy: StorePolicy): string[] {
  const errors: string[] = [];
  const check = (path: string, value: string | undefined, allowed: Placeholder[]): void => {
    if (value === undefined) return;
    for (const p of templateProblems(value, allowed)) errors.push(`${path}: ${p}`);
  };
  const sections: [string, Partial<StorePolicy['store']>][] = [
    ['store', policy.store],
    ...Object.entries(policy.profiles).map(([n, p]): [string, Partial<StorePolicy['store']>] => [`profiles.${n}`, p]),
  ];
  for (const [at, s] of sections) {
    check(`${at}.bucket`, s.bucket, ['profile']);
    check(`${at}.pipelineRoot`, s.pipelineRoot, ['profile', 'bucket']);
    check(`${at}.endpoint`, s.endpoint, []);
    check(`${at}.auth.secret.name`, s.auth?.secret?.name, ['profile', 'bucket']);
    check(`${at}.auth.webIdentity.roleArn`, s.auth?.webIdentity?.roleArn, ['profile', 'bucket']);
    check(`${at}.gcpServiceAccount`, s.gcpServiceAccount, ['profile']);
  }
  return errors;
}

// Resolve a sample profile and every named one: what comes out must be usable as-is.
function resolutionErrors(policy: StorePolicy): string[] {
  if (templateErrors(policy).length > 0) return [];
  const errors: string[] = [];
  for (const profile of [SAMPLE_PROFILE, ...Object.keys(policy.profiles)]) {
    const at = profile === SAMPLE_PROFILE ? 'store' : `profiles.${profile}`;
    const s = resolveProfile(policy, profile);
    if (!/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(s.bucket)) errors.push(`${at}.bucket: '${s.bucket}' is not a valid bucket name`);
    const root = parsePipelineRoot(s.pipelineRoot);
    if (!root.ok) errors.push(`${at}.pipelineRoot: ${root.error}`);
    else if (root.value.scheme !== 's3' && root.value.scheme !== 'minio')
      errors.push(`${at}.pipelineRoot: scheme must be s3:// or minio://, not ${root.value.scheme}://`);
    else if (root.value.bucket !== s.bucket)
      errors.push(`${at}.pipelineRoot: bucket '${root.value.bucket}' differs from bucket '${s.bucket}' (use {bucket})`);
    else if (root.value.query !== '')
      errors.push(`${at}.pipelineRoot: a query string makes KFP ignore providers; use endpoint/region fields`);
    if (s.auth.kind === 'secret' && (s.auth.name.length > 253 || !DNS_SUBDOMAIN.test(s.auth.name)))
      errors.push(`${at}.auth.secret.name: '${s.auth.name}' is not a valid Secret name`);
    if (s.auth.kind === 'webIdentity' && !ROLE_ARN.test(s.auth.roleArn))
      errors.push(`${at}.auth.webIdentity.roleArn: '${s.auth.roleArn}' is not an IAM role ARN`);
  }
  return [...new Set(errors)];
}
