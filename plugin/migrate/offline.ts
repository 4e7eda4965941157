// -f without --dry-run: the plan written into the manifests instead of a cluster. Documents the plan
// updates are edited in place through the `yaml` Document API (other documents, keys and comments
// stay); objects the files do not hold go to kfstore-migrate-<ns>.yaml. Secrets are written as
// templates with empty values. With --out-dir every file is written there under its relative path
// (a complete tree to review or lint); without it, changed files are rewritten in place.
// Every output is computed before the first write, and each file is replaced atomically (a
// temporary file renamed over it, mode kept), so an error or a kill never leaves a half-written file.
import { chmodSync, existsSync, mkdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { basename, dirname, join, relative } from 'node:path';
import { isMap, parseAllDocuments, stringify } from 'yaml';
import type { Document } from 'yaml';
import type { NamespacePlan, ObjectChange, PlannedObject } from '../../settings/migrate/plan.ts';
import { isWrite } from '../../settings/migrate/plan.ts';
import type { DeploymentChange } from '../../settings/migrate/installation-plan.ts';
import { PluginError } from '../cli/errors.ts';
import { fsUserError } from '../fs-errors.ts';
import { manifestFiles } from '../manifests/files.ts';
import { editEnv } from './offline-env.ts';

/** Multi-line values (providers, Argo's repository) as literal blocks, never folded. */
const YAML_OUT = { blockQuote: 'literal', lineWidth: 0 } as const;

interface Found {
  file: string;
  root: string;
}

/** `deployments`: migrate --installation's env edits, by namespace. */
export function rewriteManifests(
  paths: string[],
  plans: NamespacePlan[],
  defaultNamespace: string,
  outDir: string | undefined,
  deployments: { ns: string; change: DeploymentChange }[] = [],
): string[] {
  const pending = new Map<string, { ns: string; change: ObjectChange }>();
  for (const p of plans)
    for (const c of p.changes) if (isWrite(c)) pending.set(id(c.kind, p.namespace, c.name), { ns: p.namespace, change: c });
  const envEdits = new Map(
    deployments.filter((d) => d.change.action === 'update').map((d) => [id('Deployment', d.ns, d.change.name), d.change]),
  );
  const outputs: { file: string; text: string; changed: boolean; mode?: number }[] = [];
  const files = paths.flatMap(walk);
  for (const { file, root } of files) {
    const text = readFileSync(file, 'utf8');
    let changed = false;
    const docs = parseAllDocuments(text);
    const list = Array.isArray(docs) ? docs : [];
    // Unchanged documents keep their exact text: only an edited one is printed again.
    const pieces: string[] = [];
    let from = 0;
    for (const doc of list) {
      const to = doc.range[2];
      const source = text.slice(from, to);
      from = to;
      pieces.push(source);
      const kind = doc.get('kind');
      const name = doc.getIn(['metadata', 'name']);
      const nsValue = doc.getIn(['metadata', 'namespace']);
      if (typeof kind !== 'string' || typeof name !== 'string') continue;
      const key = id(kind, typeof nsValue === 'string' ? nsValue : defaultNamespace, name);
      const hit = pending.get(key);
      const env = envEdits.get(key);
      if (hit !== undefined) edit(doc, hit.change.after);
      else if (env !== undefined) editEnv(doc, env);
      else continue;
      pending.delete(key);
      envEdits.delete(key);
      changed = true;
      // A JSON manifest stays JSON (comments cannot exist there to keep).
      pieces[pieces.length - 1] = /\.json$/i.test(file)
        ? `${JSON.stringify(doc.toJS(), null, 2)}\n`
        : `${source.startsWith('\n') ? '\n' : ''}${doc.toString(YAML_OUT)}`;
    }
    pieces.push(text.slice(from));
    const out = outDir === undefined ? file : join(outDir, relative(root, file));
    if (outDir === undefined && !changed) continue;
    outputs.push({ file: out, text: changed ? pieces.join('') : text, changed, mode: statSync(file).mode & 0o7777 });
  }
  const missing = [...envEdits.keys()][0];
  if (missing !== undefined) throw new PluginError(`${missing} is not in the files: nothing was written`);
  const base = outDir ?? files[0]?.root ?? '.';
  const byNs = new Map<string, PlannedObject[]>();
  for (const { ns, change } of pending.values()) byNs.set(ns, [...(byNs.get(ns) ?? []), manifest(change.after)]);
  for (const [ns, objects] of byNs) {
    outputs.push({
      file: join(base, `kfstore-migrate-${ns}.yaml`),
      changed: true,
      text: `# Written by kubectl kfstore migrate. Secrets are templates: fill their empty values.\n${objects.map((o) => stringify(o, YAML_OUT)).join('---\n')}`,
    });
  }
  for (const o of outputs) {
    try {
      writeAtomically(o.file, o.text, o.mode);
    } catch (e) {
      throw fsUserError(e, outDir === undefined ? undefined : { name: '--out-dir', value: outDir });
    }
  }
  return outputs.filter((o) => o.changed).map((o) => o.file);
}

function writeAtomically(path: string, text: string, mode: number | undefined): void {
  mkdirSync(dirname(path), { recursive: true });
  // Through a symlink to the file it names (renaming over the link would replace the link).
  const file = existsSync(path) ? realpathSync(path) : path;
  const tmp = join(dirname(file), `.${basename(file)}.kfstore-${process.pid}.tmp`);
  try {
    // Created with the final mode: a 0600 manifest is never readable by others, even briefly.
    writeFileSync(tmp, text, { flag: 'wx', mode: mode ?? 0o666 });
    if (mode !== undefined) chmodSync(tmp, mode); // the umask may have narrowed it
    renameSync(tmp, file);
  } catch (e) {
    rmSync(tmp, { force: true });
    throw e;
  }
}

function id(kind: string, ns: string, name: string): string {
  return `${kind}/${ns}/${name}`;
}

/** Only the keys the plan sets are touched, so comments on the rest survive. */
function edit(doc: Document, after: PlannedObject): void {
  for (const [k, v] of Object.entries(after.metadata.labels ?? {}))
    if (doc.getIn(['metadata', 'labels', k]) !== v) doc.setIn(['metadata', 'labels', k], v);
  for (const [k, v] of Object.entries(after.metadata.annotations ?? {}))
    if (doc.getIn(['metadata', 'annotations', k]) !== v) doc.setIn(['metadata', 'annotations', k], v);
  for (const [k, v] of Object.entries(after.data ?? {})) {
    if (after.kind === 'Secret') continue;
    if (doc.getIn(['data', k]) !== v) doc.setIn(['data', k], v);
  }
  // Secret keys to fill: added empty, existing values untouched.
  for (const k of Object.keys(after.stringData ?? {})) {
    const data = doc.get('data');
    if (isMap(data) && data.has(k)) continue;
    doc.setIn(['stringData', k], '');
  }
}

function manifest(after: PlannedObject): PlannedObject {
  if (after.kind !== 'Secret') return after;
  const { data: _kept, ...rest } = after;
  return { ...rest, stringData: { ...after.stringData } };
}

// loadManifests read the same paths first, so their errors were already reported there.
function walk(path: string): Found[] {
  const root = statSync(path).isDirectory() ? path : dirname(path);
  return manifestFiles(path).map((file) => ({ file, root }));
}
