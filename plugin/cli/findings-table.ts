// Findings as a table, the one format doctor and migrate's pre-flight share. Default: LEVEL, ID,
// NAMESPACE, OBJECT, MESSAGE with the fix on the line below; -o wide: the fix in its own column,
// plus LOCATION (file:line) and PATH columns when any finding carries them. When the text columns
// would be too narrow to read, message and fix (and location and path) go on their own lines under
// the four short columns.
import type { DoctorFinding } from '../../settings/doctor/finding.ts';
import { levelTone } from './color.ts';
import type { Tone } from './color.ts';
import { formatTable } from './output.ts';
import type { TableStyle } from './terminal.ts';

/** Where a finding read from files came from (set by the manifest loader when it knows). */
export interface SourceLocation {
  file: string;
  line?: number;
}

export function locationOf(f: DoctorFinding): string | undefined {
  const loc: unknown = (f as { location?: unknown }).location;
  if (typeof loc !== 'object' || loc === null || !('file' in loc) || typeof loc.file !== 'string') return undefined;
  const line = 'line' in loc && typeof loc.line === 'number' ? `:${loc.line}` : '';
  return `${loc.file}${line}`;
}

const GAP = 3;
const STACK_INDENT = 8;
/** Narrower than this, a text column wraps every few words: stack the text under its row instead. */
const MIN_TEXT = 40;

export function findingsTable(findings: readonly DoctorFinding[], style: TableStyle): string {
  const shown = findings.filter((f) => f.level !== 'ok');
  if (shown.length === 0) return '';
  const withLocation = style.wide && shown.some((f) => locationOf(f) !== undefined);
  const withPath = style.wide && shown.some((f) => f.path !== undefined);
  const header = ['LEVEL', 'ID', 'NAMESPACE', 'OBJECT', ...(withLocation ? ['LOCATION'] : []), ...(withPath ? ['PATH'] : [])];
  const short = shown.map((f) => [
    f.level.toUpperCase(),
    f.id,
    f.namespace ?? '-',
    f.object ? `${f.object.kind}/${f.object.name}` : '-',
    ...(withLocation ? [locationOf(f) ?? '-'] : []),
    ...(withPath ? [f.path ?? '-'] : []),
  ]);
  const toneOf =
    (levels: string[]) =>
    (row: number, column: number): Tone =>
      column === 0 ? levelTone(levels[row] ?? '') : 'plain';
  const squeeze = header.flatMap((h, i) => (['OBJECT', 'LOCATION', 'PATH'].includes(h) ? [i] : []));
  const textColumns = style.wide ? 2 : 1;
  if (style.width !== undefined && style.width - shortWidth(header, short) < textColumns * (MIN_TEXT + GAP)) {
    // Stacked: the four short columns on the row; message, fix, and in wide the location and path under it.
    const below = (row: number): string[] => {
      const f = shown[row];
      if (f === undefined) return [];
      const where = withLocation ? locationOf(f) : undefined;
      return [
        f.message,
        ...(f.fix !== '' ? [`fix: ${f.fix}`] : []),
        ...(where !== undefined ? [`location: ${where}`] : []),
        ...(withPath && f.path !== undefined ? [`path: ${f.path}`] : []),
      ];
    };
    return formatTable(
      header.slice(0, 4),
      short.map((r) => r.slice(0, 4)),
      { style, squeeze: [3], tone: toneOf(shown.map((f) => f.level)), below, indent: STACK_INDENT },
    );
  }
  if (style.wide) {
    const rows = shown.map((f, i) => [...(short[i] ?? []), f.message, f.fix]);
    return formatTable([...header, 'MESSAGE', 'FIX'], rows, {
      style,
      wrap: [header.length, header.length + 1],
      squeeze,
      tone: toneOf(shown.map((f) => f.level)),
    });
  }
  const levels: string[] = [];
  const rows = shown.flatMap((f, i) => {
    const row = [...(short[i] ?? []), f.message];
    levels.push(f.level);
    if (f.fix === '') return [row];
    levels.push('');
    return [row, [...header.map(() => ''), `fix: ${f.fix}`]];
  });
  return formatTable([...header, 'MESSAGE'], rows, { style, wrap: [header.length], squeeze, tone: toneOf(levels) });
}

function shortWidth(header: string[], rows: string[][]): number {
  return header.reduce((sum, h, i) => sum + Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)) + GAP, 0);
}
