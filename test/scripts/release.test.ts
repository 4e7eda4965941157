// npm run release: the single executables, their krew archives and the manifest for every platform
// that can be built. Runs the release once (a few minutes: each executable is a ~100-125 MB Node
// binary, gzipped) into a temporary directory. The linux arm64 executable runs under qemu-aarch64.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse } from 'yaml';
import { findSeaBlob } from '../../scripts/sea/blob.ts';
import { bundleForSea } from '../../scripts/sea/bundle.ts';
import { executableTarget } from '../../scripts/sea/exe-format.ts';
import { SEA_FUSE } from '../../scripts/sea/inject.ts';
import { validateManifest } from '../../scripts/sea/krew.ts';
import type { ArchiveFacts } from '../../scripts/sea/krew.ts';
import { listTarGz } from '../../scripts/sea/tar.ts';
import { archiveName, executableName, targetName } from '../../scripts/sea/targets.ts';
import type { Target } from '../../scripts/sea/targets.ts';
import { fixturePath } from '../support/fixtures.ts';

const ROOT = new URL('../../', import.meta.url).pathname;
// Not dist/release: a concurrent `npm run build` empties dist/.
const work = mkdtempSync(join(tmpdir(), 'kfstore-release-test-'));
const OUT = join(work, 'release');
const MANIFEST = join(OUT, 'kfstore.yaml');
const BASE = 'https://github.com/example/kfstore/releases/download/{{tag}}';
const VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const uriOf = (t: Target): string => `https://github.com/example/kfstore/releases/download/v${VERSION}/${archiveName(t)}`;
const SEA_WARNING = /single-executable|ExperimentalWarning|only supports loading built-in modules/i;
const BUILT: Target[] = [
  { os: 'linux', arch: 'amd64' },
  { os: 'linux', arch: 'arm64' },
  { os: 'windows', arch: 'amd64' },
];
const [LINUX_AMD64, LINUX_ARM64] = BUILT as [Target, Target, Target];
const ARCHIVE = join(OUT, archiveName(LINUX_AMD64));

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

const releaseEnv = (extra: Record<string, string>): Record<string, string> => {
  const env = { ...process.env, ...extra } as Record<string, string>;
  delete env.KFSTORE_RELEASE_BASE_URL;
  delete env.KFSTORE_RELEASE_TARGETS;
  return { ...env, ...extra };
};

let release: Run;
let manifest: Record<string, unknown>;
let bin: string;
let env: Record<string, string>;

before(
  async () => {
    release = await run(
      process.execPath,
      ['scripts/release.ts'],
      releaseEnv({ KFSTORE_RELEASE_BASE_URL: BASE, KFSTORE_RELEASE_OUT: OUT }),
      900_000,
    );
    assert.equal(release.code, 0, release.stdout + release.stderr);
    manifest = parse(readFileSync(MANIFEST, 'utf8')) as Record<string, unknown>;
    // An install as krew does it: the archive unpacked into a directory on PATH. PATH holds only that
    // directory and one with a kubectl link, so no node is reachable.
    bin = join(work, 'bin');
    const kubectlDir = join(work, 'kubectl');
    mkdirSync(bin);
    mkdirSync(kubectlDir);
    execFileSync('tar', ['-xzf', ARCHIVE, '-C', bin]);
    symlinkSync(execFileSync('/bin/sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' }).trim(), join(kubectlDir, 'kubectl'));
    env = { PATH: `${bin}:${kubectlDir}`, HOME: work, KUBECONFIG: '/nonexistent-kubeconfig' };
  },
  { timeout: 960_000 },
);

after(() => rmSync(work, { recursive: true, force: true }));

type Platform = Record<string, unknown> & { selector: { matchLabels: { os: string; arch: string } } };

function platforms(): Platform[] {
  return (manifest.spec as { platforms: Platform[] }).platforms;
}

function platform(t: Target = LINUX_AMD64): Platform {
  const p = platforms().find((x) => x.selector.matchLabels.os === t.os && x.selector.matchLabels.arch === t.arch);
  assert.ok(p, `no platform for ${targetName(t)}`);
  return p;
}

/** Each built target's archive, unpacked once. */
function unpacked(t: Target): string {
  const dir = join(work, 'unpacked', targetName(t));
  if (!existsSync(dir)) {
    mkdirSync(dir, { recursive: true });
    execFileSync('tar', ['-xzf', join(OUT, archiveName(t)), '-C', dir]);
  }
  return dir;
}

let cachedFacts: Record<string, ArchiveFacts> | undefined;
function facts(): Record<string, ArchiveFacts> {
  cachedFacts ??= Object.fromEntries(
    BUILT.map((t) => {
      const data = readFileSync(join(OUT, archiveName(t)));
      return [uriOf(t), { sha256: createHash('sha256').update(data).digest('hex'), entries: listTarGz(data) }];
    }),
  );
  return cachedFacts;
}

describe('release archives and krew manifest', () => {
  it('builds linux amd64/arm64 and windows amd64, and says why not darwin', () => {
    for (const t of BUILT)
      assert.match(
        release.stdout,
        new RegExp(`${targetName(t)} {2}\\S+${archiveName(t).replaceAll('.', '\\.')} {2}[\\d.]+ MiB {2}sha256 [a-f0-9]{64}`),
      );
    assert.match(release.stdout, /linux_arm64 {2}\S+kubectl-kfstore {2}[\d.]+ MiB {2}code cache\n/);
    assert.match(release.stdout, /windows_amd64 {2}\S+kubectl-kfstore\.exe {2}[\d.]+ MiB {2}no code cache \(its Node cannot run here\)\n/);
    assert.match(release.stdout, /not built: darwin_amd64: Node\.js single executables do not support Intel macOS/);
    assert.match(release.stdout, /not built: darwin_arm64: needs codesign \(macOS\)/);
    assert.match(
      release.stdout,
      /krew manifest .*kfstore\.yaml {2}\(valid; upload the archives to https:\/\/github\.com\/example\/kfstore\/releases\/download\/v\d+\.\d+\.\d+\/\)/,
    );
  });

  for (const t of BUILT) {
    it(`${targetName(t)}: the archive holds exactly the executable${t.os === 'windows' ? '' : ', the completion wrapper'} and LICENSE`, () => {
      const data = readFileSync(join(OUT, archiveName(t)));
      const expected =
        t.os === 'windows'
          ? [
              [executableName(t), 0o755],
              ['LICENSE', 0o644],
            ]
          : [
              [executableName(t), 0o755],
              ['kubectl_complete-kfstore', 0o755],
              ['LICENSE', 0o644],
            ];
      assert.deepEqual(
        listTarGz(data).map((e) => [e.name, e.mode]),
        expected,
      );
      const listing = execFileSync('tar', ['-tvzf', join(OUT, archiveName(t))], { encoding: 'utf8' })
        .trim()
        .split('\n');
      assert.deepEqual(
        listing.map((l) => l.split(/\s+/).at(-1)),
        expected.map(([name]) => name),
      );
      const dir = unpacked(t);
      assert.equal(readFileSync(join(dir, 'LICENSE'), 'utf8'), readFileSync(join(ROOT, 'LICENSE'), 'utf8'));
      if (t.os !== 'windows')
        assert.equal(
          readFileSync(join(dir, 'kubectl_complete-kfstore'), 'utf8'),
          '#!/bin/sh\n# Shell completion for kubectl kfstore, called by kubectl (>= 1.26).\nexec kubectl-kfstore __complete "$@"\n',
        );
    });

    it(`${targetName(t)}: the executable is a ${targetName(t)} Node binary with the blob injected (fuse flipped)`, () => {
      const exe = readFileSync(join(unpacked(t), executableName(t)));
      assert.ok(exe.length > 50 * 1024 * 1024, 'the executable embeds a Node binary');
      assert.deepEqual(executableTarget(exe.subarray(0, 4096)), t);
      assert.ok(exe.includes(`${SEA_FUSE}:1`), 'postject flipped the sentinel fuse');
      assert.ok(!exe.includes(`${SEA_FUSE}:0`));
      assert.ok(exe.includes('kubectl kfstore: per-namespace object storage'), 'the plugin bundle is inside');
      const blob = findSeaBlob(exe, 'kubectl-kfstore.cjs');
      assert.ok(blob, 'the SEA blob is found');
      assert.equal(blob.main, 'kubectl-kfstore.cjs', 'no build directory recorded');
      assert.ok(blob.warningDisabled);
      // Written by the target's own Node: natively, or under qemu-aarch64 (a test prerequisite).
      assert.equal(blob.codeCache, t.os === 'linux', 'V8 code cache where the target Node runs here');
    });

    it(`${targetName(t)}: the manifest entry names the archive's URL, sha256 and executable`, () => {
      const data = readFileSync(join(OUT, archiveName(t)));
      const actual = createHash('sha256').update(data).digest('hex');
      const p = platform(t);
      assert.equal(p.sha256, actual);
      assert.match(String(p.sha256), /^[a-f0-9]{64}$/);
      assert.equal(readFileSync(join(OUT, `${archiveName(t)}.sha256`), 'utf8'), `${actual}  ${archiveName(t)}\n`);
      assert.equal(p.uri, uriOf(t));
      assert.deepEqual(p.files, [
        { from: executableName(t), to: '.' },
        { from: 'LICENSE', to: '.' },
      ]);
      assert.equal(p.bin, executableName(t));
    });
  }

  it('the manifest lists exactly the built platforms, has the version and passes validation', () => {
    const spec = manifest.spec as Record<string, unknown>;
    assert.equal(manifest.apiVersion, 'krew.googlecontainertools.github.com/v1alpha2');
    assert.equal(manifest.kind, 'Plugin');
    assert.deepEqual(manifest.metadata, { name: 'kfstore' });
    assert.equal(spec.version, `v${VERSION}`);
    assert.equal(spec.homepage, 'https://github.com/example/kfstore');
    assert.doesNotMatch(String(spec.description), /--\w/, 'no flag lists in the description');
    assert.deepEqual(
      platforms().map((p) => p.selector),
      BUILT.map((t) => ({ matchLabels: { os: t.os, arch: t.arch } })),
    );
    assert.doesNotMatch(readFileSync(MANIFEST, 'utf8'), /OWNER|REPO|\{\{/);
    assert.deepEqual(validateManifest(manifest, MANIFEST, facts()), { errors: [], warnings: [] });
  });

  it('the validator rejects what krew would', () => {
    const broken = (
      edit: (m: { metadata: Record<string, unknown>; spec: Record<string, unknown> & { platforms: Record<string, unknown>[] } }) => void,
      file = MANIFEST,
    ): string[] => {
      const copy = structuredClone(manifest) as unknown as Parameters<typeof edit>[0];
      edit(copy);
      return validateManifest(copy, file, facts()).errors;
    };
    const expect = (errors: string[], pattern: RegExp): void =>
      assert.ok(
        errors.some((e) => pattern.test(e)),
        `${pattern} not in ${JSON.stringify(errors)}`,
      );
    expect(
      broken((m) => (m.spec.platforms[0]!.sha256 = String(m.spec.platforms[0]!.sha256).toUpperCase())),
      /sha256 .* must match/,
    );
    expect(
      broken((m) => (m.spec.platforms[0]!.sha256 = 'a'.repeat(64))),
      /is not the archive's sha256/,
    );
    expect(
      broken((m) => (m.spec.version = VERSION)),
      /semantic version with a leading v/,
    );
    expect(
      broken((m) => (m.spec.version = 'v1.02.0')),
      /semantic version/,
    );
    expect(
      broken((m) => (m.spec.platforms[0]!.selector = { matchLabels: { os: 'linux', arch: 'amd64', distro: 'debian' } })),
      /key "distro" not supported/,
    );
    expect(
      broken((m) => (m.spec.platforms[0]!.selector = { matchLabels: {} })),
      /empty/,
    );
    expect(
      broken((m) => (m.spec.platforms[0]!.files = [{ from: 'kubectl-kfstore', to: '.' }])),
      /no LICENSE file is installed/,
    );
    expect(
      broken((m) => (m.spec.platforms[0]!.files = [])),
      /has to be unspecified or non-empty/,
    );
    expect(
      broken((m) => (m.spec.platforms[0]!.bin = 'kubectl_kfstore')),
      /not among the installed files/,
    );
    expect(
      broken((m) => m.spec.platforms.push(structuredClone(m.spec.platforms[0]!))),
      /overlap/,
    );
    expect(
      broken((m) => (m.spec.shortDescription = 'two\nlines')),
      /line breaks/,
    );
    expect(
      broken((m) => (m.metadata.name = 'kf-store')),
      /metadata.name must equal the file name "kfstore"/,
    );
    expect(
      broken(() => undefined, join(OUT, 'kf store.yaml')),
      /is not allowed/,
    );
    expect(
      broken(() => undefined, join(OUT, 'NUL.yaml')),
      /is not allowed/,
    );
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

describe('the linux arm64 executable under qemu-aarch64', () => {
  const qemu = (args: string[]): Promise<Run> =>
    run(
      'qemu-aarch64',
      ['-L', '/usr/aarch64-linux-gnu', join(unpacked(LINUX_ARM64), 'kubectl-kfstore'), ...args],
      { PATH: '/usr/bin:/bin', HOME: work, KUBECONFIG: '/nonexistent-kubeconfig' },
      180_000,
    );

  it('version', async () => {
    const r = await qemu(['version']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, `kubectl-kfstore ${VERSION}\n`);
    assert.doesNotMatch(r.stderr, SEA_WARNING);
  });

  it('doctor -f on the GitOps fixture: a DoctorReport, exit 1', async () => {
    const r = await qemu(['doctor', '-f', fixturePath('manifests', 'gitops'), '-o', 'json']);
    assert.equal(r.code, 1, r.stderr);
    assert.equal((JSON.parse(r.stdout) as { kind: string }).kind, 'DoctorReport');
  });
});

describe('release settings', () => {
  it('without KFSTORE_RELEASE_BASE_URL: archives, no manifest (no placeholder URLs)', async () => {
    const out = join(work, 'no-url');
    const r = await run(
      process.execPath,
      ['scripts/release.ts'],
      releaseEnv({ KFSTORE_RELEASE_OUT: out, KFSTORE_RELEASE_TARGETS: 'linux_amd64' }),
      600_000,
    );
    assert.equal(r.code, 0, r.stdout + r.stderr);
    assert.ok(existsSync(join(out, archiveName(LINUX_AMD64))));
    assert.ok(!existsSync(join(out, 'kfstore.yaml')));
    assert.match(r.stdout, /no krew manifest: set KFSTORE_RELEASE_BASE_URL to where the archives will be uploaded/);
    assert.match(r.stdout, /not built: linux_arm64: not in KFSTORE_RELEASE_TARGETS/);
  });

  it('a target that cannot be built, or an unknown one, fails before building anything', async () => {
    for (const [target, message] of [
      ['darwin_amd64', /KFSTORE_RELEASE_TARGETS: darwin_amd64: Node\.js single executables do not support Intel macOS/],
      ['linux_riscv64', /unknown target "linux_riscv64"; targets: linux_amd64, linux_arm64, darwin_amd64, darwin_arm64, windows_amd64/],
    ] as const) {
      const out = join(work, `bad-${target}`);
      const r = await run(
        process.execPath,
        ['scripts/release.ts'],
        releaseEnv({ KFSTORE_RELEASE_OUT: out, KFSTORE_RELEASE_TARGETS: target }),
        60_000,
      );
      assert.equal(r.code, 1);
      assert.match(r.stderr, message);
      assert.ok(!existsSync(out));
    }
  });
});
