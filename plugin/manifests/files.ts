// The files `-f` names: a file as given, a directory read recursively for .yaml/.yml/.json (dot
// entries skipped). A dangling symbolic link or a directory loop is a user error naming the path.
// Walking a tree, --exclude globs leave files and directories out, a Helm chart is skipped with a
// note, and a kustomization's `namespace:` is recorded for the files under it, as kustomize would
// apply it (the outermost one wins, as an overlay's does over its bases).
import { lstatSync, readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import type { Stats } from 'node:fs';
import { basename, dirname, join, matchesGlob, relative, sep } from 'node:path';
import { parse } from 'yaml';
import { PluginError } from '../cli/errors.ts';
import { fsUserError } from '../fs-errors.ts';

export const MANIFEST = /\.(ya?ml|json)$/i;
const KUSTOMIZATION = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];

export interface ManifestFile {
  file: string;
  /** Set by a kustomization above the file: every namespaced object in it goes there. */
  namespace?: string;
}

export interface TreeOptions {
  exclude?: string[];
  /** Where skip notes (Helm charts) go. */
  notes?: string[];
}

export function manifestFiles(path: string): string[] {
  return manifestTree(path).map((f) => f.file);
}

export function manifestTree(path: string, opts: TreeOptions = {}): ManifestFile[] {
  const exclude = opts.exclude ?? [];
  /** A pattern without `/` matches a name at any depth; with one, the path under the -f root. */
  const excluded = (p: string): boolean => {
    const under = relative(path, p).split(sep).join('/');
    return exclude.some((glob) => (glob.includes('/') ? matchesGlob(under, glob) || matchesGlob(p, glob) : matchesGlob(basename(p), glob)));
  };
  const visit = (p: string, explicit: boolean, ancestors: string[], namespace: string | undefined): ManifestFile[] => {
    if (!explicit && excluded(p)) return [];
    const st = stat(p, explicit || MANIFEST.test(p));
    if (st === undefined) return [];
    if (!st.isDirectory()) {
      if (!explicit && !MANIFEST.test(p)) return [];
      const ns = namespace ?? (explicit ? kustomizationNamespace(dirname(p), list(dirname(p))) : undefined);
      return [ns !== undefined ? { file: p, namespace: ns } : { file: p }];
    }
    const real = realpathSync(p);
    if (ancestors.includes(real)) throw new PluginError(`${p}: symbolic link loop (leads back to ${real})`);
    const names = list(p).sort();
    if (names.includes('Chart.yaml')) {
      opts.notes?.push(
        `skipped ${p}: a Helm chart (templates are not manifests until rendered); check its output with helm template ... | kubectl kfstore doctor -f -`,
      );
      return [];
    }
    const here = namespace ?? kustomizationNamespace(p, names);
    return names
      .filter((name) => !name.startsWith('.') && !KUSTOMIZATION.includes(name))
      .flatMap((name) => visit(join(p, name), false, [...ancestors, real], here));
  };
  return visit(path, true, [], undefined);
}

function list(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch (e) {
    throw fsUserError(e);
  }
}

function kustomizationNamespace(dir: string, names: string[]): string | undefined {
  const file = KUSTOMIZATION.find((k) => names.includes(k));
  if (file === undefined) return undefined;
  let doc: unknown;
  try {
    doc = parse(readFileSync(join(dir, file), 'utf8'));
  } catch (e) {
    throw new PluginError(`${join(dir, file)}: not a valid kustomization (${e instanceof Error ? e.message.split('\n')[0] : String(e)})`);
  }
  const ns = typeof doc === 'object' && doc !== null ? (doc as { namespace?: unknown }).namespace : undefined;
  return typeof ns === 'string' && ns !== '' ? ns : undefined;
}

// `wanted`: a file that would be read; another one that cannot be stat'ed is no manifest anyway.
function stat(path: string, wanted: boolean): Stats | undefined {
  try {
    return statSync(path);
  } catch (e) {
    if (!wanted) return undefined;
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' && lstatSafe(path)?.isSymbolicLink() === true)
      throw new PluginError(`${path}: dangling symbolic link (its target does not exist)`);
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
