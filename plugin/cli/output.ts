// Output formats. Machine output (json, yaml) goes to stdout alone; notes and progress to stderr.
import { stringify } from 'yaml';
import { escapeControlChars } from '../../settings/text/control-chars.ts';
import type { OutputFormat } from './args.ts';
import { paint } from './color.ts';
import type { Tone } from './color.ts';
import type { TableStyle } from './terminal.ts';
import { longestWord, wrapText } from './wrap.ts';

export function render(format: OutputFormat, document: unknown, table: () => string): string {
  if (format === 'json') return `${JSON.stringify(document, null, 2)}\n`;
  if (format === 'yaml') return stringify(document, { lineWidth: 0 });
  return table();
}

const GAP = 3;

export interface Layout {
  style?: TableStyle;
  /** Columns that wrap first when the table is wider than the terminal (messages, fixes). */
  wrap?: readonly number[];
  /** A tone for a body cell (rows and columns count from 0, the header excluded). */
  tone?: (row: number, column: number) => Tone;
}

/**
 * Aligned columns, like kubectl's default output. Cells hold values from the cluster or from files
 * (roots, names, messages quoting them): control characters in them are escaped as kubectl escapes
 * them, so they cannot move the cursor, retitle or clear a terminal. Given a width, the `wrap`
 * columns (then, if that is not enough, every column) wrap on word boundaries to fit it.
 */
export function formatTable(header: string[], cells: string[][], layout: Layout = {}): string {
  const style = layout.style;
  const rows = cells.map((r) => header.map((_, i) => escapeControlChars(r[i] ?? '')));
  const natural = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const widths = fit(header, rows, natural, style?.width, layout.wrap ?? []);
  const line = (texts: string[], row: number): string[] => {
    const wrapped = texts.map((t, i) => (t.length > (widths[i] ?? 0) ? wrapText(t, widths[i] ?? 0) : [t]));
    const height = Math.max(...wrapped.map((w) => w.length));
    return Array.from({ length: height }, (_, k) =>
      wrapped
        .map((w, i) => {
          const text = w[k] ?? '';
          const pad = i === texts.length - 1 ? '' : ' '.repeat((widths[i] ?? 0) - text.length);
          const tone = row >= 0 && style?.color === true && layout.tone !== undefined ? layout.tone(row, i) : 'plain';
          return `${paint(text, tone)}${pad}`;
        })
        .join(' '.repeat(GAP))
        .trimEnd(),
    );
  };
  const out = [...(style?.headers === false ? [] : line(header, -1)), ...rows.flatMap((r, i) => line(r, i))];
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

/** Column widths: natural when they fit, else the wrapping columns share what the others leave. */
function fit(header: string[], rows: string[][], natural: number[], width: number | undefined, wrap: readonly number[]): number[] {
  const total = natural.reduce((a, b) => a + b, 0) + GAP * (natural.length - 1);
  if (width === undefined || total <= width) return natural;
  // Narrowest a wrapping column may get before words are cut: its header, or 12.
  const floor = (i: number): number => Math.min(natural[i] ?? 0, Math.max(header[i]?.length ?? 0, 12));
  const tryColumns = (cols: readonly number[]): number[] | undefined => {
    const fixed = natural.reduce((a, w, i) => (cols.includes(i) ? a : a + w), 0);
    const room = width - fixed - GAP * (natural.length - 1);
    if (room < cols.reduce((a, i) => a + floor(i), 0)) return undefined;
    return share(natural, cols, room, floor);
  };
  const all = natural.map((_, i) => i);
  // Prefer wrapping only message-like columns; when words would be cut, let every column wrap.
  const first = tryColumns(wrap);
  if (first !== undefined && wrap.every((i) => (first[i] ?? 0) >= Math.min(natural[i] ?? 0, longestWordIn(rows, i)))) return first;
  return tryColumns(all) ?? first ?? all.map((i) => floor(i));
}

function longestWordIn(rows: string[][], column: number): number {
  return Math.max(0, ...rows.map((r) => longestWord(r[column] ?? '')));
}

/** Water-filling: narrow columns keep their natural width; the rest split the room evenly. */
function share(natural: number[], cols: readonly number[], room: number, floor: (i: number) => number): number[] {
  const widths = [...natural];
  let left = room;
  const open = [...cols].sort((a, b) => (natural[a] ?? 0) - (natural[b] ?? 0));
  while (open.length > 0) {
    const even = Math.floor(left / open.length);
    const i = open[0] ?? 0;
    if ((natural[i] ?? 0) <= even) {
      widths[i] = natural[i] ?? 0;
      left -= widths[i] ?? 0;
      open.shift();
      continue;
    }
    open.forEach((c, k) => (widths[c] = Math.max(floor(c), even + (k < left - even * open.length ? 1 : 0))));
    break;
  }
  return widths;
}
