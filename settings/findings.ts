// Findings: what the webhook denies or warns about and what `doctor` reports, with stable ids
// from the check registry (settings/checks/). Message text may change; ids never do. Findings are
// made with `finding()` from settings/checks/finding.ts, which takes a registered check.
/** `ok` records a check that ran and passed (doctor reports count them). */
export type Level = 'error' | 'warn' | 'info' | 'ok';

export interface Finding {
  id: string;
  level: Level;
  /** One line, no secret values. */
  message: string;
  /** What to do about it. */
  fix: string;
  /** Where in the object, e.g. `data.providers: s3.overrides[0]`. */
  path?: string;
  /** Set when the finding is a kfstore bound on input size, not a problem KFP has: which bound. */
  limit?: string;
  /** Manifests only (-f, -k): the file and line of the object the finding is about (set by the edge). */
  location?: SourceLocation;
}

/** A place in a file: path as the user named it (relative to the working directory), 1-based line. */
export interface SourceLocation {
  file: string;
  line: number;
}

export const LEVEL_RANK: Record<Level, number> = { ok: 0, info: 1, warn: 2, error: 3 };

/** Drops findings that repeat an earlier one (same id and message). */
export function uniqueFindings(findings: Finding[]): Finding[] {
  const seen = new Set<string>();
  return findings.filter((f) => {
    const key = `${f.id}\u0000${f.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
