// dist/ on a `node` older than 24 (Debian's 20): one clear line and exit 2, not a dependency's stack
// trace. Needs `npm run build`; runs where such a node exists (Debian's /usr/bin/node).
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const ROOT = new URL('../../', import.meta.url).pathname;
const OLD_NODE = '/usr/bin/node';

function majorOf(node: string): number | undefined {
  if (!existsSync(node)) return undefined;
  const r = spawnSync(node, ['-p', 'process.versions.node'], { encoding: 'utf8' });
  return r.status === 0 ? Number(r.stdout.split('.')[0]) : undefined;
}

const major = majorOf(OLD_NODE);
const skip = major === undefined || major >= 24 ? `no Node older than 24 at ${OLD_NODE}` : false;

describe('dist/ entry points on an older Node', { skip }, () => {
  for (const file of ['kfstore-webhook.js', 'kfstore-certs.js']) {
    it(`node ${file} --help`, () => {
      const r = spawnSync(OLD_NODE, [join('dist', file), '--help'], { cwd: ROOT, encoding: 'utf8' });
      assert.equal(r.status, 2);
      assert.equal(r.stdout, '');
      assert.match(
        r.stderr,
        new RegExp(
          `^error: ${file.replace('.', '\\.')} needs Node\\.js 24 \\(this is v${String(major)}\\.\\d+\\.\\d+\\); run it with the Node that npm install brought: node_modules/\\.bin/node dist/${file.replace('.', '\\.')}\\n$`,
        ),
      );
    });
  }

  it('dist/kubectl-kfstore.js run by an older node points to the launcher', () => {
    const r = spawnSync(OLD_NODE, [join('dist', 'kubectl-kfstore.js'), 'version'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 2);
    assert.equal(r.stdout, '');
    assert.match(
      r.stderr,
      new RegExp(
        `^error: kubectl-kfstore needs Node\\.js 24 \\(this is v${String(major)}\\.\\d+\\.\\d+\\); put bin/kubectl-kfstore on PATH instead \\(it runs the Node that npm install brought\\), see docs/install\\.md\\n$`,
      ),
    );
  });

  it('the same files run on node_modules/.bin/node', () => {
    const r = spawnSync(process.execPath, [join('dist', 'kfstore-webhook.js'), '--help'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^Usage: kfstore-webhook /);
  });
});
