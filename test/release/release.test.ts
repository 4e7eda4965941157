// npm run release: the single executable, its krew archive and manifest. Runs the release once
// (about 20-30 s: the executable is a ~130 MB Node binary) into a temporary directory.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { bundleForSea } from '../../scripts/sea/bundle.ts';
import { validateManifest } from '../../scripts/sea/krew.ts';
import type { ArchiveFacts } from '../../scripts/sea/krew.ts';
import { listTarGz } from '../../scripts/sea/tar.ts';
import { fixturePath } from '../support/fixtures.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
// Not dist/release: a concurrent `npm run build` empties dist/.
const work = mkdtempSync(join(tmpdir(), 'kfstore-release-test-'));
const OUT = join(work, 'release');
const ARCHIVE = join(OUT, 'kubectl-kfstore_linux_amd64.tar.gz');
const MANIFEST = join(OUT, 'kfstore.yaml');
const BASE = 'https://github.com/example/kfstore/releases/download/{{tag}}';
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const URI = `https://github.com/example/kfstore/releases/download/v${VERSION}/kubectl-kfstore_linux_amd64.tar.gz`;
const SEA_WARNING = /single-executable|ExperimentalWarning|only supports loading built-in modules/i;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(cmd: string, args: string[], env: Record<string, string>, timeoutMs = 60_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const proc = spawn(cmd, args, { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => proc.kill('SIGKILL'), timeoutMs);
    proc.once('error', reject);
    proc.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

let release: Run;
let archive: Buffer;
let manifest: Record<string, unknown>;
let bin: string;
let env: Record<string, string>;

before(async () => {
  release = await run(process.execPath, ['scripts/release.ts'], { ...process.env, KFSTORE_RELEASE_BASE_URL: BASE, KFSTORE_RELEASE_OUT: OUT } as Record<string, string>, 300_000);
  assert.equal(release.code, 0, release.stdout + release.stderr);
  archive = readFileSync(ARCHIVE);
  manifest = parse(readFileSync(MANIFEST, 'utf8')) as Record<string, unknown>;
  // An install as krew does it: the archive unpacked into a directory on PATH. PATH holds only that
  // directory and one with a kubectl link, so no node is reachable.
  bin = join(work, 'bin');
  const kubectlDir = join(work, 'kubectl');
  mkdirSync(bin);
  mkdirSync(kubectlDir);
  execFileSync('tar', ['-xzf', ARCHIVE, '-C', bin]);
  symlinkSync('/usr/bin/kubectl', join(kubectlDir, 'kubectl'));
  env = { PATH: `${bin}:${kubectlDir}`, HOME: work, KUBECONFIG: '/nonexistent-kubeconfig' };
}, { timeout: 360_000 });

after(() => rmSync(work, { recursive: true, force: true }));

function platform(): Record<string, unknown> {
  const spec = manifest.spec as { platforms: Record<string, unknown>[] };
  assert.equal(spec.platforms.length, 1);
  const [p] = spec.platforms;
  assert.ok(p);
  return p;
}

let cachedFacts: Record<string, ArchiveFacts> | undefined;
function facts(): Record<string, ArchiveFacts> {
  cachedFacts ??= { [URI]: { sha256: createHash('sha256').update(archive).digest('hex'), entries: listTarGz(archive) } };
  return cachedFacts;
}

describe('release archive and krew manifest', () => {
  it('the archive holds exactly the executable, the completion wrapper and LICENSE', () => {
    const listing = execFileSync('tar', ['-tvzf', ARCHIVE], { encoding: 'utf8' }).trim().split('\n');
    assert.deepEqual(listing.map((l) => l.split(/\s+/).at(-1)).sort(), ['LICENSE', 'kubectl-kfstore', 'kubectl_complete-kfstore']);
    assert.deepEqual(listTarGz(archive).map((e) => [e.name, e.mode]), [['kubectl-kfstore', 0o755], ['kubectl_complete-kfstore', 0o755], ['LICENSE', 0o644]]);
    assert.equal(readFileSync(join(bin, 'LICENSE'), 'utf8'), readFileSync(join(ROOT, 'LICENSE'), 'utf8'));
    assert.equal(readFileSync(join(bin, 'kubectl_complete-kfstore'), 'utf8'), '#!/bin/sh\n# Shell completion for kubectl kfstore, called by kubectl (>= 1.26).\nexec kubectl-kfstore __complete "$@"\n');
    assert.ok(statSync(join(bin, 'kubectl-kfstore')).size > 50 * 1024 * 1024, 'the executable embeds a Node binary');
  });

  it("the manifest's sha256 is the archive's, in lowercase hex", () => {
    const actual = createHash('sha256').update(archive).digest('hex');
    assert.equal(platform().sha256, actual);
    assert.match(String(platform().sha256), /^[a-f0-9]{64}$/);
    assert.equal(readFileSync(`${ARCHIVE}.sha256`, 'utf8'), `${actual}  kubectl-kfstore_linux_amd64.tar.gz\n`);
  });

  it('the manifest has the version, the URL from KFSTORE_RELEASE_BASE_URL and passes validation', () => {
    const spec = manifest.spec as Record<string, unknown>;
    assert.equal(manifest.apiVersion, 'krew.googlecontainertools.github.com/v1alpha2');
    assert.equal(manifest.kind, 'Plugin');
    assert.deepEqual(manifest.metadata, { name: 'kfstore' });
    assert.equal(spec.version, `v${VERSION}`);
    assert.equal(spec.homepage, 'https://github.com/example/kfstore');
    assert.doesNotMatch(String(spec.description), /--\w/, 'no flag lists in the description');
    assert.deepEqual(platform().selector, { matchLabels: { os: 'linux', arch: 'amd64' } });
    assert.equal(platform().uri, URI);
    assert.deepEqual(platform().files, [{ from: 'kubectl-kfstore', to: '.' }, { from: 'LICENSE', to: '.' }]);
    assert.equal(platform().bin, 'kubectl-kfstore');
    assert.deepEqual(validateManifest(manifest, MANIFEST, facts()), { errors: [], warnings: [] });
    assert.match(release.stdout, /kubectl-kfstore_linux_amd64\.tar\.gz {2}[\d.]+ MiB {2}sha256 [a-f0-9]{64}/);
  });

  it('the validator rejects what krew would', () => {
    const broken = (edit: (m: { metadata: Record<string, unknown>; spec: Record<string, unknown> & { platforms: Record<string, unknown>[] } }) => void, file = MANIFEST): string[] => {
      const copy = structuredClone(manifest) as Parameters<typeof edit>[0];
      edit(copy);
      return validateManifest(copy, file, facts()).errors;
    };
    const expect = (errors: string[], pattern: RegExp): void => assert.ok(errors.some((e) => pattern.test(e)), `${pattern} not in ${JSON.stringify(errors)}`);
    expect(broken((m) => (m.spec.platforms[0]!.sha256 = String(m.spec.platforms[0]!.sha256).toUpperCase())), /sha256 .* must match/);
    expect(broken((m) => (m.spec.platforms[0]!.sha256 = 'a'.repeat(64))), /is not the archive's sha256/);
    expect(broken((m) => (m.spec.version = VERSION)), /semantic version with a leading v/);
    expect(broken((m) => (m.spec.version = 'v1.02.0')), /semantic version/);
    expect(broken((m) => (m.spec.platforms[0]!.selector = { matchLabels: { os: 'linux', arch: 'amd64', distro: 'debian' } })), /key "distro" not supported/);
    expect(broken((m) => (m.spec.platforms[0]!.selector = { matchLabels: {} })), /empty/);
    expect(broken((m) => (m.spec.platforms[0]!.files = [{ from: 'kubectl-kfstore', to: '.' }])), /no LICENSE file is installed/);
    expect(broken((m) => (m.spec.platforms[0]!.files = [])), /has to be unspecified or non-empty/);
    expect(broken((m) => (m.spec.platforms[0]!.bin = 'kubectl_kfstore')), /not among the installed files/);
    expect(broken((m) => m.spec.platforms.push(structuredClone(m.spec.platforms[0]!))), /overlap/);
    expect(broken((m) => (m.spec.shortDescription = 'two\nlines')), /line breaks/);
    expect(broken((m) => (m.metadata.name = 'kf-store')), /metadata.name must equal the file name "kfstore"/);
    expect(broken(() => undefined, join(OUT, 'kf store.yaml')), /is not allowed/);
    expect(broken(() => undefined, join(OUT, 'NUL.yaml')), /is not allowed/);
  });
});

describe('the SEA bundle', () => {
  it('fails on a run-time require() of a non-built-in module and on import.meta', async () => {
    const entry = join(work, 'entry.ts');
    writeFileSync(entry, "let x: unknown;\ntry { x = require('kfstore-no-such-optional-dep'); } catch { x = null; }\nconsole.log(x);\n");
    await assert.rejects(bundleForSea(entry, join(work, 'entry.cjs'), 'silent'), /still requires kfstore-no-such-optional-dep at run time/);
    writeFileSync(entry, 'console.log(import.meta.url);\n');
    await assert.rejects(bundleForSea(entry, join(work, 'entry.cjs'), 'silent'), /import\.meta/);
  });
});

describe('the single executable, installed without Node.js', () => {
  it('no node is reachable on the test PATH', async () => {
    const r = await run('/bin/sh', ['-c', 'command -v node || echo none'], env);
    assert.equal(r.stdout.trim(), 'none');
  });

  it('kubectl plugin list finds it', async () => {
    const r = await run('kubectl', ['plugin', 'list'], env);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, new RegExp(`${bin}/kubectl-kfstore`));
  });

  it('kubectl kfstore --help and version', async () => {
    const h = await run('kubectl', ['kfstore', '--help'], env);
    assert.equal(h.code, 0, h.stderr);
    assert.match(h.stdout, /^kubectl kfstore: per-namespace object storage/);
    assert.equal(h.stderr, '');
    const v = await run('kubectl', ['kfstore', 'version'], env);
    assert.equal(v.code, 0, v.stderr);
    assert.equal(v.stdout, `kubectl-kfstore ${VERSION}\n`);
  });

  it('doctor -f on the GitOps fixture: a DoctorReport, exit 1, no SEA warning', async () => {
    const r = await run('kubectl', ['kfstore', 'doctor', '-f', fixturePath('manifests', 'gitops'), '-o', 'json'], env);
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout) as { kind: string; summary: { error: number }; findings: { id: string }[] };
    assert.equal(report.kind, 'DoctorReport');
    assert.ok(report.summary.error > 0);
    assert.ok(report.findings.some((f) => f.id === 'KFS014'));
    assert.doesNotMatch(r.stderr, SEA_WARNING);
  });

  it('loading the Kubernetes client (unreachable API server): exit 2 with a clear error, no SEA warning', async () => {
    const kubeconfig = join(work, 'kubeconfig');
    writeFileSync(
      kubeconfig,
      'apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "https://127.0.0.1:1"}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u, namespace: team-a}}]\ncurrent-context: x\n',
    );
    const r = await run('kubectl', ['kfstore', 'doctor', '--kubeconfig', kubeconfig, '--request-timeout', '5'], env);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /cannot reach the API server https:\/\/127\.0\.0\.1:1/);
    assert.doesNotMatch(r.stderr, SEA_WARNING);
  });

  it('shell completion through the archived kubectl_complete-kfstore', async () => {
    const r = await run('kubectl', ['__complete', 'kfstore', 'doc'], env);
    assert.match(r.stdout, /^doctor\t/m, r.stdout + r.stderr);
  });
});
