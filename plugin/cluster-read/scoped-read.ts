// Reading one kind for the namespaces in scope under any RBAC. One cluster-wide LIST when it is
// allowed (a fixed number of requests whatever the number of namespaces); when it is refused (a
// read-only role granted per namespace is common), one LIST per namespace in scope, a few at a
// time and at most MAX_NAMESPACES; where that is refused too, a GET of each name the checks need.
// What stays unreadable is recorded for that namespace, with the `kubectl auth can-i` command for
// the permission that would allow it, so checks report "could not read", never "missing".
import type { Kind, KubeObject, PartialRead } from '../../settings/cluster/snapshot.ts';
import { RESOURCE_OF } from '../../settings/cluster/snapshot.ts';
import { ApiError } from '../../kube-client/api.ts';
import type { KubeApi } from '../../kube-client/api.ts';
import { PluginError } from '../cli/errors.ts';

export const MAX_NAMESPACES = 1000;
const PARALLEL = 8;

export interface ScopedRead {
  kind: Kind;
  /** '/api/v1' or '/apis/<group>/<version>'. */
  base: string;
  /** The plural in the URL. */
  plural: string;
  /** Namespaces in scope. */
  namespaces: string[];
  /** Try one cluster-wide LIST first (with -A). */
  clusterWide: boolean;
  /** One name only (a field selector): a per-namespace LIST of it is authorized like its GET. */
  name?: string;
  /** Names worth a GET each when a namespace cannot be listed. */
  namesFor?: (namespace: string) => string[];
  /** Only objects with these labels (a label selector). */
  labelSelector?: string;
}

export interface ScopedResult<T> {
  items: T[];
  partial: PartialRead[];
  /** Requests beyond the single cluster-wide LIST (for the progress note). */
  fallback: boolean;
}

export function refusal(e: unknown): string | undefined {
  return e instanceof ApiError && e.status === 403 ? e.message.replace(/^the API server \S+ refused: /, '') : undefined;
}

/** One namespace's LIST where the command needs all of it: a refusal is a clear error naming the permission, not a partial report. */
export async function listInNamespace<T>(api: KubeApi, path: string, resource: string, namespace: string): Promise<T[]> {
  try {
    return await api.list<T>(path);
  } catch (e) {
    const why = refusal(e);
    if (why === undefined) throw e;
    throw new PluginError(
      `cannot list ${resource} in namespace ${namespace}: ${why} (kubectl auth can-i list ${resource} --namespace ${namespace})`,
    );
  }
}

export async function readScoped<T extends KubeObject>(api: KubeApi, r: ScopedRead): Promise<ScopedResult<T>> {
  const query: Record<string, string> = r.name === undefined ? {} : { fieldSelector: `metadata.name=${r.name}` };
  if (r.labelSelector !== undefined) query.labelSelector = r.labelSelector;
  if (r.clusterWide) {
    try {
      return { items: await api.list<T>(`${r.base}/${r.plural}`, query), partial: [], fallback: false };
    } catch (e) {
      if (refusal(e) === undefined) throw e;
    }
  }
  const items: T[] = [];
  const partial: PartialRead[] = [];
  const resource = RESOURCE_OF[r.kind];
  const one = async (ns: string): Promise<void> => {
    const path = `${r.base}/namespaces/${encodeURIComponent(ns)}/${r.plural}`;
    try {
      items.push(...(await api.list<T>(path, query)));
      return;
    } catch (e) {
      const why = refusal(e);
      if (why === undefined) throw e;
      const check =
        r.name === undefined
          ? `kubectl auth can-i list ${resource} --namespace ${ns}`
          : `kubectl auth can-i get ${resource}/${r.name} --namespace ${ns}`;
      const known: string[] = [];
      for (const name of r.name === undefined ? (r.namesFor?.(ns) ?? []) : []) {
        try {
          items.push(await api.get<T>(`${path}/${encodeURIComponent(name)}`));
          known.push(name);
        } catch (g) {
          if (g instanceof ApiError && g.status === 404) known.push(name);
          else if (refusal(g) === undefined) throw g;
        }
      }
      partial.push({ kind: r.kind, namespace: ns, reason: why, check, known });
    }
  };
  const reached = r.namespaces.slice(0, MAX_NAMESPACES);
  for (const ns of r.namespaces.slice(MAX_NAMESPACES)) {
    partial.push({
      kind: r.kind,
      namespace: ns,
      reason: `not read: the cluster-wide list was refused and only ${MAX_NAMESPACES} namespaces are read one by one`,
      check: `kubectl auth can-i list ${resource} --all-namespaces`,
      known: [],
    });
  }
  let next = 0;
  const worker = async (): Promise<void> => {
    for (let i = next++; i < reached.length; i = next++) {
      const ns = reached[i];
      if (ns !== undefined) await one(ns);
    }
  };
  await Promise.all(Array.from({ length: Math.min(PARALLEL, reached.length) }, worker));
  return { items, partial, fallback: true };
}
