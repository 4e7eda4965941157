// `lifecycle`: does a lifecycle rule of the namespace's bucket abort incomplete multipart uploads under its
// prefix? Without one a killed upload's parts are kept (and billed) until someone aborts them, and nothing
// expires artifacts. Decided on GetBucketLifecycleConfiguration's answer, which the edge fetches with the
// namespace's own credentials; rules arrive in the S3 API's shape (Filter.Prefix, Filter.And.Prefix, legacy Prefix).
import { doctorFinding } from '../finding.ts';
import type { DoctorFinding } from '../finding.ts';

/** One rule as GetBucketLifecycleConfiguration returns it (the fields this check reads). */
export interface S3LifecycleRule {
  ID?: string;
  Status?: string;
  Prefix?: string;
  Filter?: {
    Prefix?: string;
    Tag?: unknown;
    ObjectSizeGreaterThan?: number;
    ObjectSizeLessThan?: number;
    And?: { Prefix?: string; Tags?: unknown[] };
  };
  AbortIncompleteMultipartUpload?: { DaysAfterInitiation?: number };
  Expiration?: { Days?: number; Date?: unknown };
}

export type LifecycleAnswer =
  | { kind: 'rules'; rules: S3LifecycleRule[] }
  /** 404 NoSuchLifecycleConfiguration: the bucket has none. */
  | { kind: 'none' }
  /** The store does not implement reading it: 501 NotImplemented, or a 200 without any rule (S3 never answers so). */
  | { kind: 'unsupported'; detail: string }
  /** 403: these credentials may not read it (s3:GetLifecycleConfiguration). */
  | { kind: 'denied'; detail: string }
  | { kind: 'failed'; detail: string };

/** The key prefix a rule applies to; undefined when it also filters on tags or size (not every upload). */
function rulePrefix(r: S3LifecycleRule): string | undefined {
  const f = r.Filter;
  if (f === undefined) return r.Prefix ?? '';
  if (f.Tag !== undefined || f.ObjectSizeGreaterThan !== undefined || f.ObjectSizeLessThan !== undefined) return undefined;
  if (f.And !== undefined) return (f.And.Tags ?? []).length > 0 ? undefined : (f.And.Prefix ?? '');
  return f.Prefix ?? '';
}

function covering(rules: S3LifecycleRule[], prefix: string): S3LifecycleRule[] {
  return rules.filter((r) => {
    const p = rulePrefix(r);
    return r.Status === 'Enabled' && p !== undefined && prefix.startsWith(p);
  });
}

export function lifecycleFinding(namespace: string, bucket: string, prefix: string, answer: LifecycleAnswer): DoctorFinding {
  const where = `s3://${bucket}/${prefix}`;
  const obj = { kind: 'Bucket', name: bucket };
  const info = (message: string, fix: string): DoctorFinding => doctorFinding('lifecycle', 'info', namespace, obj, message, fix);
  const addRule = `add a lifecycle rule for ${where} with AbortIncompleteMultipartUpload (and Expiration if artifacts should not be kept forever)`;
  switch (answer.kind) {
    case 'none':
      return info(
        `s3://${bucket} has no lifecycle configuration: incomplete uploads under ${where} are never aborted and artifacts never expire`,
        addRule,
      );
    case 'unsupported':
      return info(
        `the store does not support reading s3://${bucket}'s lifecycle configuration (${answer.detail}): whether incomplete uploads are aborted is unknown`,
        "check the store's own retention settings; doctor --probe reports stale incomplete uploads it finds",
      );
    case 'denied':
      return info(
        `${namespace}'s credentials may not read s3://${bucket}'s lifecycle configuration (${answer.detail}): whether incomplete uploads are aborted is unknown`,
        'check the bucket with administrator credentials (aws s3api get-bucket-lifecycle-configuration)',
      );
    case 'failed':
      return info(`could not read s3://${bucket}'s lifecycle configuration: ${answer.detail}`, '');
    case 'rules': {
      const rules = covering(answer.rules, prefix);
      const abort = rules.find((r) => r.AbortIncompleteMultipartUpload?.DaysAfterInitiation !== undefined);
      const expire = rules.find((r) => r.Expiration !== undefined);
      const expiry = expire?.Expiration?.Days !== undefined ? `; artifacts expire after ${expire.Expiration.Days} days` : '';
      if (abort !== undefined)
        return doctorFinding(
          'lifecycle',
          'ok',
          namespace,
          obj,
          `rule ${abort.ID ?? '(no id)'} aborts incomplete uploads under ${where} after ${abort.AbortIncompleteMultipartUpload?.DaysAfterInitiation} days${expiry}`,
          '',
        );
      return info(
        `no enabled lifecycle rule of s3://${bucket} aborts incomplete multipart uploads under ${where}${expiry === '' ? ' (nor expires artifacts)' : expiry}: their parts are kept until aborted`,
        addRule,
      );
    }
  }
}
