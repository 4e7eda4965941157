// Loading test fixtures (YAML files, one behaviour each) and KFP's recorded verdicts.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

export const FIXTURES = new URL('../fixtures/', import.meta.url).pathname;

export function fixturePath(...parts: string[]): string {
  return join(FIXTURES, ...parts);
}

export function readFixture(...parts: string[]): string {
  return readFileSync(fixturePath(...parts), 'utf8');
}

/** A fresh parsed copy of a YAML fixture (callers may mutate it). */
export function loadYaml<T = Record<string, unknown>>(...parts: string[]): T {
  return parse(readFixture(...parts)) as T;
}

export function listFixtures(dir: string, suffix = '.yaml'): string[] {
  return readdirSync(fixturePath(dir))
    .filter((f) => f.endsWith(suffix))
    .sort();
}

/** `# name: value` header lines of a fixture file. */
export function headerValue(text: string, name: string): string | undefined {
  const m = new RegExp(`^# ${name}: (.*)$`, 'm').exec(text);
  return m?.[1]?.trim();
}

export interface KfpVerdict {
  root: string;
  kind: 'OK' | 'ERROR' | 'PANIC';
  /** Session JSON for OK, the message otherwise. */
  text: string;
}

/** KFP-2.17.0-RESULTS.txt: per file, every evaluated root and KFP's own result. */
export function kfpResults(): Map<string, KfpVerdict[] | 'K8S-DECODE-ERROR'> {
  const results = new Map<string, KfpVerdict[] | 'K8S-DECODE-ERROR'>();
  let current: KfpVerdict[] | undefined;
  let pendingRoot: string | undefined;
  for (const line of readFixture('kfp-launcher', 'KFP-2.17.0-RESULTS.txt').split('\n')) {
    const file = /^=== (.+)$/.exec(line);
    if (file) {
      current = [];
      results.set(file[1] ?? '', current);
      continue;
    }
    if (line.trim().startsWith('K8S-DECODE-ERROR')) {
      const last = [...results.keys()].pop();
      if (last !== undefined) results.set(last, 'K8S-DECODE-ERROR');
      continue;
    }
    const root = /^\s+root=(\S+)/.exec(line);
    if (root) {
      pendingRoot = root[1];
      continue;
    }
    const verdict = /^\s+-> (OK|ERROR|PANIC): (.*)$/.exec(line);
    if (verdict && pendingRoot !== undefined && current !== undefined) {
      current.push({ root: pendingRoot, kind: verdict[1] as KfpVerdict['kind'], text: verdict[2] ?? '' });
      pendingRoot = undefined;
    }
  }
  return results;
}
