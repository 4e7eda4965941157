// Runs `kubectl kfstore ...` under a real pseudo-terminal (util-linux `script`), with the terminal
// set to a given width, the way a user's shell runs it. stdout is then a TTY for the plugin.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';
import { pluginBin } from './plugin.ts';

export interface PtyRun {
  code: number | null;
  /** What the terminal received on stdout, with the terminal's \r\n turned into \n. */
  output: string;
  /** stderr (notes and errors, which are not tables), kept apart in a file. */
  stderr: string;
}

const quote = (s: string): string => `'${s.replace(/'/g, `'\\''`)}'`;

/** `input` is typed at the terminal (kept open until the plugin exits: an EOF would answer for it). */
export function kfstoreInPty(
  args: string[],
  columns: number,
  env: Record<string, string | undefined> = {},
  input?: string,
): Promise<PtyRun> {
  const PATH = [pluginBin(), dirname(process.execPath), process.env.PATH ?? ''].join(delimiter);
  const dir = mkdtempSync(join(tmpdir(), 'kfstore-pty-'));
  const errFile = join(dir, 'stderr');
  const command = `stty cols ${columns} rows 200; exec kubectl kfstore ${args.map(quote).join(' ')} 2>${quote(errFile)}`;
  // COLUMNS unset: the width must come from the terminal itself.
  const base: Record<string, string | undefined> = { ...process.env, KUBECONFIG: '/nonexistent-kubeconfig', PATH, TERM: 'xterm' };
  delete base.COLUMNS;
  delete base.NO_COLOR;
  const proc = spawn('script', ['-qfec', command, '/dev/null'], {
    env: { ...base, ...env },
    stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
  });
  if (input !== undefined) proc.stdin?.write(input);
  let output = '';
  proc.stdout?.on('data', (d: Buffer) => (output += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (output += d.toString()));
  const timer = setTimeout(() => proc.kill('SIGKILL'), 60_000);
  return new Promise((resolve, reject) => {
    proc.once('error', reject);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      proc.stdin?.destroy();
      const stderr = readFileSync(errFile, 'utf8');
      rmSync(dir, { recursive: true, force: true });
      resolve({ code, output: output.replace(/\r\n/g, '\n'), stderr });
    });
  });
}

/** The text a terminal shows: SGR colour sequences removed. */
export function visible(text: string): string {
  return text.replace(/\x1b\[[0-9;]*m/g, '');
}
