// `isolation`: can namespace A reach namespace B's artifacts with A's own credentials?
// Works on a key known to exist under B's prefix (seeded with B's credentials, or found by
// listing with them), because 403 vs 404 on a missing key says nothing about isolation.
import { randomUUID } from 'node:crypto';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, ListObjectsV2Command, PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { checkId } from '../../settings/checks/registry.ts';
import type { Level } from '../../settings/findings.ts';
import { LEVEL_RANK } from '../../settings/findings.ts';
import type { S3ClientOptions } from './client.ts';
import { PROBE_DIR, attempt, evidenceOf, guarded, location, probeFinding, withClient } from './probe-common.ts';
import type { Outcome, ProbeFinding, ProbeTenant } from './probe-common.ts';
import { redactKeyId } from './launcher-connection.ts';

const ID = 'isolation';

/** What one cross-tenant request tells about isolation. */
type Verdict = 'allowed' | 'denied' | 'isolated' | 'inconclusive';

function verdict(o: Outcome<unknown>): Verdict {
  if (o.ok) return 'allowed';
  switch (o.error.kind) {
    case 'access-denied':
      return 'denied';
    // The key exists in B's bucket, so a 404 means A's requests land in another bucket namespace.
    case 'no-such-bucket':
    case 'no-such-key':
      return 'isolated';
    default:
      return 'inconclusive'; // e.g. A's own credentials are rejected: that proves nothing here
  }
}

export async function probeIsolation(a: ProbeTenant, b: ProbeTenant, opts: { write: boolean } & S3ClientOptions): Promise<ProbeFinding> {
  const pair = `${a.namespace} → ${b.namespace}`;
  if (a.target.credentials === undefined || b.target.credentials === undefined) {
    return probeFinding(
      ID,
      'info',
      a.namespace,
      `${pair}: skipped: fromEnv credentials exist only inside the pipeline pods`,
      'run the probe where both namespaces have secretRef credentials',
    );
  }
  return guarded(ID, a, () => withClient(b, opts, (cb) => withClient(a, opts, (ca) => isolation(a, b, ca, cb, opts.write, pair))));
}

async function isolation(a: ProbeTenant, b: ProbeTenant, ca: S3Client, cb: S3Client, write: boolean, pair: string): Promise<ProbeFinding> {
  const evidence: Record<string, string> = {};
  const Bucket = b.bucket;
  let key: string;
  let seeded = false;
  if (write) {
    key = `${b.prefix}${PROBE_DIR}canary-${randomUUID()}`;
    const seed = await attempt(b, 'PutObject', key, () =>
      cb.send(new PutObjectCommand({ Bucket, Key: key, Body: `kfstore canary for ${b.namespace}\n` })),
    );
    evidence[`PutObject canary (${b.namespace})`] = evidenceOf(seed);
    if (!seed.ok) {
      return probeFinding(
        ID,
        'info',
        a.namespace,
        `${pair}: skipped: could not seed a canary with ${b.namespace}'s credentials: ${seed.error.message}`,
        `fix ${checkId('bucketReachable')}/${checkId('roundTrip')} for the other namespace first`,
        evidence,
      );
    }
    seeded = true;
  } else {
    const list = await attempt(b, 'ListObjectsV2', undefined, () =>
      cb.send(new ListObjectsV2Command({ Bucket, Prefix: b.prefix, MaxKeys: 1 })),
    );
    evidence[`ListObjectsV2 (${b.namespace})`] = evidenceOf(list);
    const found = list.ok ? list.value.Contents?.[0]?.Key : undefined;
    if (found === undefined) {
      const why = list.ok
        ? `no known object under ${location(b)}`
        : `cannot list ${location(b)} with its own credentials (${list.error.cause})`;
      return probeFinding(ID, 'info', a.namespace, `${pair}: skipped: ${why}`, 'run with --probe-write to seed a canary object', evidence);
    }
    key = found;
  }
  evidence.key = location(b, key);

  const results: string[] = [];
  let level: Level = 'ok';
  const raise = (l: Level, message: string): void => {
    results.push(message);
    if (LEVEL_RANK[l] > LEVEL_RANK[level]) level = l;
  };
  try {
    const get = await attempt(a, 'GetObject', key, async () => {
      // One byte is proof enough; the known key may be a multi-GB model.
      const out = await ca.send(new GetObjectCommand({ Bucket, Key: key, Range: 'bytes=0-0' }));
      await out.Body?.transformToByteArray(); // drain so the connection is released
      return out;
    });
    const head = await attempt(a, 'HeadObject', key, () => ca.send(new HeadObjectCommand({ Bucket, Key: key })));
    const list = await attempt(a, 'ListObjectsV2', undefined, () =>
      ca.send(new ListObjectsV2Command({ Bucket, Prefix: b.prefix, MaxKeys: 100 })),
    );
    evidence[`GetObject (${a.namespace})`] = evidenceOf(get);
    evidence[`HeadObject (${a.namespace})`] = evidenceOf(head);
    evidence[`ListObjectsV2 (${a.namespace})`] = evidenceOf(list);
    // A 404 on the known key: A lists its own bucket of the same name, not B's.
    const otherNamespace = verdict(get) === 'isolated' || verdict(head) === 'isolated';

    for (const [op, o] of [
      ['GetObject', get],
      ['HeadObject', head],
    ] as const) {
      const v = verdict(o);
      if (v === 'allowed')
        raise('error', `namespace ${a.namespace} can read ${b.namespace}'s artifacts: ${op} ${location(b, key)} allowed`);
      if (v === 'inconclusive' && !o.ok) raise('warn', `inconclusive: ${op} ${o.error.cause}`);
    }
    if (list.ok && !otherNamespace) {
      // Keys under A's own prefix in a shared bucket are A's, not a leak.
      const foreign = (list.value.Contents ?? []).filter(
        (o) => o.Key !== undefined && !(a.bucket === b.bucket && a.prefix !== '' && o.Key.startsWith(a.prefix)),
      );
      evidence[`ListObjectsV2 (${a.namespace})`] = `${list.status}, ${foreign.length} key(s) of ${b.namespace}`;
      if (foreign.length > 0) raise('warn', `namespace ${a.namespace} can list ${b.namespace}'s keys under ${location(b)} (names only)`);
    } else if (!list.ok && verdict(list) === 'inconclusive') {
      raise('warn', `inconclusive: ListObjectsV2 ${list.error.cause}`);
    }

    if (write) {
      const intruder = `${b.prefix}${PROBE_DIR}intrusion-${randomUUID()}`;
      const put = await attempt(a, 'PutObject', intruder, () =>
        ca.send(new PutObjectCommand({ Bucket, Key: intruder, Body: `kfstore intrusion test by ${a.namespace}\n` })),
      );
      evidence[`PutObject (${a.namespace})`] = evidenceOf(put);
      if (put.ok) {
        // Where did it land? If B cannot see it, A wrote into its own bucket of the same name.
        const seen = await attempt(b, 'HeadObject', intruder, () => cb.send(new HeadObjectCommand({ Bucket, Key: intruder })));
        evidence[`HeadObject intrusion (${b.namespace})`] = evidenceOf(seen);
        if (seen.ok || !otherNamespace) raise('error', `namespace ${a.namespace} can write into ${location(b)}: PutObject allowed`);
        const left = await removeWithEither(a, b, ca, cb, intruder, evidence);
        if (left !== undefined) raise('error', left);
      } else if (verdict(put) === 'inconclusive') {
        raise('warn', `inconclusive: PutObject ${put.error.cause}`);
      }
    }
  } finally {
    if (seeded) {
      const del = await attempt(b, 'DeleteObject', key, () => cb.send(new DeleteObjectCommand({ Bucket, Key: key })));
      evidence[`DeleteObject canary (${b.namespace})`] = evidenceOf(del);
      if (!del.ok) raise('error', `canary left behind: ${location(b, key)} (${del.error.cause})`);
    }
  }

  const shared = a.target.credentials?.accessKeyId === b.target.credentials?.accessKeyId;
  const sharedNote = shared ? ` (both namespaces use access key ${redactKeyId(a.target.credentials?.accessKeyId ?? '')})` : '';
  if (level === 'ok') {
    const how = [evidence[`GetObject (${a.namespace})`], evidence[`HeadObject (${a.namespace})`]].some((e) => e?.startsWith('404'))
      ? `${a.namespace}'s credentials reach a different bucket namespace`
      : 'requests are denied';
    return probeFinding(
      ID,
      'ok',
      a.namespace,
      `${pair}: ${a.namespace} cannot read, list${write ? ' or write' : ''} ${location(b)}: ${how}`,
      '',
      evidence,
    );
  }
  return probeFinding(ID, level, a.namespace, `${pair}: ${results.join('; ')}${sharedNote}`, fixFor(level, shared, a, b), evidence);
}

function fixFor(level: Level, shared: boolean, a: ProbeTenant, b: ProbeTenant): string {
  if (shared)
    return `give each namespace its own credentials: ${a.namespace} and ${b.namespace} share one access key, so the store cannot tell them apart`;
  if (level === 'error')
    return `restrict ${a.namespace}'s credentials to its own bucket or prefix (per-namespace buckets, or a policy limiting s3:GetObject/PutObject to ${a.bucket}/${a.prefix}*)`;
  if (level === 'warn')
    return `${a.namespace}'s credentials can list ${location(b)} (SeaweedFS < 4.32 ignores s3:prefix conditions; KFP 2.17 expects >= 4.32): upgrade SeaweedFS or move to per-namespace buckets; if inconclusive, fix ${checkId('bucketReachable')} for ${a.namespace} first`;
  return '';
}

/** Removes an object A managed to write into B's prefix, with A's or else B's credentials. */
async function removeWithEither(
  a: ProbeTenant,
  b: ProbeTenant,
  ca: S3Client,
  cb: S3Client,
  key: string,
  evidence: Record<string, string>,
): Promise<string | undefined> {
  const byA = await attempt(a, 'DeleteObject', key, () => ca.send(new DeleteObjectCommand({ Bucket: b.bucket, Key: key })));
  evidence[`DeleteObject intrusion (${a.namespace})`] = evidenceOf(byA);
  if (byA.ok) return undefined;
  const byB = await attempt(b, 'DeleteObject', key, () => cb.send(new DeleteObjectCommand({ Bucket: b.bucket, Key: key })));
  evidence[`DeleteObject intrusion (${b.namespace})`] = evidenceOf(byB);
  return byB.ok ? undefined : `test object left behind: ${location(b, key)} (${byB.error.cause})`;
}
