// Raw API objects of the kinds migrate touches, addressed by kind and name. Reads return the
// object exactly as the API server sent it (backups are made from these).
import { ApiError } from '../../kube-client/api.ts';
import type { KubeApi } from '../../kube-client/api.ts';

export type Kind = 'ConfigMap' | 'Secret' | 'Deployment';

export interface RawObject {
  apiVersion?: string;
  kind?: string;
  metadata: {
    name: string;
    namespace?: string;
    resourceVersion?: string;
    labels?: Record<string, string>;
    annotations?: Record<string, string>;
    [k: string]: unknown;
  };
  data?: Record<string, string>;
  [k: string]: unknown;
}

export function objectPath(kind: Kind, namespace: string, name?: string): string {
  const resource = kind === 'Deployment' ? 'apis/apps/v1' : 'api/v1';
  const plural = kind === 'Secret' ? 'secrets' : kind === 'Deployment' ? 'deployments' : 'configmaps';
  const base = `/${resource}/namespaces/${encodeURIComponent(namespace)}/${plural}`;
  return name === undefined ? base : `${base}/${encodeURIComponent(name)}`;
}

/** undefined when the object does not exist. */
export async function readObject(api: KubeApi, kind: Kind, namespace: string, name: string): Promise<RawObject | undefined> {
  try {
    return await api.get<RawObject>(objectPath(kind, namespace, name));
  } catch (e) {
    if (e instanceof ApiError && e.status === 404) return undefined;
    throw e;
  }
}

export function isConflict(e: unknown): e is ApiError {
  return e instanceof ApiError && e.status === 409;
}

/** A saved object recreated: the server assigns identity and version anew. */
export function forCreate(saved: RawObject): RawObject {
  const { resourceVersion: _rv, uid: _uid, creationTimestamp: _ct, managedFields: _mf, ...metadata } = saved.metadata;
  return { ...saved, metadata };
}
