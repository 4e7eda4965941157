// Where objects read from manifests are defined, and findings placed there: a finding about an
// object points at its definition (the last one, which kubectl apply keeps); a finding about
// something missing points at its namespace (the Namespace manifest, or the first object in it);
// a cluster-wide finding (no namespace, e.g. the KFP release assumed) at the first object read, so
// that every finding has a place (GitHub code scanning drops results without one).
import { readFileSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { LineCounter, parseAllDocuments, parse } from 'yaml';
import type { KubeObject } from '../../settings/cluster/snapshot.ts';
import type { DoctorFinding } from '../../settings/doctor/finding.ts';
import type { SourceLocation } from '../../settings/findings.ts';

const SEP = '\u0000';
/** kustomize's buildMetadata: [originAnnotations] (see kustomize.ts). */
export const ORIGIN_ANNOTATION = 'config.kubernetes.io/origin';

export function locationKey(kind: string, namespace: string | undefined, name: string): string {
  return [kind, kind === 'Namespace' ? '' : (namespace ?? ''), name].join(SEP);
}

export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') || rel === '' ? file : rel;
}

/** Each finding with the file and line it is about, when the manifests tell. */
export function locateFindings(findings: DoctorFinding[], locations: Map<string, SourceLocation[]>): DoctorFinding[] {
  const firstIn = new Map<string, SourceLocation>();
  let firstRead: SourceLocation | undefined;
  for (const [key, places] of locations) {
    firstRead ??= places[0];
    const [kind, ns] = key.split(SEP);
    const namespace = kind === 'Namespace' ? key.split(SEP)[2] : ns;
    const first = places[0];
    if (namespace !== undefined && namespace !== '' && first !== undefined && (kind === 'Namespace' || !firstIn.has(namespace)))
      firstIn.set(namespace, first);
  }
  return findings.map((f) => {
    const own = f.object !== undefined ? locations.get(locationKey(f.object.kind, f.namespace, f.object.name))?.at(-1) : undefined;
    const location = own ?? (f.namespace !== undefined ? firstIn.get(f.namespace) : firstRead);
    return location === undefined ? f : { ...f, location: { ...location } };
  });
}

/**
 * kustomize output: the file an object came from (its origin annotation, which is then dropped so
 * checks see the object as written) and the line of its definition there.
 */
export function originOf(metadata: KubeObject['metadata'], base: string, kind: string): SourceLocation | undefined {
  const text = metadata.annotations?.[ORIGIN_ANNOTATION];
  if (text === undefined || metadata.annotations === undefined) return undefined;
  const { [ORIGIN_ANNOTATION]: _origin, ...rest } = metadata.annotations;
  if (Object.keys(rest).length > 0) metadata.annotations = rest;
  else delete metadata.annotations;
  let origin: unknown;
  try {
    origin = parse(text);
  } catch {
    return undefined;
  }
  const o = typeof origin === 'object' && origin !== null ? (origin as { path?: unknown; configuredIn?: unknown; repo?: unknown }) : {};
  const path = typeof o.path === 'string' ? o.path : typeof o.configuredIn === 'string' ? o.configuredIn : undefined;
  if (path === undefined) return undefined;
  // A remote base (a git URL in resources): the path is inside that repository, not on this disk.
  if (typeof o.repo === 'string') return { file: `${o.repo}/${path}`, line: 1 };
  const file = resolve(base, path);
  return { file: displayPath(file), line: typeof o.path === 'string' ? lineIn(file, kind, metadata.name) : 1 };
}

const parsed = new Map<string, { kind: string; name: string; line: number }[]>();

/** The line of `kind` `name` in a file (names may carry a kustomize prefix or suffix since). */
function lineIn(file: string, kind: string, name: string): number {
  let defs = parsed.get(file);
  if (defs === undefined) {
    defs = [];
    try {
      const text = readFileSync(file, 'utf8');
      const lines = new LineCounter();
      for (const doc of parseAllDocuments(text, { lineCounter: lines })) {
        const js = doc.toJS() as { kind?: unknown; metadata?: { name?: unknown } } | null;
        if (js === null || typeof js !== 'object') continue;
        defs.push({ kind: String(js.kind), name: String(js.metadata?.name ?? ''), line: lines.linePos(doc.contents?.range[0] ?? 0).line });
      }
    } catch {
      // The file was readable to kustomize a moment ago; without it, line 1.
    }
    parsed.set(file, defs);
  }
  const ofKind = defs.filter((d) => d.kind === kind);
  const exact = ofKind.find((d) => d.name === name) ?? ofKind.find((d) => d.name !== '' && name.includes(d.name));
  return (exact ?? (ofKind.length === 1 ? ofKind[0] : undefined))?.line ?? 1;
}
