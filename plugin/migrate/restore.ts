// Putting an object back as a backup saved it: PUT over the current version, create it again if
// it was deleted, or delete it when it did not exist before. Used by --rollback and to undo a
// namespace whose apply hit a conflict part-way.
import type { KubeApi } from '../../kube/api.ts';
import type { Kind, RawObject } from './objects.ts';
import { forCreate, objectPath, readObject } from './objects.ts';

export type RestoreResult = 'restored' | 'recreated' | 'deleted' | 'unchanged';

export async function restoreObject(api: KubeApi, namespace: string, kind: Kind, name: string, saved: RawObject | undefined): Promise<RestoreResult> {
  const current = await readObject(api, kind, namespace, name);
  if (saved === undefined) {
    if (current === undefined) return 'unchanged';
    await api.send('DELETE', objectPath(kind, namespace, name));
    return 'deleted';
  }
  if (current === undefined) {
    await api.send('POST', objectPath(kind, namespace), forCreate(saved));
    return 'recreated';
  }
  if (sameContent(current, saved)) return 'unchanged';
  await api.send('PUT', objectPath(kind, namespace, name), { ...saved, metadata: { ...saved.metadata, resourceVersion: current.metadata.resourceVersion } });
  return 'restored';
}

function sameContent(a: RawObject, b: RawObject): boolean {
  const pick = (o: RawObject): string => JSON.stringify([o.data ?? {}, o.binaryData ?? {}, o.metadata.labels ?? {}, o.metadata.annotations ?? {}, o.type ?? null]);
  return pick(a) === pick(b);
}
