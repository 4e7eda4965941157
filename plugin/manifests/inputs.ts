// What `-f` reads: files and directories (recursively, .yaml/.yml/.json), `-` for stdin, minus
// --exclude globs. A kustomization's `namespace:` is applied to the tree under it as kustomize
// would (the outermost one wins, as an overlay's does over its bases), and Helm charts are
// skipped with a note instead of failing as invalid YAML.
import { readFileSync, readdirSync, realpathSync, statSync } from 'node:fs';
import { basename, dirname, join, matchesGlob, relative, sep } from 'node:path';
import { parse } from 'yaml';
import { PluginError } from '../cli/errors.ts';

export interface ManifestInput {
  /** The path as the user named it (or under the directory they named); `-` is stdin. */
  file: string;
  text: string;
  /** Set by a kustomization above the file: every namespaced object in it goes there. */
  namespace?: string;
  /** kustomize output: objects carry `config.kubernetes.io/origin`, a path relative to this directory. */
  originBase?: string;
}

export interface InputOptions {
  exclude?: string[];
  /** Reads all of stdin (injected so tests and callers control it). */
  stdin?: () => string;
}

export interface Inputs {
  inputs: ManifestInput[];
  notes: string[];
}

const MANIFEST = /\.(ya?ml|json)$/i;
const KUSTOMIZATION = ['kustomization.yaml', 'kustomization.yml', 'Kustomization'];
export const STDIN = '-';

export function readInputs(paths: string[], opts: InputOptions = {}): Inputs {
  const out: Inputs = { inputs: [], notes: [] };
  if (paths.filter((p) => p === STDIN).length > 1) throw new PluginError('-f - (stdin) can be given once');
  for (const path of paths) {
    if (path === STDIN) {
      out.inputs.push({ file: STDIN, text: (opts.stdin ?? readStdin)() });
      continue;
    }
    walker(path, opts.exclude ?? [], out)(path, true, undefined);
  }
  return out;
}

function readStdin(): string {
  try {
    return readFileSync(0, 'utf8');
  } catch (e) {
    throw new PluginError(`-f -: cannot read stdin (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

type Visit = (path: string, explicit: boolean, namespace: string | undefined) => void;

function walker(root: string, exclude: string[], out: Inputs): Visit {
  /** A pattern without `/` matches a name at any depth; with one, the path under the -f root. */
  const excluded = (path: string): boolean => {
    const under = relative(root, path).split(sep).join('/');
    return exclude.some((glob) => (glob.includes('/') ? matchesGlob(under, glob) || matchesGlob(path, glob) : matchesGlob(basename(path), glob)));
  };
  const dirs = new Set<string>();
  const visit: Visit = (path, explicit, namespace) => {
    if (!explicit && excluded(path)) return;
    let st;
    try {
      st = statSync(path);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (!explicit && (code === 'ENOENT' || code === 'ELOOP')) {
        out.notes.push(`skipped ${path}: ${code === 'ENOENT' ? 'a broken symbolic link' : 'a symbolic link loop'}`);
        return;
      }
      throw new PluginError(`${path}: ${code === 'ENOENT' ? 'no such file or directory' : `cannot read (${code ?? String(e)})`}`);
    }
    if (st.isDirectory()) {
      // A symbolic link back up the tree would be walked forever.
      const real = realpathSync(path);
      if (dirs.has(real)) return;
      dirs.add(real);
      const names = readdirSync(path).sort();
      const here = namespace ?? kustomizationNamespace(path, names);
      if (names.includes('Chart.yaml')) {
        out.notes.push(`skipped ${path}: a Helm chart (templates are not manifests until rendered); check its output with helm template ... | kubectl kfstore doctor -f -`);
        return;
      }
      for (const name of names) {
        if (name.startsWith('.') || KUSTOMIZATION.includes(name)) continue;
        visit(join(path, name), false, here);
      }
      return;
    }
    if (!explicit && !MANIFEST.test(path)) return;
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (e) {
      throw new PluginError(`${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
    const input: ManifestInput = { file: path, text };
    const ns = namespace ?? (explicit ? kustomizationNamespace(dirname(path), safeList(dirname(path))) : undefined);
    if (ns !== undefined) input.namespace = ns;
    out.inputs.push(input);
  };
  return visit;
}

function safeList(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
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

/** Helm (Go template) syntax: such a file is not YAML until rendered. */
export function looksTemplated(text: string): boolean {
  return /\{\{-?\s*(\.|include\b|template\b|if\b|range\b|with\b|toYaml\b|\$)/.test(text);
}
