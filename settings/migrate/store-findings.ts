// Pre-flight findings about the objects a namespace already has in its current store, from a
// listing the edge made (leftBehind, copyPlan). Counts and names only, never contents.
import { doctorFinding } from '../doctor/finding.ts';
import type { DoctorFinding } from '../doctor/finding.ts';

export interface StoreListing {
  namespace: string;
  /** Where the objects are, as s3://bucket/prefix. */
  from: string;
  /** Where --copy-artifacts puts them. */
  to: string;
  objects: number;
  bytes: number;
  /** Objects with multipart ETags ("-N"): no MD5 to compare, across stores or at all. */
  multipart: number;
  /** Counting stopped early: the figures are a lower bound. */
  truncated?: boolean;
  /** The Secret the old session reads its keys from. */
  secretName?: string;
}

/** `copyPlan` with --copy-artifacts: what will be copied and how it is verified. */
export function copyPlanFinding(l: StoreListing): DoctorFinding {
  const multipart =
    l.multipart > 0
      ? `; ${l.multipart} have multipart ETags (no MD5 to compare), so every object is verified by size and SHA-256 while streaming, not by ETag`
      : '';
  return doctorFinding(
    'copyPlan',
    'info',
    l.namespace,
    undefined,
    `${amount(l)} under ${l.from} will be copied to ${l.to} under the same keys${multipart}`,
    'a re-run skips objects already copied (same size and checksum)',
    { objects: String(l.objects), bytes: String(l.bytes) },
  );
}

/** `leftBehind` without --copy-artifacts: existing objects stay behind, and runs point at them. */
export function leftBehindFinding(l: StoreListing): DoctorFinding {
  if (l.objects === 0)
    return doctorFinding('leftBehind', 'ok', l.namespace, undefined, `no objects under ${l.from}: nothing is left behind`, '');
  const keep = l.secretName === undefined ? 'the old store' : `the old store and Secret ${l.secretName}`;
  return doctorFinding(
    'leftBehind',
    'warn',
    l.namespace,
    undefined,
    `${amount(l)} under ${l.from} stay in the old store; earlier runs, the UI and cache hits refer to them by absolute URI, which kfstore does not rewrite`,
    `keep ${keep} readable until they are no longer needed, or add --copy-artifacts`,
    { objects: String(l.objects), bytes: String(l.bytes) },
  );
}

/** The old store could not be listed: say so rather than guess. */
export function unlistedFinding(namespace: string, check: 'leftBehind' | 'copyPlan', reason: string): DoctorFinding {
  return doctorFinding(
    check,
    'info',
    namespace,
    undefined,
    `the current store could not be listed: ${reason}`,
    'check the old objects by hand before switching',
  );
}

function amount(l: StoreListing): string {
  return `${l.truncated === true ? 'at least ' : ''}${l.objects} objects (${mib(l.bytes)} MiB)`;
}

function mib(bytes: number): string {
  return (bytes / (1024 * 1024)).toFixed(1);
}
