// Runs every shell block of README.md and docs/ (see blocks.ts for the markers) as a reader would:
// in order, from the root of a fresh copy of the repository with the built dist/, under a HOME of
// its own, with Node 24 first on PATH (what `npm install` provides) and the plugin reachable as
// `kubectl kfstore`. Background blocks (npm start) run until the page's last block; cluster blocks
// talk to the test API server (test/support, the real protocol) through ~/.kube/config, as a
// reader's current context. Blocks that cannot run here are counted and reported, never dropped.
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { startKubeApiServer, type KubeApiServer, type KubeObject } from '../support/kube-apiserver/index.ts';
import { extractBlocks, type Block } from './blocks.ts';

const REPO = new URL('../../', import.meta.url).pathname;
const BLOCK_TIMEOUT_MS = 180_000;

function pages(): string[] {
  const found = ['README.md'];
  const walk = (dir: string): void => {
    for (const entry of readdirSync(join(REPO, dir), { withFileTypes: true })) {
      const path = join(dir, entry.name);
      if (entry.isDirectory()) walk(path);
      else if (entry.name.endsWith('.md')) found.push(path);
    }
  };
  if (existsSync(join(REPO, 'docs'))) walk('docs');
  return found;
}

/** A copy of the checkout (tracked and untracked, not ignored files), named kfstore as the docs assume. */
function sandbox(): { root: string; repo: string; env: NodeJS.ProcessEnv } {
  const root = mkdtempSync(join(tmpdir(), 'kfstore-docs-'));
  const repo = join(root, 'kfstore');
  const listed = spawnSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: REPO, encoding: 'utf8' });
  assert.equal(listed.status, 0, listed.stderr);
  for (const file of listed.stdout.split('\0').filter((f) => f !== '' && existsSync(join(REPO, f)))) {
    mkdirSync(dirname(join(repo, file)), { recursive: true });
    cpSync(join(REPO, file), join(repo, file), { verbatimSymlinks: true });
  }
  assert.ok(existsSync(join(REPO, 'dist/kubectl-kfstore.js')), 'dist/ is not built: run `node scripts/build.ts` (npm test builds first)');
  cpSync(join(REPO, 'dist'), join(repo, 'dist'), { recursive: true });
  symlinkSync(realpathSync(join(REPO, 'node_modules')), join(repo, 'node_modules'));
  // The plugin for pages that use it without installing it first; the README's own
  // ~/.local/bin link comes earlier on PATH and wins once made.
  const pluginBin = join(root, 'plugin-bin');
  mkdirSync(pluginBin);
  symlinkSync(join(repo, 'dist/kubectl-kfstore.js'), join(pluginBin, 'kubectl-kfstore'));
  const home = join(root, 'home');
  mkdirSync(home);
  const path = [join(home, '.local/bin'), join(repo, 'node_modules/.bin'), pluginBin, process.env.PATH ?? ''].join(':');
  const env: NodeJS.ProcessEnv = { PATH: path, HOME: home, LANG: 'C.UTF-8', NO_COLOR: '1', TMPDIR: root };
  return { root, repo, env };
}

/** A test API server seeded from `file`, made the sandbox's current context (~/.kube/config). */
async function startCluster(file: string, env: NodeJS.ProcessEnv): Promise<KubeApiServer> {
  const api = await startKubeApiServer();
  api.seed(parseAllDocuments(readFileSync(join(REPO, file), 'utf8')).map((d) => d.toJS() as KubeObject));
  mkdirSync(join(env.HOME ?? '', '.kube'), { recursive: true });
  await api.writeKubeconfig(join(env.HOME ?? '', '.kube/config'), 'admin', { context: 'kubeflow' });
  return api;
}

function requirementMet(what: string, repo: string, env: NodeJS.ProcessEnv): boolean {
  if (what.includes('/')) return existsSync(join(repo, what));
  return spawnSync('bash', ['-c', `command -v ${what}`], { env }).status === 0;
}

function run(block: Block, repo: string, env: NodeJS.ProcessEnv): Promise<{ status: number | null; output: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', block.code], {
      cwd: repo,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    child.stdout.on('data', (d: Buffer) => (output += d.toString()));
    child.stderr.on('data', (d: Buffer) => (output += d.toString()));
    const timer = setTimeout(() => {
      process.kill(-(child.pid ?? 0), 'SIGKILL');
      reject(new Error(`${where(block)}: still running after ${BLOCK_TIMEOUT_MS / 1000} s\n${output}`));
    }, BLOCK_TIMEOUT_MS);
    child.on('close', (status) => {
      clearTimeout(timer);
      resolve({ status, output });
    });
  });
}

function startBackground(
  block: Block & { background: string },
  repo: string,
  env: NodeJS.ProcessEnv,
): Promise<{ child: ChildProcess; output: () => string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-e', '-o', 'pipefail', '-c', `exec ${block.code.trim()}`], {
      cwd: repo,
      env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    let output = '';
    const timer = setTimeout(() => {
      stop(child);
      reject(new Error(`${where(block)}: never printed ${JSON.stringify(block.background)} in ${BLOCK_TIMEOUT_MS / 1000} s\n${output}`));
    }, BLOCK_TIMEOUT_MS);
    const seen = (d: Buffer): void => {
      output += d.toString();
      if (output.includes(block.background)) {
        clearTimeout(timer);
        resolve({ child, output: () => output });
      }
    };
    child.stdout.on('data', seen);
    child.stderr.on('data', seen);
    child.on('close', (status) => {
      clearTimeout(timer);
      reject(new Error(`${where(block)}: exited ${status} before it was ready\n${output}`));
    });
  });
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('close', () => resolve());
    process.kill(-(child.pid ?? 0), 'SIGTERM');
  });
}

function portFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function where(block: Block): string {
  return `${block.file}:${block.line}`;
}

const tally = { run: 0, notRun: [] as string[], unmet: [] as string[] };

for (const page of pages()) {
  const blocks = extractBlocks(page, readFileSync(join(REPO, page), 'utf8'));
  if (blocks.length === 0) continue;
  describe(`docs: the commands in ${page}`, () => {
    const box = sandbox();
    const background: ChildProcess[] = [];
    let cluster: { file: string; api: KubeApiServer } | undefined;
    after(async () => {
      for (const child of background) await stop(child);
      await cluster?.api.close();
      rmSync(box.root, { recursive: true, force: true });
    });
    for (const block of blocks) {
      const title = `${where(block)}: ${block.code.trim().split('\n')[0]}`;
      if (block.notRun !== undefined) {
        tally.notRun.push(`${where(block)} (${block.notRun})`);
        it(title, { skip: `not run: ${block.notRun}` }, () => {});
        continue;
      }
      it(title, async (t) => {
        const unmet = block.requires.filter((what) => !requirementMet(what, box.repo, box.env));
        if (unmet.length > 0) {
          tally.unmet.push(`${where(block)} (needs ${unmet.join(', ')})`);
          t.skip(`needs ${unmet.join(', ')}, which this checkout or machine lacks`);
          return;
        }
        if (block.cluster !== undefined) {
          if (cluster === undefined) cluster = { file: block.cluster, api: await startCluster(block.cluster, box.env) };
          assert.equal(block.cluster, cluster.file, `${where(block)}: one cluster per page (${cluster.file})`);
        }
        if (block.background !== undefined) {
          // The docs name fixed ports (8443, 9090): fail clearly rather than talk to a stranger.
          for (const port of [8443, 9090]) assert.ok(await portFree(port), `port ${port} is in use; ${where(block)} needs it`);
          const started = await startBackground({ ...block, background: block.background }, box.repo, box.env);
          background.push(started.child);
          tally.run++;
          return;
        }
        const { status, output } = await run(block, box.repo, box.env);
        tally.run++;
        assert.equal(status, block.exit, `${where(block)} exited ${status}, expected ${block.exit}; output:\n${output}`);
        for (const text of block.output)
          assert.ok(output.includes(text), `${where(block)}: output lacks ${JSON.stringify(text)}:\n${output}`);
      });
    }
  });
}

describe('docs: what was not run', () => {
  it('every block that was not run is accounted for with its reason', (t) => {
    t.diagnostic(
      `${tally.run} blocks run; ${tally.notRun.length} marked not-run; ${tally.unmet.length} skipped for a missing tool or file`,
    );
    for (const line of tally.notRun) t.diagnostic(`not run: ${line}`);
    for (const line of tally.unmet) t.diagnostic(`skipped: ${line}`);
    assert.ok(tally.run > 0, 'no block ran');
    assert.ok(tally.run >= tally.notRun.length, `more blocks marked not-run (${tally.notRun.length}) than run (${tally.run})`);
  });
});
