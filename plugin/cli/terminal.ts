// How a table may look where it is going: its width and whether it may use colour. Decided once
// from the command's flags, stdout and the environment, so renderers stay pure.
import type { ColorMode, CommonFlags } from './args.ts';

export interface TableStyle {
  /** Wrap to this many columns; undefined: never wrap (a pipe or file, as kubectl get). */
  width?: number;
  color: boolean;
  headers: boolean;
  wide: boolean;
}

export interface Terminal {
  isTTY: boolean;
  columns?: number;
  env: Readonly<Record<string, string | undefined>>;
}

/**
 * The width tables wrap to. kubectl wraps text only when it knows the width (a terminal); rows
 * written to a pipe or a file stay whole, one finding per line, so grep and awk see all of it.
 * COLUMNS, when set, is the user saying how wide their viewer is (a CI log, `watch`), and wins
 * over "unknown".
 */
export function terminalWidth(t: Terminal): number | undefined {
  if (t.isTTY && t.columns !== undefined && t.columns > 0) return t.columns;
  const fromEnv = Number(t.env.COLUMNS);
  if (t.env.COLUMNS !== undefined && Number.isInteger(fromEnv) && fromEnv > 0) return fromEnv;
  return t.isTTY ? 80 : undefined;
}

/**
 * Colour: `--color always|never` decide; `auto` (default) colours only a terminal, and not when
 * NO_COLOR is set to anything non-empty (no-color.org) or TERM is dumb.
 */
export function useColor(mode: ColorMode, t: Terminal): boolean {
  if (mode !== 'auto') return mode === 'always';
  if (!t.isTTY) return false;
  if ((t.env.NO_COLOR ?? '') !== '') return false;
  return t.env.TERM !== 'dumb';
}

/** The terminal a stream writes to (stdout for tables; stderr when stdout carries a document). */
export function terminalOf(out: NodeJS.WriteStream = process.stdout): Terminal {
  return {
    isTTY: out.isTTY === true,
    ...(out.isTTY === true && out.columns !== undefined ? { columns: out.columns } : {}),
    env: process.env,
  };
}

export function tableStyle(flags: Pick<CommonFlags, 'color' | 'noHeaders' | 'output'>, t: Terminal = terminalOf()): TableStyle {
  const width = terminalWidth(t);
  return {
    ...(width !== undefined ? { width } : {}),
    color: useColor(flags.color, t),
    headers: !flags.noHeaders,
    wide: flags.output === 'wide',
  };
}
