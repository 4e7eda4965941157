// The official Node binary a target's executable is made from: the running Node for the host, or
// the same version's per-platform npm package (`npm pack` checks the registry's integrity hash),
// cached under node_modules/.cache. Either way checked to be a native executable of that target.
import { execFileSync } from 'node:child_process';
import { closeSync, existsSync, mkdirSync, openSync, readSync, renameSync, rmSync } from 'node:fs';
import { basename, join } from 'node:path';
import { onPath } from '../on-path.ts';
import { executableTarget } from './exe-format.ts';
import { hostTarget, nodePackage, sameTarget, targetName } from './targets.ts';
import type { Target } from './targets.ts';

function head(file: string): Buffer {
  const buf = Buffer.alloc(4096);
  const fd = openSync(file, 'r');
  try {
    return buf.subarray(0, readSync(fd, buf, 0, buf.length, 0));
  } finally {
    closeSync(fd);
  }
}

function checked(file: string, t: Target): string {
  const found = executableTarget(head(file));
  // A wrapper script (nvm/volta shims) cannot carry a SEA blob: insist on a native executable.
  if (found === undefined || !sameTarget(found, t)) {
    throw new Error(
      `${file} is not a ${targetName(t)} executable (it is ${found === undefined ? 'no known executable format' : targetName(found)})`,
    );
  }
  return file;
}

/** Node only runs a blob written by its exact version, so all targets use the running version. */
export function nodeBinaryFor(t: Target, cacheDir: string): string {
  const version = process.versions.node;
  if (Number(version.split('.')[0]) !== 24)
    throw new Error(`release builds embed Node 24 (running ${process.version}); run through npm so node_modules/.bin/node is used`);
  if (sameTarget(t, hostTarget())) return checked(process.execPath, t);
  const pkg = nodePackage(t);
  const dir = join(cacheDir, `${pkg.name}-${version}`);
  const bin = join(dir, basename(pkg.binary));
  if (!existsSync(bin)) {
    rmSync(dir, { recursive: true, force: true });
    mkdirSync(dir, { recursive: true });
    let tgz: string;
    try {
      tgz =
        execFileSync('npm', ['pack', `${pkg.name}@${version}`, '--pack-destination', dir, '--silent'], {
          encoding: 'utf8',
          stdio: ['ignore', 'pipe', 'pipe'],
        })
          .trim()
          .split('\n')
          .at(-1) ?? '';
    } catch (e) {
      const stderr = (e as { stderr?: string }).stderr ?? '';
      throw new Error(
        `no Node ${version} for ${targetName(t)}: npm pack ${pkg.name}@${version} failed: ${stderr.split('\n').find((l) => /error/.test(l)) ?? stderr.trim()}`,
      );
    }
    execFileSync('tar', ['-xzf', join(dir, tgz), '-C', dir, pkg.binary]);
    renameSync(join(dir, pkg.binary), bin);
    rmSync(join(dir, tgz));
    rmSync(join(dir, 'package'), { recursive: true, force: true });
  }
  return checked(bin, t);
}

/** Where Debian's qemu-user finds the arm64 loader and libraries (libc6-arm64-cross, libstdc++6-arm64-cross). */
export const ARM64_SYSROOT = '/usr/aarch64-linux-gnu';

/**
 * How to run a target's Node binary on this machine, if at all: natively for the host, under
 * qemu-aarch64 for linux arm64 on an x86-64 Linux host. Undefined for the rest (Windows).
 */
export function nodeRunner(t: Target, nodeBinary: string): string[] | undefined {
  if (sameTarget(t, hostTarget())) return [nodeBinary];
  const emulated = t.os === 'linux' && t.arch === 'arm64' && sameTarget(hostTarget(), { os: 'linux', arch: 'amd64' });
  if (emulated && onPath('qemu-aarch64') && existsSync(join(ARM64_SYSROOT, 'lib', 'ld-linux-aarch64.so.1')))
    return ['qemu-aarch64', '-L', ARM64_SYSROOT, nodeBinary];
  return undefined;
}
