// Output formats. Machine output (json, yaml) goes to stdout alone; notes and progress to stderr.
import { stringify } from 'yaml';
import type { OutputFormat } from './args.ts';

export function render(format: OutputFormat, document: unknown, table: () => string): string {
  if (format === 'json') return `${JSON.stringify(document, null, 2)}\n`;
  if (format === 'yaml') return stringify(document, { lineWidth: 0 });
  return table();
}

/** Plain aligned columns, like kubectl's default output (no colour). */
export function formatTable(header: string[], rows: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('   ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}
