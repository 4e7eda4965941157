// Terminal control characters in values that came from a cluster or a tenant. A root or key holding
// one is refused at admission (no store key needs one), and every table kfstore prints escapes them,
// so text like `ESC]0;...BEL ESC[2J` cannot retitle or clear an admin's terminal.

/** C0 controls, DEL and C1 controls: what a terminal may act on. */
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
const CONTROL_ALL = /[\u0000-\u001f\u007f-\u009f]/g;

/** The first control character in `s` and its index, if any. */
export function findControlChar(s: string): { index: number; name: string } | undefined {
  const m = CONTROL.exec(s);
  if (m === null) return undefined;
  return { index: m.index, name: controlName(m[0].charCodeAt(0)) };
}

/** `U+001B (ESC)`-style name of a control character. */
export function controlName(code: number): string {
  const hex = `U+${code.toString(16).toUpperCase().padStart(4, '0')}`;
  const names: Record<number, string> = { 0: 'NUL', 7: 'BEL', 8: 'BS', 9: 'TAB', 10: 'LF', 13: 'CR', 27: 'ESC', 127: 'DEL', 155: 'CSI' };
  const name = names[code];
  return name === undefined ? hex : `${hex} (${name})`;
}

/**
 * Escapes control characters for a terminal: ESC as `^[` and CR as `\r`, as kubectl does
 * (k8s.io/cli-runtime printers.EscapeTerminal), and every other one as `\xNN`.
 */
export function escapeControlChars(s: string): string {
  if (!CONTROL.test(s)) return s;
  return s.replace(CONTROL_ALL, (c) => {
    const code = c.charCodeAt(0);
    if (code === 0x1b) return '^[';
    if (code === 0x0d) return '\\r';
    if (code === 0x0a) return '\\n';
    if (code === 0x09) return '\\t';
    return `\\x${code.toString(16).padStart(2, '0')}`;
  });
}

/** As escapeControlChars, but line breaks stay: for kfstore's own multi-line messages. */
export function escapeControlCharsKeepingLines(s: string): string {
  return s.split('\n').map(escapeControlChars).join('\n');
}
