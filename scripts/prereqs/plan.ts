// Decides what `npm test` does about missing prerequisites: nothing, install them with apt-get
// (Debian, as root), or stop with one line saying exactly what to install. Pure: the facts come in.
import { atLeast, parseVersion } from './requirements.ts';
import type { MinorVersion, Requirement } from './requirements.ts';

export interface Found {
  requirement: Requirement;
  /** Executables of the requirement not on PATH, and its files that do not exist. */
  missing: string[];
  /** The version found, when the requirement has a minimum and the binary is there. */
  version?: MinorVersion;
}

export interface Host {
  /** /etc/debian_version exists and apt-get is on PATH. */
  debian: boolean;
  root: boolean;
  /** KFSTORE_NO_INSTALL=1: report instead of installing. */
  noInstall: boolean;
}

export type Plan = { action: 'ready' } | { action: 'install'; packages: string[] } | { action: 'stop'; line: string };

/** Debian package name -> the version apt would install (absent: unknown or not available). */
export type Candidates = Record<string, string>;

const AGAIN = 'then run npm test again';

function tooOldFound(f: Found): boolean {
  const min = f.requirement.minVersion;
  return min !== undefined && f.missing.length === 0 && f.version !== undefined && !atLeast(f.version, min);
}

/** The requirements that are missing or too old. */
export function unmet(found: Found[]): Found[] {
  return found.filter((f) => f.missing.length > 0 || tooOldFound(f));
}

function describe(f: Found): string {
  const min = f.requirement.minVersion;
  if (min === undefined) return f.requirement.name;
  const wanted = `${f.requirement.name} >= ${min.major}.${min.minor}`;
  return tooOldFound(f) && f.version !== undefined ? `${wanted} (found ${f.version.major}.${f.version.minor})` : wanted;
}

function candidateOf(f: Found, candidates: Candidates): string | undefined {
  return f.requirement.debian.map((p) => candidates[p]).find((v) => v !== undefined);
}

/** A requirement with a minimum version that Debian's package cannot meet. */
function debianTooOld(f: Found, candidates: Candidates): boolean {
  const min = f.requirement.minVersion;
  if (min === undefined) return false;
  const candidate = candidateOf(f, candidates);
  const v = candidate === undefined ? undefined : parseVersion(candidate);
  return v === undefined || !atLeast(v, min);
}

function elsewhere(f: Found): string {
  return f.requirement.elsewhere === undefined ? '' : ` from ${f.requirement.elsewhere}`;
}

/** `candidates` matters only for requirements with a minimum version (kubectl). */
export function plan(found: Found[], host: Host, candidates: Candidates = {}): Plan {
  const needs = unmet(found);
  if (needs.length === 0) return { action: 'ready' };
  const packages = [...new Set(needs.flatMap((f) => f.requirement.debian))];
  const what = needs.map(describe).join(', ');
  const aptLine = `apt-get install ${packages.join(' ')}`;
  if (!host.debian) {
    // Packages whose requirement names a source of its own (kubectl) are left out of the apt line.
    const fromApt = [...new Set(needs.filter((f) => f.requirement.elsewhere === undefined).flatMap((f) => f.requirement.debian))];
    const notes = needs.filter((f) => f.requirement.elsewhere !== undefined).map((f) => `${f.requirement.name}${elsewhere(f)}`);
    const ways = [...(fromApt.length > 0 ? [`on Debian or Ubuntu, as root: apt-get install ${fromApt.join(' ')}`] : []), ...notes];
    return { action: 'stop', line: `npm test needs ${what} on PATH (${ways.join('; ')}); ${AGAIN}` };
  }
  // Debian's package too old to serve (kubectl 1.20 in Debian 12): say so instead of installing it.
  const tooOld = needs.filter((f) => debianTooOld(f, candidates));
  if (tooOld.length > 0) {
    const parts = tooOld.map((f) => {
      const candidate = candidateOf(f, candidates);
      const debian = `Debian's ${f.requirement.debian.join(' ')} ${candidate === undefined ? 'is not available' : `is ${candidate}, too old`}`;
      const min = f.requirement.minVersion;
      const wanted = min === undefined ? f.requirement.name : `${f.requirement.name} >= ${min.major}.${min.minor} for ${min.why}`;
      const seen = tooOldFound(f) && f.version !== undefined ? ` (found ${f.version.major}.${f.version.minor})` : '';
      return `${wanted}${seen}: ${debian}; install ${f.requirement.name}${elsewhere(f)}`;
    });
    const rest = packages.filter((p) => !tooOld.some((f) => f.requirement.debian.includes(p)));
    const restLine = rest.length > 0 ? `; and as root: apt-get install ${rest.join(' ')}` : '';
    return { action: 'stop', line: `npm test needs ${parts.join('; ')}${restLine}; ${AGAIN}` };
  }
  if (!host.root || host.noInstall) return { action: 'stop', line: `npm test needs ${what} on PATH: as root (sudo) ${aptLine}; ${AGAIN}` };
  return { action: 'install', packages };
}
