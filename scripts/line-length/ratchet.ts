// The line-length ratchet, pure: which lines are too long, and which files have more of them than
// the committed budget allows. Biome's formatter wraps code at 140 columns but cannot break a long
// string literal; those lines are counted per file, and a file's count may only go down.
export const MAX_COLUMNS = 140;

/** File (relative, '/'-separated) → number of lines longer than MAX_COLUMNS it may have. */
export type Budget = Record<string, number>;

/** 1-based numbers of the lines of `text` longer than `max` characters (code points). */
export function longLines(text: string, max: number = MAX_COLUMNS): number[] {
  const out: number[] = [];
  for (const [i, line] of text.split(/\r?\n/).entries()) if ([...line].length > max) out.push(i + 1);
  return out;
}

export interface OverBudget {
  file: string;
  allowed: number;
  lines: number[];
}

export interface Verdict {
  over: OverBudget[];
  /** Files now under their budget: the budget can be lowered (`--update`). */
  slack: string[];
}

/** `found` maps each file with long lines to their numbers; files absent from `budget` may have none. */
export function judge(budget: Budget, found: Record<string, number[]>): Verdict {
  const over: OverBudget[] = [];
  for (const [file, lines] of Object.entries(found)) {
    const allowed = budget[file] ?? 0;
    if (lines.length > allowed) over.push({ file, allowed, lines });
  }
  const slack = Object.entries(budget)
    .filter(([file, allowed]) => (found[file]?.length ?? 0) < allowed)
    .map(([file]) => file);
  return { over: over.sort((a, b) => a.file.localeCompare(b.file)), slack: slack.sort() };
}

/** The budget that exactly matches `found`, keys sorted so the JSON diff stays small. */
export function budgetFor(found: Record<string, number[]>): Budget {
  const out: Budget = {};
  for (const file of Object.keys(found).sort()) {
    const n = found[file]?.length ?? 0;
    if (n > 0) out[file] = n;
  }
  return out;
}

/** What the check prints for files over budget: one `file:line` per long line, so the new one is in the list. */
export function report(over: OverBudget[], max: number = MAX_COLUMNS): string[] {
  return over.flatMap(({ file, allowed, lines }) => [
    `${file}: ${lines.length} lines longer than ${max} characters, budget ${allowed}:`,
    ...lines.map((n) => `  ${file}:${n}`),
  ]);
}
