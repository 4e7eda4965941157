// The backup Secret `kfstore-migrate-backup`: each object a namespace's migration changes, as the
// API returned it (one key per object), plus meta.json naming the target, the time, and which
// objects did not exist (a rollback deletes those). Created once: a re-run keeps the original.
import type { KubeApi } from '../../kube/api.ts';
import type { Kind, RawObject } from './objects.ts';
import { isConflict, objectPath, readObject } from './objects.ts';

export const BACKUP_SECRET = 'kfstore-migrate-backup';

export interface BackupEntry {
  kind: Kind;
  name: string;
  /** The object's JSON as read; undefined: it did not exist before the migration. */
  json?: string;
}

export interface BackupMeta {
  target: string;
  timestamp: string;
  objects: { kind: Kind; name: string; key?: string; absent?: true }[];
}

export function backupKey(kind: Kind, name: string): string {
  return `${kind}.${name}.json`;
}

/** true when this call created it; false when a backup already existed (kept untouched). */
export async function createBackup(api: KubeApi, namespace: string, entries: BackupEntry[], target: string, timestamp: string): Promise<boolean> {
  const meta: BackupMeta = { target, timestamp, objects: [] };
  const stringData: Record<string, string> = {};
  for (const e of entries) {
    if (e.json === undefined) {
      meta.objects.push({ kind: e.kind, name: e.name, absent: true });
      continue;
    }
    const key = backupKey(e.kind, e.name);
    stringData[key] = e.json;
    meta.objects.push({ kind: e.kind, name: e.name, key });
  }
  stringData['meta.json'] = JSON.stringify(meta);
  const body = { apiVersion: 'v1', kind: 'Secret', type: 'Opaque', metadata: { name: BACKUP_SECRET, namespace, labels: { 'app.kubernetes.io/managed-by': 'kfstore' } }, stringData };
  try {
    await api.send('POST', objectPath('Secret', namespace), body);
    return true;
  } catch (e) {
    if (isConflict(e)) return false;
    throw e;
  }
}

export interface Backup {
  meta: BackupMeta;
  objects: Map<string, RawObject>;
}

export async function readBackup(api: KubeApi, namespace: string): Promise<Backup | undefined> {
  const secret = await readObject(api, 'Secret', namespace, BACKUP_SECRET);
  if (secret === undefined) return undefined;
  const data = secret.data ?? {};
  const decode = (k: string): string => Buffer.from(data[k] ?? '', 'base64').toString('utf8');
  const meta = JSON.parse(decode('meta.json')) as BackupMeta;
  const objects = new Map<string, RawObject>();
  for (const o of meta.objects) if (o.key !== undefined) objects.set(o.key, JSON.parse(decode(o.key)) as RawObject);
  return { meta, objects };
}

export async function deleteBackup(api: KubeApi, namespace: string): Promise<void> {
  await api.send('DELETE', objectPath('Secret', namespace, BACKUP_SECRET));
}
