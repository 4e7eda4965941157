// bin/kubectl-kfstore: the plugin from a checkout, linked onto PATH the way docs/install.md says,
// runs on node_modules' Node 24 even when PATH's `node` is another version. Needs `npm run build`.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';

const ROOT = new URL('../../', import.meta.url).pathname;
const LAUNCHER = join(ROOT, 'bin', 'kubectl-kfstore');
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const work = mkdtempSync(join(tmpdir(), 'kfstore-launcher-'));
after(() => rmSync(work, { recursive: true, force: true }));

/** ~/.local/bin as a user sets it up: both links, then the system directories (with their `node`). */
function userBin(name: string, link: (dir: string) => void): string {
  const dir = join(work, name, '.local', 'bin');
  mkdirSync(dir, { recursive: true });
  link(dir);
  return `${dir}:/usr/local/bin:/usr/bin:/bin`;
}

function run(cmd: string, args: string[], path: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, {
    encoding: 'utf8',
    env: { PATH: path, HOME: work, KUBECONFIG: '/nonexistent-kubeconfig' },
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('bin/kubectl-kfstore', () => {
  const path = userBin('user', (dir) => {
    symlinkSync(LAUNCHER, join(dir, 'kubectl-kfstore'));
    symlinkSync(join(ROOT, 'bin', 'kubectl_complete-kfstore'), join(dir, 'kubectl_complete-kfstore'));
  });

  it('kubectl finds it through the link and runs it on node_modules/.bin/node', () => {
    const systemNode = run('/bin/sh', ['-c', 'node --version 2>/dev/null || echo none'], path).stdout.trim();
    const v = run('kubectl', ['kfstore', 'version'], path);
    assert.equal(v.status, 0, v.stderr);
    assert.equal(v.stdout, `kubectl-kfstore ${VERSION}\n`, `PATH's node is ${systemNode}`);
    const list = run('kubectl', ['plugin', 'list'], path);
    assert.match(list.stdout, /\.local\/bin\/kubectl-kfstore/);
  });

  it('a chain of relative links still leads back to the checkout', () => {
    const chain = userBin('chain', (dir) => {
      const mid = join(work, 'chain', 'opt');
      mkdirSync(mid);
      symlinkSync(LAUNCHER, join(mid, 'kfstore'));
      symlinkSync('../../opt/kfstore', join(dir, 'kubectl-kfstore'));
    });
    const r = run('kubectl-kfstore', ['--help'], chain);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^kubectl kfstore: /);
  });

  it('completes through kubectl_complete-kfstore', () => {
    const r = run('kubectl', ['__complete', 'kfstore', 'doc'], path);
    assert.match(r.stdout, /^doctor\t/m, r.stdout + r.stderr);
  });

  it('in a checkout without npm install: one line saying what to run, exit 2', () => {
    const repo = join(work, 'fresh-checkout');
    mkdirSync(join(repo, 'bin'), { recursive: true });
    copyFileSync(LAUNCHER, join(repo, 'bin', 'kubectl-kfstore'));
    const r = run('/bin/sh', [join(repo, 'bin', 'kubectl-kfstore'), 'version'], '/usr/bin:/bin');
    assert.equal(r.status, 2);
    assert.equal(r.stderr, `error: kubectl-kfstore: no Node in ${repo}/node_modules; run: cd ${repo} && npm install && npm run build\n`);
  });

  it('installed but not built: says npm run build, exit 2', () => {
    const repo = join(work, 'unbuilt-checkout');
    mkdirSync(join(repo, 'bin'), { recursive: true });
    copyFileSync(LAUNCHER, join(repo, 'bin', 'kubectl-kfstore'));
    symlinkSync(join(ROOT, 'node_modules'), join(repo, 'node_modules'));
    const r = run('/bin/sh', [join(repo, 'bin', 'kubectl-kfstore'), 'version'], '/usr/bin:/bin');
    assert.equal(r.status, 2);
    assert.equal(r.stderr, `error: kubectl-kfstore: ${repo}/dist/kubectl-kfstore.js is not built; run: cd ${repo} && npm run build\n`);
  });
});
