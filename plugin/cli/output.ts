// Output formats. Machine output (json, yaml) goes to stdout alone; notes and progress to stderr.
import { stringify } from 'yaml';
import { escapeControlChars } from '../../settings/text/control-chars.ts';
import type { OutputFormat } from './args.ts';
import { paint } from './color.ts';
import type { Tone } from './color.ts';
import type { TableStyle } from './terminal.ts';
import { wrapText } from './wrap.ts';

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
  /** Columns that narrow to their longest part (split at spaces and after '/') when the first ones
   *  would get narrower than COMFORTABLE (objects, paths). */
  squeeze?: readonly number[];
  /** Lines under a body row, indented and wrapped to the width (stacked layout for narrow terminals). */
  below?: (row: number) => string[];
  indent?: number;
  /** A tone for a body cell (rows and columns count from 0, the header excluded). */
  tone?: (row: number, column: number) => Tone;
}

/**
 * Aligned columns, like kubectl's default output. Cells hold values from the cluster or from files
 * (roots, names, messages quoting them): control characters in them are escaped as kubectl escapes
 * them, so they cannot move the cursor, retitle or clear a terminal. Given a width, columns wrap
 * on word boundaries to fit it (see fit), and `below` lines wrap to the width under their row.
 */
export function formatTable(header: string[], cells: string[][], layout: Layout = {}): string {
  const style = layout.style;
  const rows = cells.map((r) => header.map((_, i) => escapeControlChars(r[i] ?? '')));
  const natural = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const squeezed = natural.map((w, i) =>
    (layout.squeeze ?? []).includes(i) ? Math.min(w, Math.max(header[i]?.length ?? 0, ...rows.map((r) => longestPart(r[i] ?? '')))) : w,
  );
  const widths = fit(header, natural, squeezed, style?.width, layout.wrap ?? []);
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
  const indent = ' '.repeat(layout.indent ?? 0);
  const below = (row: number): string[] =>
    (layout.below?.(row) ?? [])
      .map(escapeControlChars)
      .flatMap((text) =>
        (style?.width === undefined ? [text] : wrapText(text, Math.max(style.width - indent.length, 20))).map((l) => `${indent}${l}`),
      );
  const out = [...(style?.headers === false ? [] : line(header, -1)), ...rows.flatMap((r, i) => [...line(r, i), ...below(i)])];
  return out.length === 0 ? '' : `${out.join('\n')}\n`;
}

/** Below this a message column reads badly: short lines, many of them. */
const COMFORTABLE = 40;

/**
 * Column widths: natural when they fit. Else the `wrap` columns share what the others leave; if
 * that leaves them under COMFORTABLE, the `squeeze` columns join them; if even that cannot fit,
 * every column does. Water-filling keeps every column that fits its share at its natural width.
 */
function fit(header: string[], natural: number[], squeezed: number[], width: number | undefined, wrap: readonly number[]): number[] {
  const total = natural.reduce((a, b) => a + b, 0) + GAP * (natural.length - 1);
  if (width === undefined || total <= width) return natural;
  // Narrowest a wrapping column may get: its header, or 12.
  const floor = (i: number): number => Math.min(natural[i] ?? 0, Math.max(header[i]?.length ?? 0, 12));
  const tryColumns = (cols: readonly number[], others = natural): number[] | undefined => {
    const fixed = others.reduce((a, w, i) => (cols.includes(i) ? a : a + w), 0);
    const room = width - fixed - GAP * (natural.length - 1);
    if (room < cols.reduce((a, i) => a + floor(i), 0)) return undefined;
    return share(others, natural, cols, room, floor);
  };
  const comfortable = (w: number[]): boolean => wrap.every((i) => (w[i] ?? 0) >= Math.min(natural[i] ?? 0, COMFORTABLE));
  const all = natural.map((_, i) => i);
  const first = tryColumns(wrap);
  if (first !== undefined && comfortable(first)) return first;
  const second = squeezed.some((w, i) => w < (natural[i] ?? 0)) ? tryColumns(wrap, squeezed) : undefined;
  return second ?? first ?? tryColumns(all) ?? all.map((i) => floor(i));
}

/** Water-filling: narrow columns keep their natural width; the rest split the room evenly. */
function share(start: number[], natural: number[], cols: readonly number[], room: number, floor: (i: number) => number): number[] {
  const widths = [...start];
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
    for (const [k, c] of open.entries()) widths[c] = Math.max(floor(c), even + (k < left - even * open.length ? 1 : 0));
    break;
  }
  return widths;
}

/** The longest piece a cell breaks into at spaces and after '/' (kind/name, paths). */
function longestPart(text: string): number {
  return Math.max(0, ...text.split(/\s+|(?<=\/)/).map((p) => p.length));
}
