// What `-f` reads: the files of manifestTree (files.ts), or stdin for `-`, each with its text and
// the namespace a kustomization above it sets.
import { readFileSync } from 'node:fs';
import { PluginError } from '../cli/errors.ts';
import { fsUserError } from '../fs-errors.ts';
import { manifestTree } from './files.ts';

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

export const STDIN = '-';

export function readInputs(paths: string[], opts: InputOptions = {}): Inputs {
  const out: Inputs = { inputs: [], notes: [] };
  if (paths.filter((p) => p === STDIN).length > 1) throw new PluginError('-f - (stdin) can be given once');
  for (const path of paths) {
    if (path === STDIN) {
      out.inputs.push({ file: STDIN, text: (opts.stdin ?? readStdin)() });
      continue;
    }
    for (const f of manifestTree(path, { exclude: opts.exclude ?? [], notes: out.notes })) out.inputs.push({ ...f, text: read(f.file) });
  }
  return out;
}

function read(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw fsUserError(e);
  }
}

function readStdin(): string {
  try {
    return readFileSync(0, 'utf8');
  } catch (e) {
    throw new PluginError(`-f -: cannot read stdin (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
}

/** Helm (Go template) syntax: such a file is not YAML until rendered. */
export function looksTemplated(text: string): boolean {
  return /\{\{-?\s*(\.|include\b|template\b|if\b|range\b|with\b|toYaml\b|\$)/.test(text);
}
