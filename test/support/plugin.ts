// Runs the built plugin the way users do: the real `kubectl` finds `kubectl-kfstore` on PATH.
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { delimiter, dirname, join } from 'node:path';

const DIST = new URL('../../dist/', import.meta.url).pathname;
const NODE_BIN = dirname(process.execPath);
let binDir: string | undefined;

/** A directory holding `kubectl-kfstore` and `kubectl_complete-kfstore`, as an install would. */
export function pluginBin(): string {
  if (binDir !== undefined) return binDir;
  const plugin = join(DIST, 'kubectl-kfstore.js');
  if (!existsSync(plugin)) throw new Error(`${plugin} is missing: run npm run build`);
  binDir = mkdtempSync(join(tmpdir(), 'kfstore-bin-'));
  symlinkSync(plugin, join(binDir, 'kubectl-kfstore'));
  symlinkSync(join(DIST, 'kubectl_complete-kfstore'), join(binDir, 'kubectl_complete-kfstore'));
  return binDir;
}

export interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface RunningPlugin {
  /** kubectl execs the plugin in place, so this is the plugin's own process id. */
  readonly pid: number;
  kill(signal: NodeJS.Signals): void;
  /** Resolves when the process has exited; `signal` names the signal that ended it. */
  readonly done: Promise<Run & { signal: NodeJS.Signals | null }>;
}

/** Starts kubectl with the plugin on PATH and returns at once (for tests that signal it). */
export function startKubectl(args: string[], env: Record<string, string | undefined> = {}, cwd?: string): RunningPlugin {
  const PATH = [pluginBin(), NODE_BIN, process.env.PATH ?? ''].join(delimiter);
  const proc = spawn('kubectl', args, {
    env: { ...process.env, KUBECONFIG: '/nonexistent-kubeconfig', ...env, PATH },
    stdio: ['ignore', 'pipe', 'pipe'],
    ...(cwd ? { cwd } : {}),
  });
  let stdout = '';
  let stderr = '';
  proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const timer = setTimeout(() => proc.kill('SIGKILL'), 120_000);
  const done = new Promise<Run & { signal: NodeJS.Signals | null }>((resolve, reject) => {
    proc.once('error', reject);
    proc.once('exit', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
  if (proc.pid === undefined) {
    done.catch(() => {});
    throw new Error('kubectl did not start');
  }
  return { pid: proc.pid, kill: (signal) => proc.kill(signal), done };
}

export async function kubectl(args: string[], env: Record<string, string | undefined> = {}, cwd?: string): Promise<Run> {
  const { code, stdout, stderr } = await startKubectl(args, env, cwd).done;
  return { code, stdout, stderr };
}

/** `kubectl kfstore ...` */
export function kfstore(args: string[], env: Record<string, string | undefined> = {}, cwd?: string): Promise<Run> {
  return kubectl(['kfstore', ...args], env, cwd);
}
