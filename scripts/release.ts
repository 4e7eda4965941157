// `npm run release`: kubectl-kfstore as a single executable per platform (Node 24 SEA, so users
// need no Node), the krew archive per platform, and the krew manifest listing them, validated. Run
// from the repository root.
//
// Environment: KFSTORE_RELEASE_BASE_URL  where the archives will be uploaded and downloaded from,
//                                        "{{tag}}" becoming v<version> (e.g. the GitHub release's
//                                        https://github.com/<owner>/<repo>/releases/download/{{tag}});
//                                        unset: archives only, no manifest (no placeholder URLs)
//              KFSTORE_HOMEPAGE          spec.homepage (default: derived from a GitHub base URL)
//              KFSTORE_RELEASE_TARGETS   comma-separated targets (linux_amd64,...); default: every
//                                        target that can be built (scripts/sea/targets.ts says why not)
//              SOURCE_DATE_EPOCH         mtime of archive entries (default: now)
//              KFSTORE_RELEASE_OUT       output directory (default dist/release; tests use a temporary
//                                        one, since `npm run build` empties dist/)
import { createHash } from 'node:crypto';
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { parse } from 'yaml';
import { bundleForSea } from './sea/bundle.ts';
import { buildExecutable } from './sea/inject.ts';
import { renderManifest, validateManifest } from './sea/krew.ts';
import type { ArchiveFacts, PlatformValues } from './sea/krew.ts';
import { nodeBinaryFor, nodeRunner } from './sea/node-binary.ts';
import { listTarGz, tarGz } from './sea/tar.ts';
import type { TarEntry } from './sea/tar.ts';
import { ALL_TARGETS, archiveName, cannotBuild, executableName, parseTarget, sameTarget, targetName } from './sea/targets.ts';
import type { Target } from './sea/targets.ts';

const OUT = resolve(process.env.KFSTORE_RELEASE_OUT || 'dist/release');
const TEMPLATE = resolve('release/krew/kfstore.yaml');
const NODE_CACHE = resolve('node_modules/.cache/kfstore-release');
const COMPLETION =
  '#!/bin/sh\n# Shell completion for kubectl kfstore, called by kubectl (>= 1.26).\nexec kubectl-kfstore __complete "$@"\n';

function targets(): Target[] {
  const named = process.env.KFSTORE_RELEASE_TARGETS;
  if (!named) return ALL_TARGETS.filter((t) => cannotBuild(t) === undefined);
  return named.split(',').map((name) => {
    const t = parseTarget(name);
    if (t === undefined)
      throw new Error(
        `KFSTORE_RELEASE_TARGETS: unknown target ${JSON.stringify(name)}; targets: ${ALL_TARGETS.map(targetName).join(', ')}`,
      );
    const why = cannotBuild(t);
    if (why !== undefined) throw new Error(`KFSTORE_RELEASE_TARGETS: ${name}: ${why}`);
    return t;
  });
}

const sha256 = (data: Buffer): string => createHash('sha256').update(data).digest('hex');
const mib = (bytes: number): string => `${(bytes / 1024 / 1024).toFixed(1)} MiB`;

const version = (JSON.parse(readFileSync('package.json', 'utf8')) as { version: string }).version;
const tag = `v${version}`;
const baseUrl = process.env.KFSTORE_RELEASE_BASE_URL
  ? process.env.KFSTORE_RELEASE_BASE_URL.replaceAll('{{tag}}', tag).replace(/\/+$/, '')
  : undefined;
const homepage =
  process.env.KFSTORE_HOMEPAGE || (baseUrl === undefined ? undefined : /^https:\/\/github\.com\/[^/]+\/[^/]+/.exec(baseUrl)?.[0]);
const mtime = Number(process.env.SOURCE_DATE_EPOCH || Math.floor(Date.now() / 1000));

function archiveEntries(target: Target, exe: Buffer, license: Buffer): TarEntry[] {
  const entries: TarEntry[] = [{ name: executableName(target), mode: 0o755, data: exe }];
  // kubectl runs completion plugins through a shell script: no use on Windows.
  if (target.os !== 'windows') entries.push({ name: 'kubectl_complete-kfstore', mode: 0o755, data: Buffer.from(COMPLETION) });
  entries.push({ name: 'LICENSE', mode: 0o644, data: license });
  return entries;
}

// Everything is written to a staging directory and moved to OUT once valid: a failed release leaves
// no half-written output, and a concurrent `npm run build` (which empties dist/) cannot pull files
// from under it.
const work = mkdtempSync(join(tmpdir(), 'kfstore-release-'));
const stage = join(work, 'release');
const shown = (path: string): string => join(OUT, relative(stage, path));
try {
  if (baseUrl !== undefined && homepage === undefined)
    throw new Error('KFSTORE_HOMEPAGE is needed when KFSTORE_RELEASE_BASE_URL is not a GitHub release URL');
  const chosen = targets();
  mkdirSync(stage);
  const script = join(work, 'kubectl-kfstore.cjs');
  await bundleForSea('plugin/main.ts', script);
  const license = readFileSync('LICENSE');
  const platforms: PlatformValues[] = [];
  const archives: Record<string, ArchiveFacts> = {};
  const summary: string[] = [];

  for (const target of chosen) {
    const dir = join(stage, `${target.os}-${target.arch}`);
    mkdirSync(dir, { recursive: true });
    const exe = join(dir, executableName(target));
    const nodeBinary = nodeBinaryFor(target, NODE_CACHE);
    // V8's code cache is written by the target's own Node, where it can run here (host, qemu).
    const blobWriter = nodeRunner(target, nodeBinary);
    buildExecutable({ script, nodeBinary, workDir: work, outfile: exe, blobWriter, os: target.os });
    const entries = archiveEntries(target, readFileSync(exe), license);
    for (const e of entries.slice(1)) writeFileSync(join(dir, e.name), e.data, { mode: e.mode });
    chmodSync(exe, 0o755);

    const archive = tarGz(entries, mtime);
    const archivePath = join(stage, archiveName(target));
    writeFileSync(archivePath, archive);
    const sum = sha256(archive);
    writeFileSync(`${archivePath}.sha256`, `${sum}  ${archiveName(target)}\n`);
    if (baseUrl !== undefined) {
      const uri = `${baseUrl}/${archiveName(target)}`;
      platforms.push({ os: target.os, arch: target.arch, uri, sha256: sum, exe: executableName(target) });
      archives[uri] = { sha256: sum, entries: listTarGz(archive) };
    }
    summary.push(
      `${targetName(target)}  ${shown(exe)}  ${mib(statSync(exe).size)}  ${blobWriter === undefined ? 'no code cache (its Node cannot run here)' : 'code cache'}`,
      `${targetName(target)}  ${shown(archivePath)}  ${mib(archive.length)}  sha256 ${sum}`,
    );
  }

  const manifestPath = join(stage, 'kfstore.yaml');
  if (baseUrl !== undefined && homepage !== undefined) {
    writeFileSync(manifestPath, renderManifest(readFileSync(TEMPLATE, 'utf8'), { version: tag, homepage }, platforms));
    // Validate the file as written, as krew would read it.
    const { errors, warnings } = validateManifest(parse(readFileSync(manifestPath, 'utf8')), manifestPath, archives);
    for (const w of warnings) process.stderr.write(`warning: krew manifest: ${w}\n`);
    if (errors.length > 0) throw new Error(`krew manifest ${shown(manifestPath)} is invalid:\n- ${errors.join('\n- ')}`);
  }

  rmSync(OUT, { recursive: true, force: true });
  mkdirSync(dirname(OUT), { recursive: true });
  try {
    renameSync(stage, OUT);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EXDEV') throw e;
    cpSync(stage, OUT, { recursive: true }); // tmpdir on another filesystem
  }
  const skipped = ALL_TARGETS.filter((t) => !chosen.some((c) => sameTarget(c, t))).map(
    (t) => `  not built: ${targetName(t)}: ${cannotBuild(t) ?? 'not in KFSTORE_RELEASE_TARGETS'}\n`,
  );
  const manifestLine =
    baseUrl === undefined
      ? `  no krew manifest: set KFSTORE_RELEASE_BASE_URL to where the archives will be uploaded ({{tag}} becomes ${tag})\n`
      : `  krew manifest  ${shown(manifestPath)}  (valid; upload the archives to ${baseUrl}/)\n`;
  process.stdout.write(
    `kubectl-kfstore ${tag} release in ${OUT}\n${summary.map((l) => `  ${l}\n`).join('')}${manifestLine}${skipped.join('')}`,
  );
} catch (e) {
  process.stderr.write(`release failed: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exitCode = 1;
} finally {
  rmSync(work, { recursive: true, force: true });
}
