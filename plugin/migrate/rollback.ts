// --rollback: every namespace with a kfstore-migrate-backup gets each saved object back exactly,
// objects that did not exist before are deleted, then the backup goes. Running it again finds no
// backup and does nothing.
import type { KubeApi } from '../../kube/api.ts';
import { BACKUP_SECRET, deleteBackup, readBackup } from './backup.ts';
import { restoreObject } from './restore.ts';

export async function rollback(api: KubeApi, namespaces: string[], dryRun: boolean): Promise<string> {
  const lines: string[] = [];
  for (const ns of namespaces) {
    const backup = await readBackup(api, ns);
    if (backup === undefined) {
      lines.push(`${ns}: no ${BACKUP_SECRET}, nothing to roll back`);
      continue;
    }
    if (dryRun) {
      lines.push(`${ns}: would restore ${backup.meta.objects.map((o) => `${o.kind}/${o.name}${o.absent === true ? ' (delete)' : ''}`).join(', ')} from ${backup.meta.timestamp}`);
      continue;
    }
    // Reverse of the apply order: kfp-launcher goes back first, so KFP stops using the new
    // Secret before it is deleted.
    for (const o of [...backup.meta.objects].reverse()) {
      const saved = o.key === undefined ? undefined : backup.objects.get(o.key);
      const result = await restoreObject(api, ns, o.kind, o.name, saved);
      lines.push(`${ns}: ${o.kind}/${o.name} ${result}`);
    }
    await deleteBackup(api, ns);
    lines.push(`${ns}: rolled back to ${backup.meta.timestamp}; ${BACKUP_SECRET} deleted`);
  }
  return `${lines.join('\n')}\n`;
}
