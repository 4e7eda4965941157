// `lifecycle` probe: GetBucketLifecycleConfiguration on the namespace's bucket with its own credentials,
// classified for settings/doctor/checks/lifecycle.ts. OpenStack Swift's s3api ignores ?lifecycle on GET and
// answers with the bucket listing (200, no rules), which S3 never does: that is a store without lifecycle.
import { GetBucketLifecycleConfigurationCommand } from '@aws-sdk/client-s3';
import { lifecycleFinding } from '../../settings/doctor/checks/lifecycle.ts';
import type { LifecycleAnswer, S3LifecycleRule } from '../../settings/doctor/checks/lifecycle.ts';
import type { S3ClientOptions } from './client.ts';
import { errorFields } from './errors.ts';
import { guarded, probeFinding, withClient } from './probe-common.ts';
import type { ProbeFinding, ProbeTenant } from './probe-common.ts';

const UNSUPPORTED = new Set(['NotImplemented', 'MethodNotAllowed', 'UnsupportedOperation']);

export async function probeLifecycle(t: ProbeTenant, opts: S3ClientOptions = {}): Promise<ProbeFinding> {
  if (t.target.credentials === undefined)
    return probeFinding('lifecycle', 'info', t.namespace, `skipped: s3://${t.bucket} is read with fromEnv credentials`, '');
  return guarded('lifecycle', t, () =>
    withClient(t, opts, async (c) => {
      const answer = await read(() => c.send(new GetBucketLifecycleConfigurationCommand({ Bucket: t.bucket })));
      return { ...lifecycleFinding(t.namespace, t.bucket, t.prefix, answer), namespace: t.namespace };
    }),
  );
}

async function read(get: () => Promise<{ Rules?: S3LifecycleRule[] }>): Promise<LifecycleAnswer> {
  try {
    const out = await get();
    const rules = out.Rules ?? [];
    return rules.length > 0 ? { kind: 'rules', rules } : { kind: 'unsupported', detail: 'it answered without a lifecycle configuration' };
  } catch (e) {
    const f = errorFields(e);
    const detail = f.status === undefined ? f.code : `${f.status} ${f.code}`;
    if (f.code === 'NoSuchLifecycleConfiguration') return { kind: 'none' };
    if (UNSUPPORTED.has(f.code) || f.status === 501 || f.status === 405) return { kind: 'unsupported', detail };
    if (f.status === 403) return { kind: 'denied', detail };
    return { kind: 'failed', detail };
  }
}
