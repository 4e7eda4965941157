// Putting an object back as a backup saved it: PUT over the current version, create it again if
// it was deleted, or delete it when it did not exist before. Used by --rollback and to undo a
// namespace whose apply was refused part-way. The saved content goes onto the object as it is now:
// an object GitOps deleted and re-created since has a new uid, and the API server refuses a PUT
// carrying the old one (a failed uid precondition), so the current uid and version are used.
import type { KubeApi } from '../../kube-client/api.ts';
import type { Kind, RawObject } from './objects.ts';
import { forCreate, objectPath, readObject } from './objects.ts';

export type RestoreResult = 'restored' | 'recreated' | 'deleted' | 'unchanged';

export async function restoreObject(
  api: KubeApi,
  namespace: string,
  kind: Kind,
  name: string,
  saved: RawObject | undefined,
): Promise<RestoreResult> {
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
  // Server-set fields of the saved version (managedFields, creationTimestamp) do not belong to this one.
  const { metadata } = forCreate(saved);
  await api.send('PUT', objectPath(kind, namespace, name), {
    ...saved,
    metadata: { ...metadata, uid: current.metadata.uid, resourceVersion: current.metadata.resourceVersion },
  });
  return 'restored';
}

function sameContent(a: RawObject, b: RawObject): boolean {
  const pick = (o: RawObject): string =>
    JSON.stringify([
      o.data ?? {},
      o.binaryData ?? {},
      o.metadata.labels ?? {},
      o.metadata.annotations ?? {},
      o.type ?? null,
      o.spec ?? null,
    ]);
  return pick(a) === pick(b);
}
