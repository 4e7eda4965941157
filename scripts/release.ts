// `npm run release`: kubectl-kfstore as a single executable (Node 24 SEA, so users need no Node),
// the krew archive per target, and the krew manifest, validated. Run from the repository root.
//
// Environment: KFSTORE_RELEASE_BASE_URL  where the archives will be downloadable from (the GitHub
//                release's download directory; "{{tag}}" in it becomes v<version>)
//              KFSTORE_HOMEPAGE          spec.homepage (default: derived from a GitHub base URL)
//              SOURCE_DATE_EPOCH         mtime of archive entries (default: now)
//              KFSTORE_RELEASE_OUT       output directory (default dist/release; tests use a temporary
//                                        one, since `npm run build` empties dist/)
import { createHash } from 'node:crypto';
import { chmodSync, copyFileSync, cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { bundleForSea } from './sea/bundle.ts';
import { buildExecutable } from './sea/inject.ts';
import { renderManifest, validateManifest } from './sea/krew.ts';
import type { ArchiveFacts, PlatformValues } from './sea/krew.ts';
import { listTarGz, tarGz } from './sea/tar.ts';
import { archiveName, executableName, hostTarget, nodeBinaryFor, sameTarget, targetName } from './sea/targets.ts';
import type { Target } from './sea/targets.ts';

const OUT = resolve(process.env.KFSTORE_RELEASE_OUT || 'dist/release');
const TEMPLATE = resolve('release/krew/kfstore.yaml');
const COMPLETION = '#!/bin/sh\n# Shell completion for kubectl kfstore, called by kubectl (>= 1.26).\nexec kubectl-kfstore __complete "$@"\n';
const PLACEHOLDER_BASE = 'https://github.com/OWNER/REPO/releases/download/{{tag}}';

// Add targets here once their Node binary can be fetched (see nodeBinaryFor).
const TARGETS: Target[] = [{ os: 'linux', arch: 'amd64' }];

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');
const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
const tag = `v${version}`;
const baseUrl = (process.env.KFSTORE_RELEASE_BASE_URL || PLACEHOLDER_BASE).replaceAll('{{tag}}', tag).replace(/\/+$/, '');
const homepage = process.env.KFSTORE_HOMEPAGE || (/^https:\/\/github\.com\/[^/]+\/[^/]+/.exec(baseUrl)?.[0] ?? 'https://github.com/OWNER/REPO');
const mtime = Number(process.env.SOURCE_DATE_EPOCH || Math.floor(Date.now() / 1000));

// Everything is written to a staging directory and moved to OUT once valid: a failed release leaves
// no half-written output, and a concurrent `npm run build` (which empties dist/) cannot pull files
// from under it.
const work = mkdtempSync(join(tmpdir(), 'kfstore-release-'));
const stage = join(work, 'release');
const shown = (path: string): string => join(OUT, relative(stage, path));
try {
  mkdirSync(stage);
  const script = join(work, 'kubectl-kfstore.cjs');
  await bundleForSea('plugin/main.ts', script);
  const license = readFileSync('LICENSE');
  const platforms: PlatformValues[] = [];
  const archives: Record<string, ArchiveFacts> = {};
  const summary: string[] = [];

  for (const target of TARGETS) {
    const dir = join(stage, `${target.os}-${target.arch}`);
    mkdirSync(dir, { recursive: true });
    const exe = join(dir, executableName(target));
    buildExecutable({ script, nodeBinary: nodeBinaryFor(target), workDir: work, outfile: exe, codeCache: sameTarget(target, hostTarget()), os: target.os });
    const completion = join(dir, 'kubectl_complete-kfstore');
    writeFileSync(completion, COMPLETION);
    chmodSync(completion, 0o755);
    copyFileSync('LICENSE', join(dir, 'LICENSE'));

    const archive = tarGz(
      [
        { name: executableName(target), mode: 0o755, data: readFileSync(exe) },
        { name: 'kubectl_complete-kfstore', mode: 0o755, data: Buffer.from(COMPLETION) },
        { name: 'LICENSE', mode: 0o644, data: license },
      ],
      mtime,
    );
    const archivePath = join(stage, archiveName(target));
    writeFileSync(archivePath, archive);
    const sum = sha256(archive);
    writeFileSync(`${archivePath}.sha256`, `${sum}  ${archiveName(target)}\n`);
    const uri = `${baseUrl}/${archiveName(target)}`;
    platforms.push({ os: target.os, arch: target.arch, uri, sha256: sum });
    archives[uri] = { sha256: sum, entries: listTarGz(archive) };
    summary.push(`${targetName(target)}  ${shown(exe)}  ${mib(statSync(exe).size)}`, `${targetName(target)}  ${shown(archivePath)}  ${mib(archive.length)}  sha256 ${sum}`);
  }

  const manifestPath = join(stage, 'kfstore.yaml');
  writeFileSync(manifestPath, renderManifest(readFileSync(TEMPLATE, 'utf8'), { version: tag, homepage }, platforms));
  // Validate the file as written, as krew would read it.
  const { errors, warnings } = validateManifest(parse(readFileSync(manifestPath, 'utf8')), manifestPath, archives);
  for (const w of warnings) process.stderr.write(`warning: krew manifest: ${w}\n`);
  if (errors.length > 0) throw new Error(`krew manifest ${shown(manifestPath)} is invalid:\n- ${errors.join('\n- ')}`);

  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(dirname(OUT), { recursive: true });
  try {
    renameSync(stage, OUT);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
    cpSync(stage, OUT, { recursive: true }); // tmpdir on another filesystem
  }
  process.stdout.write(`kubectl-kfstore ${tag} release in ${OUT}\n${summary.map((l) => `  ${l}\n`).join('')}  krew manifest  ${shown(manifestPath)}  (valid)\n`);
  if (baseUrl.includes('OWNER/REPO') || homepage.includes('OWNER/REPO')) {
    process.stdout.write('  note: uri/homepage are placeholders: set KFSTORE_RELEASE_BASE_URL (and KFSTORE_HOMEPAGE) before publishing\n');
  }
} catch (e) {
  process.stderr.write(`release failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
