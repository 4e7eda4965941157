// Release targets: which Node binary becomes which platform's kubectl-kfstore.
import { readFileSync } from 'node:fs';

/** krew selector values (Go's GOOS/GOARCH spelling). */
export interface Target {
  os: 'linux' | 'darwin' | 'windows';
  arch: 'amd64' | 'arm64';
}

const NODE_ARCH: Record<string, Target['arch'] | undefined> = { x64: 'amd64', arm64: 'arm64' };
const NODE_OS: Record<string, Target['os'] | undefined> = { linux: 'linux', darwin: 'darwin', win32: 'windows' };

export function hostTarget(): Target {
  const os = NODE_OS[process.platform];
  const arch = NODE_ARCH[process.arch];
  if (os === undefined || arch === undefined) throw new Error(`no release target for ${process.platform}/${process.arch}`);
  return { os, arch };
}

export function sameTarget(a: Target, b: Target): boolean {
  return a.os === b.os && a.arch === b.arch;
}

export function targetName(t: Target): string {
  return `${t.os}_${t.arch}`;
}

/** krew needs a real .exe on Windows (no .bat/.cmd wrappers). */
export function executableName(t: Target): string {
  return t.os === 'windows' ? 'kubectl-kfstore.exe' : 'kubectl-kfstore';
}

/** krew unpacks .tar.gz on every OS, so one archive format serves all targets. */
export function archiveName(t: Target): string {
  return `kubectl-kfstore_${targetName(t)}.tar.gz`;
}

/**
 * The Node binary to turn into the target's executable. The SEA blob is produced by the running
 * Node, and Node only accepts a blob from its own exact version, so only the host binary (the npm
 * `node` package's Node 24 under node_modules/.bin) is usable today. Other targets would need the
 * same version's official binary downloaded and its SHASUMS256 checked; not implemented.
 */
export function nodeBinaryFor(t: Target): string {
  if (!sameTarget(t, hostTarget())) {
    throw new Error(`building for ${targetName(t)} needs a downloaded Node ${process.version} binary for that platform; only the host target ${targetName(hostTarget())} is supported`);
  }
  const major = Number(process.versions.node.split('.')[0]);
  if (major !== 24) throw new Error(`release builds embed Node 24 (running ${process.version}); run through npm so node_modules/.bin/node is used`);
  // A wrapper script (nvm/volta shims) cannot carry a SEA blob: insist on a native executable.
  const head = readFileSync(process.execPath).subarray(0, 4);
  if (t.os === 'linux' && !head.equals(Buffer.from([0x7f, 0x45, 0x4c, 0x46]))) throw new Error(`${process.execPath} is not an ELF executable`);
  return process.execPath;
}
