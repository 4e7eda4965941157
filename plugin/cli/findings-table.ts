// Findings as a table, the one format doctor and migrate's pre-flight share. Default: LEVEL, ID,
// NAMESPACE, OBJECT, MESSAGE with the fix on the line below; -o wide: the fix in its own column,
// plus LOCATION (file:line) and PATH columns when any finding carries them.
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

export function findingsTable(findings: readonly DoctorFinding[], style: TableStyle): string {
  const shown = findings.filter((f) => f.level !== 'ok');
  if (shown.length === 0) return '';
  const base = (f: DoctorFinding): string[] => [f.level.toUpperCase(), f.id, f.namespace ?? '-', f.object ? `${f.object.kind}/${f.object.name}` : '-'];
  const levels: string[] = [];
  let header: string[];
  let rows: string[][];
  let wrap: number[];
  let squeeze = [2, 3];
  if (style.wide) {
    const withLocation = shown.some((f) => locationOf(f) !== undefined);
    const withPath = shown.some((f) => f.path !== undefined);
    header = ['LEVEL', 'ID', 'NAMESPACE', 'OBJECT', ...(withLocation ? ['LOCATION'] : []), ...(withPath ? ['PATH'] : []), 'MESSAGE', 'FIX'];
    rows = shown.map((f) => {
      levels.push(f.level);
      return [...base(f), ...(withLocation ? [locationOf(f) ?? '-'] : []), ...(withPath ? [f.path ?? '-'] : []), f.message, f.fix];
    });
    wrap = [header.length - 2, header.length - 1];
    squeeze = [3, ...(withLocation ? [4] : []), ...(withPath ? [header.length - 3] : [])];
  } else if (stacked(shown, style)) {
    // A narrow terminal: the four short columns on the row, message and fix wrapped under it.
    header = ['LEVEL', 'ID', 'NAMESPACE', 'OBJECT'];
    rows = shown.map((f) => {
      levels.push(f.level);
      return base(f);
    });
    const below = (row: number): string[] => {
      const f = shown[row];
      return f === undefined ? [] : [f.message, ...(f.fix !== '' ? [`fix: ${f.fix}`] : [])];
    };
    const tone = (row: number, column: number): Tone => (column === 0 ? levelTone(levels[row] ?? '') : 'plain');
    return formatTable(header, rows, { style, squeeze: [3], tone, below, indent: STACK_INDENT });
  } else {
    header = ['LEVEL', 'ID', 'NAMESPACE', 'OBJECT', 'MESSAGE'];
    rows = shown.flatMap((f) => {
      const row = [...base(f), f.message];
      levels.push(f.level);
      if (f.fix === '') return [row];
      levels.push('');
      return [row, ['', '', '', '', `fix: ${f.fix}`]];
    });
    wrap = [4];
  }
  const tone = (row: number, column: number): Tone => (column === 0 ? levelTone(levels[row] ?? '') : 'plain');
  return formatTable(header, rows, { style, wrap, squeeze, tone });
}

const STACK_INDENT = 8;
/** Narrower than this, a MESSAGE column wraps every few words: stack the message under its row. */
const MIN_MESSAGE = 40;

function stacked(findings: readonly DoctorFinding[], style: TableStyle): boolean {
  if (style.width === undefined) return false;
  const widest = (cell: (f: DoctorFinding) => string): number => Math.max(0, ...findings.map((f) => cell(f).length));
  const fixed = 'ERROR'.length + widest((f) => f.id) + Math.max('NAMESPACE'.length, widest((f) => f.namespace ?? '-')) + widest((f) => (f.object ? `${f.object.kind}/${f.object.name}` : 'OBJECT')) + 4 * 3;
  return style.width - fixed < MIN_MESSAGE;
}
