// uid and resourceVersion preconditions as etcd3 storage checks them (storage.Preconditions.Check):
// a DELETE's DeleteOptions.preconditions, and the metadata.uid of a PUT body (the update handler
// turns it into a precondition). The 409 carries the StorageError text the real server sends.
import type { ResourceDef } from './resources.ts';
import { conflict } from './status.ts';
import type { KubeObject } from './types.ts';

/** The etcd key the real server names in the error (registry prefixes as kube-apiserver stores them). */
export function storageKey(def: ResourceDef, obj: KubeObject): string {
  const resource = def.custom ? `${def.group}/${def.plural}` : def.plural === 'services' ? 'services/specs' : def.plural;
  const ns = def.namespaced ? `${obj.metadata.namespace ?? ''}/` : '';
  return `/registry/${resource}/${ns}${obj.metadata.name ?? ''}`;
}

export function checkPreconditions(
  def: ResourceDef,
  current: KubeObject,
  pre: { uid?: string | undefined; resourceVersion?: string | undefined },
): void {
  const failed = (what: string): never => {
    throw conflict(
      { group: def.group, resource: def.plural },
      current.metadata.name ?? '',
      `StorageError: invalid object, Code: 4, Key: ${storageKey(def, current)}, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: ${what}`,
    );
  };
  if (pre.uid !== undefined && pre.uid !== current.metadata.uid)
    failed(`UID in precondition: ${pre.uid}, UID in object meta: ${current.metadata.uid ?? ''}`);
  if (pre.resourceVersion !== undefined && pre.resourceVersion !== current.metadata.resourceVersion) {
    failed(
      `ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${current.metadata.resourceVersion ?? ''}`,
    );
  }
}
