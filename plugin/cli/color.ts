// Severity colour for terminals (SGR codes, as popeye and kubectl's own colouring use): ERROR red,
// WARN yellow, ok dim, INFO plain. Applied after layout, so widths count only the visible text.
export type Tone = 'error' | 'warn' | 'dim' | 'plain';

const SGR: Record<Tone, string> = { error: '\x1b[31m', warn: '\x1b[33m', dim: '\x1b[2m', plain: '' };
const RESET = '\x1b[0m';

export function paint(text: string, tone: Tone): string {
  const code = SGR[tone];
  return code === '' || text === '' ? text : `${code}${text}${RESET}`;
}

export function levelTone(level: string): Tone {
  switch (level.toLowerCase()) {
    case 'error':
      return 'error';
    case 'warn':
      return 'warn';
    case 'ok':
      return 'dim';
    default:
      return 'plain';
  }
}
