// `npm test`'s first step run as a process, with PATH narrowed to what a fresh machine would have.
// Never installs anything: the cases either have everything or set KFSTORE_NO_INSTALL=1.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { REQUIREMENTS } from '../../scripts/prereqs/requirements.ts';

const SCRIPT = new URL('../../scripts/test-prereqs.ts', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'kfstore-prereqs-'));
after(() => rmSync(work, { recursive: true, force: true }));

function which(bin: string): string {
  const r = spawnSync('/bin/sh', ['-c', `command -v ${bin}`], { encoding: 'utf8' });
  assert.equal(r.status, 0, `${bin} is on this machine's PATH (npm test's first step put it there)`);
  return r.stdout.trim();
}

/** A directory holding links to `bins` only. */
function pathWith(name: string, bins: string[]): string {
  const dir = join(work, name);
  mkdirSync(dir);
  for (const b of bins) symlinkSync(which(b), join(dir, b));
  return dir;
}

function run(path: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [SCRIPT], { encoding: 'utf8', env: { PATH: path, KFSTORE_NO_INSTALL: '1' }, timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('scripts/test-prereqs.ts', () => {
  it('with everything on PATH: says so, exit 0', () => {
    const r = run(process.env.PATH ?? '');
    assert.equal(r.status, 0, r.stderr);
    assert.equal(r.stdout, 'test prerequisites: OpenStack Swift, rclone, openssl, qemu-aarch64, kubectl found\n');
  });

  it('on a machine with none of them and no apt-get: exactly one line on stderr, exit 1', () => {
    const r = run(pathWith('bare', []));
    assert.equal(r.status, 1);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr.split('\n').length, 2, r.stderr);
    assert.match(
      r.stderr,
      /^npm test needs OpenStack Swift, rclone, openssl, qemu-aarch64, kubectl >= 1\.26 on PATH \(on Debian or Ubuntu, as root: apt-get install swift .* rclone openssl qemu-user libc6-arm64-cross libstdc\+\+6-arm64-cross; kubectl from https:\/\/kubernetes\.io\/docs\/tasks\/tools\/\); then run npm test again\n$/,
    );
  });

  it('on Debian with rclone missing and KFSTORE_NO_INSTALL=1: the apt-get line instead of an install', () => {
    const swift = REQUIREMENTS.find((r) => r.name === 'OpenStack Swift')?.binaries ?? [];
    const r = run(pathWith('debian', ['apt-get', 'apt-cache', 'openssl', 'kubectl', 'qemu-aarch64', ...swift]));
    assert.equal(r.status, 1);
    assert.equal(r.stderr, 'npm test needs rclone on PATH: as root (sudo) apt-get install rclone; then run npm test again\n');
  });
});
