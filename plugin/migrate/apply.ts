// Applying one namespace's plan with optimistic concurrency.
//
// Order, and what "untouched" means: the objects are read first and compared with the versions the
// plan was made against, so an edit since the plan stops the namespace before any write. Then the
// backup Secret, then the writes in dependency order: credentials Secret, artifact-repositories,
// kfp-launcher last (nothing points at the new Secret before it exists, and KFP switches stores only
// at the final write). Every update carries the planned resourceVersion; a write the API server
// refuses (a 409 for an edit in the moment between read and write, a 422 for a rule it enforces)
// undoes the writes already made, from the same saved objects, and puts the backup back as it
// was, so the namespace is as it was.
import { ApiError } from '../../kube-client/api.ts';
import type { KubeApi } from '../../kube-client/api.ts';
import type { NamespacePlan, ObjectChange } from '../../settings/migrate/plan.ts';
import { isWrite } from '../../settings/migrate/plan.ts';
import { BACKUP_SECRET, saveBackup } from './backup.ts';
import type { BackupEntry } from './backup.ts';
import type { Kind, RawObject } from './objects.ts';
import { objectPath, readObject } from './objects.ts';
import { restoreObject } from './restore.ts';
import { secretData } from './secret-values.ts';

export type ApplyOutcome = { ok: true; written: number; notes: string[] } | { ok: false; message: string; notes: string[] };

const ORDER: Record<string, number> = { Secret: 0, 'ConfigMap/artifact-repositories': 1, 'ConfigMap/kfp-launcher': 2 };

function rank(c: ObjectChange): number {
  return ORDER[`${c.kind}/${c.name}`] ?? ORDER[c.kind] ?? 1;
}

export async function applyNamespace(api: KubeApi, plan: NamespacePlan, target: string, timestamp: string): Promise<ApplyOutcome> {
  const ns = plan.namespace;
  const notes: string[] = [];
  const changes = plan.changes.filter(isWrite).sort((a, b) => rank(a) - rank(b));
  const current = new Map<ObjectChange, RawObject | undefined>();
  for (const c of changes) {
    const obj = await readObject(api, c.kind, ns, c.name);
    const now = obj?.metadata.resourceVersion;
    if (now !== c.resourceVersion) return { ok: false, message: changed(c, ns, c.resourceVersion, now), notes };
    current.set(c, obj);
  }
  // Secret values first: a missing clone source stops the namespace before any write.
  // Its notes ("fill the empty keys") count only once the namespace is applied.
  const secrets = new Map<ObjectChange, Record<string, string>>();
  const fillNotes: string[] = [];
  for (const c of changes) if (c.kind === 'Secret') secrets.set(c, await secretData(api, c, current.get(c), fillNotes, ns));
  const entries: BackupEntry[] = changes.map((c) => {
    const obj = current.get(c);
    return obj === undefined ? { kind: c.kind, name: c.name } : { kind: c.kind, name: c.name, json: JSON.stringify(obj) };
  });
  const backup = await saveBackup(api, ns, entries, target, timestamp);
  if (!backup.created)
    notes.push(`${ns}: ${BACKUP_SECRET} already exists (from an earlier run); the objects it saved are kept as the originals`);
  const done: ObjectChange[] = [];
  for (const c of changes) {
    try {
      await write(api, c, ns, current.get(c), secrets.get(c) ?? {});
      done.push(c);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      const now = (await readObject(api, c.kind, ns, c.name))?.metadata.resourceVersion;
      for (const d of done.reverse()) await restoreObject(api, ns, d.kind, d.name, current.get(d));
      await backup.undo();
      const why =
        e.status === 409
          ? changed(c, ns, c.resourceVersion, now)
          : `the API server refused ${c.kind} ${c.name} in ${ns}: ${e.message}; the writes made in ${ns} were undone`;
      return { ok: false, message: why, notes };
    }
  }
  return { ok: true, written: done.length, notes: [...notes, ...fillNotes] };
}

function changed(c: ObjectChange, ns: string, planned: string | undefined, now: string | undefined): string {
  const v = (x: string | undefined): string => x ?? 'absent';
  return `${c.name} in ${ns} changed since the plan (resourceVersion ${v(planned)} → ${v(now)}); nothing more was changed in ${ns}; re-run to plan again`;
}

/** One ConfigMap or Secret write of a plan (the Secret's values already resolved). */
export async function write(
  api: KubeApi,
  c: ObjectChange,
  ns: string,
  obj: RawObject | undefined,
  filled: Record<string, string>,
): Promise<void> {
  const kind: Kind = c.kind;
  if (kind === 'Secret') {
    if (obj === undefined) {
      await api.send('POST', objectPath(kind, ns), {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: c.after.metadata,
        type: c.after.type ?? 'Opaque',
        data: filled,
      });
    } else {
      await api.send('PUT', objectPath(kind, ns, c.name), {
        ...obj,
        data: filled,
        metadata: { ...obj.metadata, resourceVersion: c.resourceVersion },
      });
    }
    return;
  }
  // The object as read with the planned data, labels and annotations: fields the plan does not model
  // (ownerReferences, binaryData, ...) stay as they are.
  const metadata: RawObject['metadata'] = { ...(obj?.metadata ?? {}), ...c.after.metadata };
  if (obj === undefined) {
    await api.send('POST', objectPath(kind, ns), { apiVersion: 'v1', kind, metadata, data: c.after.data ?? {} });
    return;
  }
  await api.send('PUT', objectPath(kind, ns, c.name), {
    ...obj,
    metadata: { ...metadata, resourceVersion: c.resourceVersion },
    data: c.after.data ?? {},
  });
}
