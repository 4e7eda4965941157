// Which namespaces can switch now (stage.ts): the target credentials must be known (cloned with
// --clone-secret-from, or already filled into the planned Secret) and the target bucket must answer
// to them (HeadBucket, connecting exactly as the planned session will). Secret values only sign
// the request; they are never printed.
import { HeadBucketCommand } from '@aws-sdk/client-s3';
import type { NamespacePlan } from '../../settings/migrate/plan.ts';
import type { MigrationTarget } from '../../settings/migrate/migration-target.ts';
import type { Source } from '../source/source.ts';
import { makeS3Client } from '../s3/client.ts';
import { describeS3Error } from '../s3/errors.ts';
import { targetFromSession } from '../s3/launcher-connection.ts';
import type { S3Credentials, S3Target } from '../s3/launcher-connection.ts';
import { secretValue } from '../secrets/facts.ts';
import { readObject } from './objects.ts';

export type Readiness =
  /** Known credentials, and the target answered to them (or --skip-target-check). */
  | { state: 'switch'; s3: S3Target }
  /** Credentials not known yet: only the Secret template is written. */
  | { state: 'stage' }
  /** A clone source that cannot be used, or a target that refuses the credentials: nothing is written. */
  | { state: 'refused'; why: string };

type RawSecret = { data?: Record<string, string> | null; stringData?: Record<string, string> | null };
type Known = { credentials: S3Credentials } | { unknown: true } | { error: string };

async function targetCredentials(source: Source, plan: NamespacePlan, target: MigrationTarget): Promise<Known> {
  const secret = plan.changes.find((c) => c.kind === 'Secret');
  const keys = [target.secret.accessKeyKey, target.secret.secretKeyKey] as const;
  const values = (raw: RawSecret): string[] => keys.map((k) => secretValue(raw, k) ?? '');
  if (secret?.cloneFrom !== undefined) {
    const { namespace, name } = secret.cloneFrom;
    const raw =
      source.rawSecrets.get(`${namespace}/${name}`) ??
      (source.api === undefined ? undefined : await readObject(source.api, 'Secret', namespace, name));
    if (raw === undefined) return { error: `--clone-secret-from: Secret ${namespace}/${name} does not exist` };
    const [accessKeyId = '', secretAccessKey = ''] = values(raw);
    if (accessKeyId === '' || secretAccessKey === '')
      return {
        error: `--clone-secret-from: Secret ${namespace}/${name} has no value for ${keys.filter((_, i) => values(raw)[i] === '').join(', ')}`,
      };
    return { credentials: { accessKeyId, secretAccessKey } };
  }
  const raw = source.rawSecrets.get(`${plan.namespace}/${plan.secretName}`);
  const [accessKeyId = '', secretAccessKey = ''] = raw === undefined ? [] : values(raw);
  return accessKeyId === '' || secretAccessKey === '' ? { unknown: true } : { credentials: { accessKeyId, secretAccessKey } };
}

/** The connection the planned kfp-launcher's session gives (providersText's fields). */
function targetS3(target: MigrationTarget, credentials: S3Credentials): S3Target {
  return targetFromSession(
    {
      endpoint: target.endpoint,
      region: target.region,
      disableSSL: String(target.disableSSL),
      forcePathStyle: String(target.forcePathStyle),
    },
    credentials,
  );
}

/** undefined when the bucket answers; else one line naming endpoint and bucket. */
async function checkTarget(s3: S3Target, bucket: string): Promise<string | undefined> {
  const client = makeS3Client(s3, { timeoutMs: 10_000 });
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucket }));
    return undefined;
  } catch (e) {
    return describeS3Error(e, { op: 'HeadBucket', target: s3, bucket }).message;
  } finally {
    client.destroy();
  }
}

/** Per namespace; the target is checked once per distinct set of credentials. */
export async function assessReadiness(
  source: Source,
  plans: NamespacePlan[],
  target: MigrationTarget,
  skipCheck: boolean,
): Promise<Map<string, Readiness>> {
  const out = new Map<string, Readiness>();
  const checked = new Map<string, string | undefined>();
  for (const plan of plans) {
    const known = await targetCredentials(source, plan, target);
    if ('error' in known) out.set(plan.namespace, { state: 'refused', why: known.error });
    else if ('unknown' in known) out.set(plan.namespace, { state: 'stage' });
    else {
      const s3 = targetS3(target, known.credentials);
      const key = `${known.credentials.accessKeyId}\u0000${known.credentials.secretAccessKey}`;
      if (!skipCheck && !checked.has(key)) checked.set(key, await checkTarget(s3, target.bucket));
      const problem = skipCheck ? undefined : checked.get(key);
      out.set(
        plan.namespace,
        problem === undefined ? { state: 'switch', s3 } : { state: 'refused', why: `target check failed: ${problem}` },
      );
    }
  }
  return out;
}
