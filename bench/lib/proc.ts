// Benchmark servers as child processes of this Node binary. Their stdout/stderr go to files, never
// to a pipe the bench must drain: a chatty server (one log line per request) can then never block.
import { spawn, type ChildProcess } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface Child {
  name: string;
  proc: ChildProcess;
  stdoutFile: string;
  stderrFile: string;
  /** Why the process ended ("code 1", "signal SIGKILL"), or undefined while it runs. */
  exitReason(): string | undefined;
  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process is gone (bounded). */
  stop(graceMs?: number): Promise<void>;
}

// Every started child (and extra cleanup, e.g. temp dirs), so a SIGINT path can undo them all.
const running = new Set<Child>();
const cleanups = new Set<() => Promise<void>>();

/** Runs `fn` in stopAll() (interrupts); call the returned function once it is no longer needed. */
export function atInterrupt(fn: () => Promise<void>): () => void {
  cleanups.add(fn);
  return () => void cleanups.delete(fn);
}

/** `prefix` runs the server through another command that execs it (e.g. `taskset -c 1`): same pid. */
export function startChild(
  name: string,
  script: string,
  args: string[],
  logDir: string,
  nodeArgs: string[] = [],
  prefix: string[] = [],
): Child {
  const stdoutFile = join(logDir, `${name}.stdout.log`);
  const stderrFile = join(logDir, `${name}.stderr.log`);
  const out = openSync(stdoutFile, 'w');
  const err = openSync(stderrFile, 'w');
  const [command = process.execPath, ...rest] = [...prefix, process.execPath];
  const proc = spawn(command, [...rest, ...nodeArgs, script, ...args], { stdio: ['ignore', out, err] });
  // The child holds its own copies of the descriptors.
  closeSync(out);
  closeSync(err);
  let reason: string | undefined;
  const exited = new Promise<void>((resolve) => {
    proc.once('exit', (code, signal) => {
      reason = signal !== null ? `signal ${signal}` : `code ${code}`;
      resolve();
    });
    proc.once('error', (e) => {
      reason = `spawn error: ${e.message}`;
      resolve();
    });
  });
  const child: Child = {
    name,
    proc,
    stdoutFile,
    stderrFile,
    exitReason: () => reason,
    async stop(graceMs = 3000) {
      running.delete(child);
      if (reason !== undefined) return;
      proc.kill('SIGTERM');
      if (await within(exited, graceMs)) return;
      proc.kill('SIGKILL');
      await within(exited, 1000);
    },
  };
  running.add(child);
  return child;
}

export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((c) => c.stop()));
  await Promise.allSettled([...cleanups].map((fn) => fn()));
}

/** Last lines of a child's stderr, for error messages. */
export function stderrTail(child: Child, lines = 10): string {
  try {
    return readFileSync(child.stderrFile, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

function within(p: Promise<void>, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(false), ms);
    p.then(() => {
      clearTimeout(timer);
      resolve(true);
    });
  });
}
