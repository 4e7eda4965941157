// The files `-f` names: a file as given, a directory read recursively for .yaml/.yml/.json (dot
// entries skipped). A dangling symbolic link or a directory loop is a user error naming the path.
import { lstatSync, readdirSync, realpathSync, statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { join } from 'node:path';
import { PluginError } from '../cli/errors.ts';
import { fsUserError } from '../fs-errors.ts';

export const MANIFEST = /\.(ya?ml|json)$/i;

export function manifestFiles(path: string): string[] {
  return visit(path, true, []);
}

function visit(path: string, explicit: boolean, ancestors: string[]): string[] {
  const st = stat(path, explicit || MANIFEST.test(path));
  if (st === undefined) return [];
  if (!st.isDirectory()) return explicit || MANIFEST.test(path) ? [path] : [];
  const real = realpathSync(path);
  if (ancestors.includes(real)) throw new PluginError(`${path}: symbolic link loop (leads back to ${real})`);
  let names: string[];
  try {
    names = readdirSync(path);
  } catch (e) {
    throw fsUserError(e);
  }
  return names
    .sort()
    .filter((name) => !name.startsWith('.'))
    .flatMap((name) => visit(join(path, name), false, [...ancestors, real]));
}

// `wanted`: a file that would be read; another one that cannot be stat'ed is no manifest anyway.
function stat(path: string, wanted: boolean): Stats | undefined {
  try {
    return statSync(path);
  } catch (e) {
    if (!wanted) return undefined;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && lstatSafe(path)?.isSymbolicLink() === true) throw new PluginError(`${path}: dangling symbolic link (its target does not exist)`);
    if (code === 'ENOENT') throw new PluginError(`${path}: no such file or directory`);
    throw fsUserError(e);
  }
}

function lstatSafe(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}
