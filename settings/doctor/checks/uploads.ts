// `incompleteUploads`: incomplete multipart uploads under a namespace's prefix. Stores keep (and bill) their
// parts until someone aborts them or a lifecycle rule (AbortIncompleteMultipartUpload) does; a copy
// killed mid-object leaves one. Those older than a day are stale; kfstore's own (recorded by
// migrate --copy-artifacts) are aborted by a re-run. The edge lists them and passes the time.
import { doctorFinding } from '../finding.ts';
import type { DoctorFinding } from '../finding.ts';

export const STALE_AFTER_MS = 24 * 60 * 60 * 1000;

export interface UploadListing {
  namespace: string;
  /** s3://bucket/prefix */
  where: string;
  /** Start times (ms since the epoch; undefined when the store gave none). */
  uploads: (number | undefined)[];
  /** How many of them migrate --copy-artifacts recorded (a re-run aborts those). */
  recorded: number;
  /** The listing stopped early: the figures are a lower bound. */
  truncated: boolean;
}

export function incompleteUploads(l: UploadListing, nowMs: number): DoctorFinding {
  const obj = { kind: 'Bucket', name: l.where };
  const evidence = { uploads: String(l.uploads.length), recorded: String(l.recorded) };
  if (l.uploads.length === 0)
    return doctorFinding('incompleteUploads', 'ok', l.namespace, obj, `no incomplete multipart uploads under ${l.where}`, '');
  const stale = l.uploads.filter((t) => t === undefined || nowMs - t > STALE_AFTER_MS);
  const count = `${l.truncated ? 'at least ' : ''}${l.uploads.length}`;
  const ours = l.recorded > 0 ? `${l.recorded} of them started by kubectl kfstore migrate --copy-artifacts` : '';
  if (stale.length === 0) {
    return doctorFinding(
      'incompleteUploads',
      'info',
      l.namespace,
      obj,
      `${count} multipart uploads under ${l.where} are in progress (started within 24 h)${ours === '' ? '' : `; ${ours}`}`,
      '',
      evidence,
    );
  }
  const known = stale.filter((t): t is number => t !== undefined);
  const oldest = known.length > 0 ? ` (oldest started ${new Date(Math.min(...known)).toISOString()})` : '';
  const rerun =
    l.recorded > 0 ? `re-run kubectl kfstore migrate --copy-artifacts for ${l.namespace} to abort the ${l.recorded} it started; ` : '';
  return doctorFinding(
    'incompleteUploads',
    'warn',
    l.namespace,
    obj,
    `${stale.length} of ${count} incomplete multipart uploads under ${l.where} were started more than 24 h ago${oldest}${ours === '' ? '' : `; ${ours}`}: the store keeps (and bills) their parts until they are aborted`,
    `${rerun}abort the others (aws s3api list-multipart-uploads, abort-multipart-upload) and add a lifecycle rule with AbortIncompleteMultipartUpload`,
    evidence,
  );
}
