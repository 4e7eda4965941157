// Starts a real single-node OpenStack Swift with s3api for tests: it verifies SigV4 and keeps
// accounts apart, which fake S3 servers do not. Everything lives in one temp dir; every process
// runs in its own process group so stop() (or the watchdog, if the test process dies) kills workers too.
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { accessSync, closeSync, constants, mkdirSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir, userInfo } from 'node:os';
import { delimiter, join } from 'node:path';
import { BACKENDS, backendConf, proxyConf, swiftConf, validateAccounts } from './config.ts';
import type { SwiftAccount, SwiftPorts } from './config.ts';
import { freePorts } from '../ports.ts';
import { buildRings } from './rings.ts';

export type { SwiftAccount } from './config.ts';

export const SWIFT_INSTALL_HINT = 'install swift: apt-get install swift swift-proxy swift-account swift-container swift-object';

const BINARIES = ['swift-ring-builder', 'swift-proxy-server', 'swift-object-server', 'swift-container-server', 'swift-account-server'];

export interface SwiftServer {
  /** `http://127.0.0.1:PORT` (path-style S3). */
  endpoint: string;
  region: 'us-east-1';
  /** The S3 credentials of a configured user: access key `account:user`. */
  credentials(account: string, user: string): { accessKeyId: string; secretAccessKey: string };
  stop(): Promise<void>;
  /** State and logs (`log/*.log`); removed by stop(). */
  dir: string;
}

export function swiftAvailable(): boolean {
  return BINARIES.every((bin) => which(bin) !== undefined);
}

function which(bin: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), '/usr/bin', '/usr/local/bin'];
  return dirs.map((d) => join(d, bin)).find(isExecutable);
}

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Throws the install hint when Swift is missing, so tests fail loudly instead of skipping. */
export function requireSwift(): void {
  if (!swiftAvailable()) throw new Error(`OpenStack Swift is not installed (${BINARIES.join(', ')}); ${SWIFT_INSTALL_HINT}`);
}

const running = new Set<{ pgids: number[]; dir: string }>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const r of running) {
      for (const g of r.pgids) killGroup(g, 'SIGKILL');
      rmSync(r.dir, { recursive: true, force: true });
    }
  });
}

/** Signal 0 only tests whether the group still exists. */
function killGroup(pgid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false; // ESRCH: already gone
  }
}

function startProcess(bin: string, conf: string, log: string): ChildProcess {
  const fd = openSync(log, 'a');
  try {
    // detached: its own process group, so killing -pid reaches the worker it forks.
    const child = spawn(bin, [conf], { detached: true, stdio: ['ignore', fd, fd] });
    child.unref();
    return child;
  } finally {
    closeSync(fd);
  }
}

// Kills the groups listed in `pgids` and removes the dir once this process is gone, even after
// SIGKILL. Started before any server, so a crash during start-up leaks nothing either.
function startWatchdog(dir: string): ChildProcess {
  const script =
    'p=$1; d=$2; while kill -0 "$p" 2>/dev/null; do sleep 1; done; for g in $(cat "$d/pgids" 2>/dev/null); do kill -9 -"$g" 2>/dev/null; done; rm -rf "$d"';
  const child = spawn('sh', ['-c', script, 'kfstore-swift-watchdog', String(process.pid), dir], { detached: true, stdio: 'ignore' });
  child.unref();
  return child;
}

function healthy(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = request({ host: '127.0.0.1', port, path: '/healthcheck', timeout: 1000 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('timeout', () => req.destroy());
    req.on('error', () => resolve(false));
    req.end();
  });
}

function logTail(dir: string): string {
  return ['proxy', ...BACKENDS]
    .map((n) => {
      try {
        return `--- ${n}.log\n${readFileSync(join(dir, 'log', `${n}.log`), 'utf8')
          .split('\n')
          .slice(-15)
          .join('\n')}`;
      } catch {
        return `--- ${n}.log missing`;
      }
    })
    .join('\n');
}

export async function startSwift(opts: { accounts: SwiftAccount[]; timeoutMs?: number }): Promise<SwiftServer> {
  requireSwift();
  validateAccounts(opts.accounts);
  installExitHook();
  const dir = mkdtempSync(join(tmpdir(), 'kfstore-swift-'));
  const entry = { pgids: [] as number[], dir };
  running.add(entry);
  let watchdog: ChildProcess | undefined;
  const children: ChildProcess[] = [];

  const stop = async (): Promise<void> => {
    for (const c of children) if (c.pid !== undefined) killGroup(c.pid, 'SIGTERM');
    const deadline = Date.now() + 5000;
    while (Date.now() < deadline && children.some((c) => c.pid !== undefined && killGroup(c.pid, 0))) {
      await new Promise((r) => setTimeout(r, 50));
    }
    for (const c of children) if (c.pid !== undefined) killGroup(c.pid, 'SIGKILL');
    if (watchdog?.pid !== undefined) killGroup(watchdog.pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
    running.delete(entry);
  };

  let ports: SwiftPorts | undefined;
  try {
    for (const sub of ['etc', 'srv/d1', 'log']) mkdirSync(join(dir, sub), { recursive: true });
    const [proxy, object, container, account] = await freePorts(4);
    if (proxy === undefined || object === undefined || container === undefined || account === undefined) throw new Error('no free ports');
    ports = { proxy, object, container, account };
    const user = userInfo().username; // swift setuid()s to this user; our own needs no privileges
    writeFileSync(join(dir, 'etc', 'swift.conf'), swiftConf());
    for (const n of BACKENDS) writeFileSync(join(dir, 'etc', `${n}-server.conf`), backendConf(n, dir, ports[n], user));
    writeFileSync(join(dir, 'etc', 'proxy-server.conf'), proxyConf(dir, proxy, user, opts.accounts));
    watchdog = startWatchdog(dir);
    const started = (c: ChildProcess): void => {
      children.push(c);
      if (c.pid !== undefined) entry.pgids.push(c.pid);
      writeFileSync(join(dir, 'pgids'), entry.pgids.join('\n'));
    };
    // Backends read no ring at start-up, so they boot while the rings are built; the proxy needs them.
    for (const n of BACKENDS)
      started(startProcess(`swift-${n}-server`, join(dir, 'etc', `${n}-server.conf`), join(dir, 'log', `${n}.log`)));
    await buildRings(join(dir, 'etc'), ports, which('swift-ring-builder') ?? 'swift-ring-builder');
    started(startProcess('swift-proxy-server', join(dir, 'etc', 'proxy-server.conf'), join(dir, 'log', 'proxy.log')));

    const deadline = Date.now() + (opts.timeoutMs ?? 30_000);
    for (;;) {
      const exited = children.find((c) => c.exitCode !== null || c.signalCode !== null);
      if (exited !== undefined) throw new Error(`${exited.spawnargs[0]} exited during start-up\n${logTail(dir)}`);
      const states = await Promise.all([proxy, object, container, account].map(healthy));
      if (states.every(Boolean)) break;
      if (Date.now() > deadline) throw new Error(`swift did not become healthy in time\n${logTail(dir)}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  } catch (e) {
    await stop();
    throw e;
  }

  const proxy = ports.proxy;
  const secrets = new Map(opts.accounts.map((a) => [`${a.account}:${a.user}`, a.secret]));
  return {
    endpoint: `http://127.0.0.1:${proxy}`,
    region: 'us-east-1',
    credentials(account, user) {
      const id = `${account}:${user}`;
      const secretAccessKey = secrets.get(id);
      if (secretAccessKey === undefined) throw new Error(`no swift user ${id}`);
      return { accessKeyId: id, secretAccessKey };
    },
    stop,
    dir,
  };
}
