// Lists each namespace's current store (its own session and Secret) before anything changes, for
// the KFS073/KFS074 pre-flight findings: what --copy-artifacts will copy, or what stays behind.
import type { SnapshotIndex } from '../../settings/cluster/snapshot.ts';
import type { DoctorFinding } from '../../settings/doctor/finding.ts';
import { namespaceView } from '../../settings/inspect/namespace-view.ts';
import type { NamespacePlan } from '../../settings/migrate/plan.ts';
import { copyPlanFinding, leftBehindFinding, unlistedFinding } from '../../settings/migrate/store-findings.ts';
import type { MigrationTarget } from '../../settings/migrate/target.ts';
import type { Source } from '../commands/source.ts';
import { makeS3Client } from '../s3/client.ts';
import { listPrefix } from '../s3/copy/list.ts';
import type { Location } from '../s3/copy/run.ts';
import { describeS3Error } from '../s3/errors.ts';
import { currentLocation } from './artifacts.ts';

interface Counts {
  objects: number;
  bytes: number;
  multipart: number;
}

async function countObjects(from: Location): Promise<Counts | { error: string }> {
  const client = makeS3Client(from.target, { timeoutMs: 30_000 });
  const n: Counts = { objects: 0, bytes: 0, multipart: 0 };
  try {
    for await (const o of listPrefix(client, from.bucket, from.prefix)) {
      n.objects++;
      n.bytes += o.size;
      if (/-\d+$/.test(o.etag)) n.multipart++;
    }
    return n;
  } catch (e) {
    return { error: describeS3Error(e, { op: 'ListObjectsV2', target: from.target, bucket: from.bucket }).message };
  } finally {
    client.destroy();
  }
}

export async function storeFindings(index: SnapshotIndex, source: Source, plans: NamespacePlan[], target: MigrationTarget, copy: boolean): Promise<DoctorFinding[]> {
  const id = copy ? 'KFS074' : 'KFS073';
  const out: DoctorFinding[] = [];
  for (const plan of plans) {
    const ns = plan.namespace;
    const from = currentLocation(index, source, ns);
    if ('error' in from) {
      out.push(unlistedFinding(ns, id, from.error));
      continue;
    }
    const n = await countObjects(from);
    if ('error' in n) {
      out.push(unlistedFinding(ns, id, n.error));
      continue;
    }
    const secretName = namespaceView(index, ns).credentials.secret?.name;
    const listing = { namespace: ns, from: `s3://${from.bucket}/${from.prefix}`, to: `s3://${target.bucket}/${from.prefix}`, ...n, ...(secretName === undefined ? {} : { secretName }) };
    out.push(copy ? copyPlanFinding(listing) : leftBehindFinding(listing));
  }
  return out;
}
