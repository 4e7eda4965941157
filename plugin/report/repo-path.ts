// Paths as GitHub wants them in SARIF and annotations: relative to the repository root, whatever
// directory doctor ran in (the nearest parent holding .git); outside a repository, as given.
import { existsSync } from 'node:fs';
import { dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';

export function repoRelative(file: string, cwd: string = process.cwd()): string {
  const root = repositoryRoot(cwd);
  if (root === undefined) return file;
  const rel = relative(root, resolve(cwd, file));
  return rel.startsWith('..') || isAbsolute(rel) ? file : rel.split(sep).join('/');
}

const roots = new Map<string, string | undefined>();

function repositoryRoot(from: string): string | undefined {
  if (!roots.has(from)) roots.set(from, findRoot(from));
  return roots.get(from);
}

function findRoot(from: string): string | undefined {
  for (let dir = resolve(from); ; dir = dirname(dir)) {
    if (existsSync(join(dir, '.git'))) return dir;
    if (dirname(dir) === dir) return undefined;
  }
}
