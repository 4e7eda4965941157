// The backup Secret `kfstore-migrate-backup`: each object a namespace's migration changes, as the
// API returned it, plus meta.json naming the target, the time, and which objects did not exist (a
// rollback deletes those). Objects are gzipped and chunked so every Secret stays under the API
// server's 1 MiB (backup-layout.ts); what does not fit goes to part Secrets, created before the
// main one that names them, so a backup is either complete or absent. A later run (a switch after
// staging, a re-run after a conflict) adds objects the backup does not hold yet; saved ones are
// never replaced, so the backup keeps the state from before the first change.
import { randomBytes } from 'node:crypto';
import type { KubeApi } from '../../kube-client/api.ts';
import { ApiError } from '../../kube-client/api.ts';
import { dataSize, layOut, reassemble } from './backup-layout.ts';
import type { BackupMeta, ChunkRef, Layout } from './backup-layout.ts';
import type { Kind, RawObject } from './objects.ts';
import { isConflict, objectPath, readObject } from './objects.ts';

export type { BackupMeta } from './backup-layout.ts';

export const BACKUP_SECRET = 'kfstore-migrate-backup';
const META = 'meta.json';
const MANAGED = { 'app.kubernetes.io/managed-by': 'kfstore' };
const PART_LABEL = 'kfstore.dev/backup-part';

export interface BackupEntry {
  kind: Kind;
  name: string;
  /** The object's JSON as read; undefined: it did not exist before the migration. */
  json?: string;
}

export interface SavedBackup {
  /** This call created the backup (false: it existed, and new objects were added to it, if any). */
  created: boolean;
  /** Puts the backup back as it was before this call (used when the namespace's apply is undone). */
  undo(): Promise<void>;
}

const b64 = (b: Buffer): string => b.toString('base64');
const encoded = (data: Record<string, Buffer>): Record<string, string> =>
  Object.fromEntries(Object.entries(data).map(([k, v]) => [k, b64(v)]));

export async function saveBackup(
  api: KubeApi,
  namespace: string,
  entries: BackupEntry[],
  target: string,
  timestamp: string,
): Promise<SavedBackup> {
  const id = randomBytes(4).toString('hex');
  const partName = (n: number): string => `${BACKUP_SECRET}-${id}-${n}`;
  const existing = await readObject(api, 'Secret', namespace, BACKUP_SECRET);
  if (existing === undefined) {
    // Parts without a main Secret are left by a run killed while saving or deleting: nothing uses them.
    await deleteParts(api, namespace, () => true);
    const layout = layOut(entries, 0, partName);
    await createParts(api, namespace, layout, id);
    const meta: BackupMeta = { target, timestamp, objects: layout.entries };
    const body = {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: { name: BACKUP_SECRET, namespace, labels: MANAGED },
      data: { ...encoded(layout.main), [META]: b64(Buffer.from(JSON.stringify(meta))) },
    };
    try {
      await api.send('POST', objectPath('Secret', namespace), body);
    } catch (e) {
      await deleteParts(api, namespace, (name) => name.includes(`-${id}-`));
      // Another run saved one meanwhile: add to it instead.
      if (isConflict(e)) return saveBackup(api, namespace, entries, target, timestamp);
      throw e;
    }
    return { created: true, undo: () => deleteBackup(api, namespace) };
  }
  const meta = parseMeta(existing);
  const fresh = entries.filter((e) => !meta.objects.some((o) => o.kind === e.kind && o.name === e.name));
  if (fresh.length === 0) return { created: false, undo: async () => {} };
  const { [META]: _meta, ...kept } = existing.data ?? {};
  const layout = layOut(fresh, dataSize(kept), partName);
  await createParts(api, namespace, layout, id);
  const extended: BackupMeta = { ...meta, objects: [...meta.objects, ...layout.entries] };
  const updated = await api.send<RawObject>('PUT', objectPath('Secret', namespace, BACKUP_SECRET), {
    ...existing,
    data: { ...kept, ...encoded(layout.main), [META]: b64(Buffer.from(JSON.stringify(extended))) },
  });
  return {
    created: false,
    undo: async () => {
      await api.send('PUT', objectPath('Secret', namespace, BACKUP_SECRET), {
        ...existing,
        metadata: { ...existing.metadata, resourceVersion: updated.metadata.resourceVersion },
      });
      await deleteParts(api, namespace, (name) => name.includes(`-${id}-`));
    },
  };
}

async function createParts(api: KubeApi, namespace: string, layout: Layout, id: string): Promise<void> {
  for (const p of layout.parts) {
    await api.send('POST', objectPath('Secret', namespace), {
      apiVersion: 'v1',
      kind: 'Secret',
      type: 'Opaque',
      metadata: { name: p.name, namespace, labels: { ...MANAGED, [PART_LABEL]: id } },
      data: encoded(p.data),
    });
  }
}

function parseMeta(secret: RawObject): BackupMeta {
  return JSON.parse(Buffer.from(secret.data?.[META] ?? '', 'base64').toString('utf8')) as BackupMeta;
}

export interface Backup {
  meta: BackupMeta;
  /** The saved objects by "Kind/name". */
  objects: Map<string, RawObject>;
}

export function savedKey(kind: Kind, name: string): string {
  return `${kind}/${name}`;
}

/** undefined when there is no backup; throws when a part it names is missing. */
export async function readBackup(api: KubeApi, namespace: string): Promise<Backup | undefined> {
  const secret = await readObject(api, 'Secret', namespace, BACKUP_SECRET);
  if (secret === undefined) return undefined;
  const meta = parseMeta(secret);
  const secrets = new Map<string, Record<string, string> | undefined>([['', secret.data ?? {}]]);
  for (const o of meta.objects)
    for (const c of o.chunks ?? [])
      if (!secrets.has(c.secret)) secrets.set(c.secret, (await readObject(api, 'Secret', namespace, c.secret))?.data);
  const read = (ref: ChunkRef): Buffer | undefined => {
    const v = secrets.get(ref.secret)?.[ref.key];
    return v === undefined ? undefined : Buffer.from(v, 'base64');
  };
  const objects = new Map<string, RawObject>();
  for (const o of meta.objects) {
    if (o.absent === true) continue;
    // Backups from before chunking hold plain JSON in the main Secret.
    const json = o.key !== undefined ? Buffer.from(secret.data?.[o.key] ?? '', 'base64').toString('utf8') : reassemble(o, read);
    objects.set(savedKey(o.kind, o.name), JSON.parse(json) as RawObject);
  }
  return { meta, objects };
}

/** The main Secret first: parts left by a kill in between are orphans, removed by the next save. */
export async function deleteBackup(api: KubeApi, namespace: string): Promise<void> {
  await api.send('DELETE', objectPath('Secret', namespace, BACKUP_SECRET));
  await deleteParts(api, namespace, () => true);
}

async function deleteParts(api: KubeApi, namespace: string, which: (name: string) => boolean): Promise<void> {
  const parts = await api.list<RawObject>(objectPath('Secret', namespace), { labelSelector: PART_LABEL });
  for (const p of parts) {
    if (!which(p.metadata.name)) continue;
    try {
      await api.send('DELETE', objectPath('Secret', namespace, p.metadata.name));
    } catch (e) {
      if (!(e instanceof ApiError && e.status === 404)) throw e;
    }
  }
}
