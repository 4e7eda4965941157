// Output formats. Machine output (json, yaml) goes to stdout alone; notes and progress to stderr.
import { stringify } from 'yaml';
import { escapeControlChars } from '../../settings/text/control-chars.ts';
import type { OutputFormat } from './args.ts';

export function render(format: OutputFormat, document: unknown, table: () => string): string {
  if (format === 'json') return `${JSON.stringify(document, null, 2)}\n`;
  if (format === 'yaml') return stringify(document, { lineWidth: 0 });
  return table();
}

/**
 * Plain aligned columns, like kubectl's default output (no colour). Cells hold values from the
 * cluster or from files (roots, names, messages quoting them): control characters in them are
 * escaped as kubectl escapes them, so they cannot move the cursor, retitle or clear a terminal.
 */
export function formatTable(header: string[], cells: string[][]): string {
  const rows = cells.map((r) => r.map(escapeControlChars));
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('   ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}
