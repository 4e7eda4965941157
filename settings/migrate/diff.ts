// A readable unified-style diff of a planned change: metadata labels/annotations and data keys,
// multi-line values line by line. Secrets show key names only, never values.
import type { ObjectChange, PlannedObject } from './plan.ts';

export function diffChange(change: ObjectChange, namespace: string): string {
  const where = `${change.kind} ${namespace}/${change.name}`;
  const head = [
    `--- ${change.before === undefined ? '/dev/null' : `${where}${change.resourceVersion === undefined ? '' : ` (resourceVersion ${change.resourceVersion})`}`}`,
    `+++ ${where} (${change.action})`,
  ];
  if (change.action === 'unchanged') return `${head.join('\n')}\n  (no changes)\n`;
  if (change.action === 'deferred')
    return `${head.join('\n')}\n  (not now: written by a later run, once the credentials Secret is filled and the target answers to it)\n`;
  const body = [
    ...diffMap('metadata.labels', change.before?.metadata.labels ?? {}, change.after.metadata.labels ?? {}),
    ...diffMap('metadata.annotations', change.before?.metadata.annotations ?? {}, change.after.metadata.annotations ?? {}),
    ...(change.kind === 'Secret' ? diffSecretKeys(change) : diffMap('data', change.before?.data ?? {}, change.after.data ?? {})),
  ];
  return `${[...head, ...body].join('\n')}\n`;
}

export function diffChanges(changes: ObjectChange[], namespace: string): string {
  return changes.map((c) => diffChange(c, namespace)).join('');
}

function diffSecretKeys(change: ObjectChange): string[] {
  const before = new Set(secretKeys(change.before));
  const after = secretKeys(change.after);
  const source =
    change.cloneFrom === undefined ? 'value to be provided' : `value cloned from ${change.cloneFrom.namespace}/${change.cloneFrom.name}`;
  return [...new Set([...before, ...after])].sort().map((k) => (before.has(k) ? `  data.${k}: (kept)` : `+ data.${k}: (${source})`));
}

function secretKeys(o: PlannedObject | undefined): string[] {
  return [...Object.keys(o?.data ?? {}), ...Object.keys(o?.stringData ?? {})];
}

function diffMap(label: string, before: Record<string, string>, after: Record<string, string>): string[] {
  const out: string[] = [];
  for (const key of [...new Set([...Object.keys(before), ...Object.keys(after)])].sort()) {
    const a = before[key];
    const b = after[key];
    if (a === b) continue;
    const name = `${label}.${key}`;
    if (a !== undefined && b !== undefined && (a.includes('\n') || b.includes('\n'))) {
      out.push(`@ ${name}`, ...diffLines(lines(a), lines(b)));
      continue;
    }
    if (a !== undefined) out.push(...prefixed('-', name, a));
    if (b !== undefined) out.push(...prefixed('+', name, b));
  }
  return out;
}

function prefixed(sign: '-' | '+', name: string, value: string): string[] {
  const ls = lines(value);
  if (ls.length <= 1) return [`${sign} ${name}: ${value}`];
  return [`${sign} ${name}: |`, ...ls.map((l) => `${sign}   ${l}`)];
}

function lines(value: string): string[] {
  return value.replace(/\n$/, '').split('\n');
}

/** Line diff by longest common subsequence (values are a few dozen lines). */
export function diffLines(a: string[], b: string[]): string[] {
  const n = a.length;
  const m = b.length;
  const lcs: number[][] = Array.from({ length: n + 1 }, () => new Array<number>(m + 1).fill(0));
  for (let i = n - 1; i >= 0; i--) {
    const row = lcs[i] ?? [];
    const next = lcs[i + 1] ?? [];
    for (let j = m - 1; j >= 0; j--) row[j] = a[i] === b[j] ? (next[j + 1] ?? 0) + 1 : Math.max(next[j] ?? 0, row[j + 1] ?? 0);
  }
  const out: string[] = [];
  let i = 0;
  let j = 0;
  while (i < n || j < m) {
    if (i < n && j < m && a[i] === b[j]) {
      out.push(`    ${a[i]}`);
      i++;
      j++;
    } else if (j < m && (i >= n || (lcs[i]?.[j + 1] ?? 0) >= (lcs[i + 1]?.[j] ?? 0))) {
      out.push(`+   ${b[j]}`);
      j++;
    } else {
      out.push(`-   ${a[i]}`);
      i++;
    }
  }
  return out;
}
