// The check ids this version can report, for validating --only/--skip. One function so that the
// check registry (issue 12) can replace the list without touching its callers.
const KNOWN = new Set([
  'KFS002', 'KFS003', 'KFS004', 'KFS010', 'KFS011', 'KFS012', 'KFS013', 'KFS014', 'KFS015', 'KFS016', 'KFS017', 'KFS018', 'KFS019',
  'KFS030', 'KFS031', 'KFS033', 'KFS037', 'KFS040', 'KFS041', 'KFS061', 'KFS062', 'KFS063', 'KFS066',
  'KFS070', 'KFS071', 'KFS072', 'KFS073', 'KFS074', 'KFS076', 'KFS077', 'KFS078', 'KFS090', 'KFS091',
]);

/** The ids in `ids` that no check of this version reports. */
export function unknownCheckIds(ids: readonly string[]): string[] {
  return ids.filter((id) => !KNOWN.has(id));
}
