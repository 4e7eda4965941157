// Lists each namespace's current store (its own session and Secret) before anything changes, for
// the `leftBehind`/`copyPlan` pre-flight findings: what --copy-artifacts will copy, or what stays behind.
// Bounded: at most MAX_COUNTED objects are counted per namespace, four namespaces at a time, and a
// store that cannot be reached at all is tried once per endpoint, not once per namespace.
import type { SnapshotIndex } from '../../settings/cluster/snapshot.ts';
import type { DoctorFinding } from '../../settings/doctor/finding.ts';
import { namespaceView } from '../../settings/inspect/namespace-view.ts';
import type { NamespacePlan } from '../../settings/migrate/plan.ts';
import { copyPlanFinding, leftBehindFinding, unlistedFinding } from '../../settings/migrate/store-findings.ts';
import type { MigrationTarget } from '../../settings/migrate/migration-target.ts';
import type { Source } from '../source/source.ts';
import { makeS3Client } from '../s3/client.ts';
import { listPrefix } from '../s3/copy/list.ts';
import { isInternal } from '../s3/copy/upload-journal.ts';
import type { Location } from '../s3/copy/run.ts';
import { describeS3Error, errorFields } from '../s3/errors.ts';
import { currentLocation } from './artifacts.ts';

const MAX_COUNTED = 100_000;
const PARALLEL = 4;

interface Counts {
  objects: number;
  bytes: number;
  multipart: number;
  truncated: boolean;
}

type Counted = Counts | { error: string; unreachable: boolean };

async function countObjects(from: Location): Promise<Counted> {
  const client = makeS3Client(from.target, { timeoutMs: 10_000 });
  const n: Counts = { objects: 0, bytes: 0, multipart: 0, truncated: false };
  try {
    for await (const o of listPrefix(client, from.bucket, from.prefix)) {
      if (isInternal(o.key.slice(from.prefix.length))) continue;
      if (n.objects === MAX_COUNTED) {
        n.truncated = true;
        break;
      }
      n.objects++;
      n.bytes += o.size;
      if (/-\d+$/.test(o.etag)) n.multipart++;
    }
    return n;
  } catch (e) {
    // No HTTP status: the endpoint itself did not answer (the same for every namespace on it).
    return {
      error: describeS3Error(e, { op: 'ListObjectsV2', target: from.target, bucket: from.bucket }).message,
      unreachable: errorFields(e).status === undefined,
    };
  } finally {
    client.destroy();
  }
}

/** What the pre-flight listed per namespace: a copy must leave at least this much at the target. */
export type Listed = Map<string, { objects: number; truncated: boolean }>;

export async function storeFindings(
  index: SnapshotIndex,
  source: Source,
  plans: NamespacePlan[],
  target: MigrationTarget,
  copy: boolean,
): Promise<{ findings: DoctorFinding[]; listed: Listed }> {
  const check = copy ? 'copyPlan' : 'leftBehind';
  const unreachable = new Map<string, Counted>();
  const listed: Listed = new Map();
  const one = async (plan: NamespacePlan): Promise<DoctorFinding> => {
    const ns = plan.namespace;
    const from = currentLocation(index, source, ns);
    if ('error' in from) return unlistedFinding(ns, check, from.error);
    const endpoint = from.target.endpoint ?? `aws:${from.target.region}`;
    const n = unreachable.get(endpoint) ?? (await countObjects(from));
    if ('error' in n) {
      if (n.unreachable) unreachable.set(endpoint, n);
      return unlistedFinding(ns, check, n.error);
    }
    listed.set(ns, { objects: n.objects, truncated: n.truncated });
    const secretName = namespaceView(index, ns).credentials.secret?.name;
    const listing = {
      namespace: ns,
      from: `s3://${from.bucket}/${from.prefix}`,
      to: `s3://${target.bucket}/${from.prefix}`,
      ...n,
      ...(secretName === undefined ? {} : { secretName }),
    };
    return copy ? copyPlanFinding(listing) : leftBehindFinding(listing);
  };
  const out: DoctorFinding[] = new Array<DoctorFinding>(plans.length);
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < plans.length; i = next++) {
      const plan = plans[i];
      if (plan !== undefined) out[i] = await one(plan);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, plans.length) }, worker));
  return { findings: out, listed };
}
