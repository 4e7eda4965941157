// First step of `npm test` (and so of .ci/run): the real components the suites need are on PATH,
// or are installed now (Debian, as root: apt-get), or the run stops with one line saying exactly
// what to install. KFSTORE_NO_INSTALL=1 reports instead of installing. The decision is in
// prereqs/plan.ts; this file only gathers facts and runs apt-get.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { onPath } from './on-path.ts';
import { plan, unmet } from './prereqs/plan.ts';
import type { Candidates, Found, Host } from './prereqs/plan.ts';
import { REQUIREMENTS, parseVersion } from './prereqs/requirements.ts';
import type { MinorVersion } from './prereqs/requirements.ts';

function kubectlVersion(): MinorVersion | undefined {
  const r = spawnSync('kubectl', ['version', '--client', '-o', 'json'], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) return undefined;
  try {
    const v = (JSON.parse(r.stdout) as { clientVersion?: { gitVersion?: string } }).clientVersion?.gitVersion;
    return v === undefined ? undefined : parseVersion(v);
  } catch {
    return undefined;
  }
}

function survey(): Found[] {
  return REQUIREMENTS.map((requirement) => {
    const found: Found = {
      requirement,
      missing: [...requirement.binaries.filter((b) => !onPath(b)), ...(requirement.files ?? []).filter((f) => !existsSync(f))],
    };
    if (requirement.minVersion !== undefined && found.missing.length === 0 && requirement.binaries[0] === 'kubectl') {
      const v = kubectlVersion();
      if (v !== undefined) found.version = v;
    }
    return found;
  });
}

function apt(args: string[]): void {
  const r = spawnSync('apt-get', args, { encoding: 'utf8', env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
  if (r.status !== 0) {
    const tail = `${r.stdout ?? ''}${r.stderr ?? ''}`.trim().split('\n').at(-1) ?? '';
    throw new Error(`apt-get ${args[0] ?? ''} failed (exit ${String(r.status)}): ${tail}`);
  }
}

function aptCandidates(found: Found[]): Candidates {
  const out: Candidates = {};
  for (const f of found) {
    if (f.requirement.minVersion === undefined) continue;
    for (const pkg of f.requirement.debian) {
      const r = spawnSync('apt-cache', ['policy', pkg], { encoding: 'utf8' });
      const m = /Candidate:\s*(\S+)/.exec(r.stdout ?? '');
      if (m?.[1] !== undefined && m[1] !== '(none)') out[pkg] = m[1];
    }
  }
  return out;
}

function stop(line: string): never {
  process.stderr.write(`${line}\n`);
  process.exit(1);
}

const host: Host = {
  debian: existsSync('/etc/debian_version') && onPath('apt-get'),
  root: process.getuid?.() === 0,
  noInstall: process.env.KFSTORE_NO_INSTALL === '1',
};

const needs = unmet(survey());
if (needs.length === 0) {
  process.stdout.write(`test prerequisites: ${REQUIREMENTS.map((r) => r.name).join(', ')} found\n`);
  process.exit(0);
}

// apt's candidate versions are only current after an update; update only when we may install.
const mayInstall = host.debian && host.root && !host.noInstall;
let candidates: Candidates = {};
try {
  if (mayInstall) apt(['update', '-qq']);
  if (host.debian) candidates = aptCandidates(needs);
} catch (e) {
  stop(`npm test could not ask apt-get about its prerequisites (${e instanceof Error ? e.message : String(e)})`);
}

const decision = plan(needs, host, candidates);
if (decision.action === 'stop') stop(decision.line);
if (decision.action === 'install') {
  process.stdout.write(`test prerequisites: installing ${decision.packages.join(' ')} (apt-get)\n`);
  try {
    apt(['install', '-y', '-qq', '--no-install-recommends', ...decision.packages]);
  } catch (e) {
    stop(
      `npm test could not install its prerequisites (${e instanceof Error ? e.message : String(e)}); as root: apt-get install ${decision.packages.join(' ')}; then run npm test again`,
    );
  }
  const still = unmet(survey());
  if (still.length > 0)
    stop(`npm test installed ${decision.packages.join(' ')} but still misses ${still.map((f) => f.requirement.name).join(', ')} on PATH`);
  process.stdout.write('test prerequisites: installed\n');
}
