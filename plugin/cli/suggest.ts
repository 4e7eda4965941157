// "did you mean": the known spellings nearest to a mistyped one, as cobra suggests commands: a
// small edit distance (1, or 2 for names of 6 letters and more, so `--fo` is not "near" `--v`),
// or the typed text is the start of the name.

export function suggest(typed: string, known: readonly string[]): string[] {
  const bare = typed.replace(/^-+/, '');
  // A name the typed text starts is as near as a one-letter typo.
  const scored = known
    .map((k) => ({ k, d: bare.length >= 2 && k.startsWith(typed) ? Math.min(1, distance(typed, k)) : distance(typed, k) }))
    .filter(({ d }) => d <= (bare.length >= 6 ? 2 : 1));
  if (scored.length === 0) return [];
  const best = Math.min(...scored.map((s) => s.d));
  return scored
    .filter((s) => s.d === best)
    .map((s) => s.k)
    .sort()
    .slice(0, 3);
}

/** Levenshtein distance. */
export function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      row.push(Math.min((previous[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (previous[j - 1] ?? 0) + cost));
    }
    previous = row;
  }
  return previous[b.length] ?? 0;
}
