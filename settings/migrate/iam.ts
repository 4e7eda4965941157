// Least-privilege IAM policies in deployKF's shape: a namespace's credentials may locate and list
// the bucket and read/write/delete only under its own prefixes (KFP root and Argo's); the backend
// (API server, UI) gets every namespace's prefixes plus `pipelines/`.
import { argoPrefixTemplate, namespaceLayout } from './layout.ts';
import type { MigrationTarget } from './migration-target.ts';

export interface IamStatement {
  Effect: 'Allow';
  Action: string[];
  Resource: string[];
}

export interface IamPolicy {
  Version: '2012-10-17';
  Statement: IamStatement[];
}

const BUCKET_ACTIONS = ['s3:GetBucketLocation', 's3:ListBucket'];
const OBJECT_ACTIONS = ['s3:GetObject', 's3:PutObject', 's3:DeleteObject'];

export function namespacePolicy(target: MigrationTarget, namespace: string): IamPolicy {
  const layout = namespaceLayout(target, namespace);
  return policy(target.bucket, [layout.argoPrefix, layout.rootPrefix]);
}

/** The KFP backend's policy: pipeline definitions and every namespace's prefixes. */
export function backendPolicy(target: MigrationTarget): IamPolicy {
  const everyProfile = (template: string): string => {
    const at = template.indexOf('{profile}');
    return at < 0 ? template : template.slice(0, at).replace(/\/$/, '');
  };
  const rootPath = target.rootTemplate.replace(/^s3:\/\/[^/]+\/?/, '');
  return policy(target.bucket, [everyProfile(argoPrefixTemplate(target)), 'pipelines', everyProfile(rootPath)]);
}

function policy(bucket: string, prefixes: string[]): IamPolicy {
  const arn = `arn:aws:s3:::${bucket}`;
  // A prefix of '' (root template at the bucket's top) grants the whole bucket: say so, don't hide it.
  // A prefix inside another one adds nothing (private-artifacts/<ns>/v2/artifacts under private-artifacts/<ns>).
  const kept = [...new Set(prefixes)].filter((p) => !prefixes.some((q) => q !== p && (q === '' || p.startsWith(`${q}/`))));
  const objects = kept.map((p) => (p === '' ? `${arn}/*` : `${arn}/${p}/*`));
  return {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Action: [...BUCKET_ACTIONS], Resource: [arn] },
      { Effect: 'Allow', Action: [...OBJECT_ACTIONS], Resource: objects },
    ],
  };
}

/** JSON as written to a file or printed: two-space indent, trailing newline. */
export function policyJson(policy: IamPolicy): string {
  return `${JSON.stringify(policy, null, 2)}\n`;
}
