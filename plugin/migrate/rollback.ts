// --rollback: every namespace with a kfstore-migrate-backup gets each saved object back exactly,
// objects that did not exist before are deleted, then the backup goes. Running it again finds no
// backup and does nothing. A namespace that cannot be restored keeps its backup and is reported;
// the others go on.
import { ApiError } from '../../kube-client/api.ts';
import type { KubeApi } from '../../kube-client/api.ts';
import { IncompleteBackupError } from './backup-layout.ts';
import { BACKUP_SECRET, deleteBackup, readBackup, savedKey } from './backup.ts';
import type { BackupMeta } from './backup.ts';
import { restoreObject } from './restore.ts';

// kfp-launcher goes back first, so KFP stops using the new Secret before it is deleted; Secrets last.
const RANK = (o: BackupMeta['objects'][number]): number => (o.kind === 'Secret' ? 2 : o.name === 'kfp-launcher' ? 0 : 1);

export async function rollback(api: KubeApi, namespaces: string[], dryRun: boolean): Promise<{ text: string; failed: number }> {
  const lines: string[] = [];
  let failed = 0;
  for (const ns of namespaces) {
    try {
      const backup = await readBackup(api, ns);
      if (backup === undefined) {
        lines.push(`${ns}: no ${BACKUP_SECRET}, nothing to roll back`);
        continue;
      }
      if (dryRun) {
        lines.push(
          `${ns}: would restore ${backup.meta.objects.map((o) => `${o.kind}/${o.name}${o.absent === true ? ' (delete)' : ''}`).join(', ')} from ${backup.meta.timestamp}`,
        );
        continue;
      }
      for (const o of [...backup.meta.objects].sort((a, b) => RANK(a) - RANK(b))) {
        const saved = o.absent === true ? undefined : backup.objects.get(savedKey(o.kind, o.name));
        const result = await restoreObject(api, ns, o.kind, o.name, saved);
        lines.push(`${ns}: ${o.kind}/${o.name} ${result}`);
      }
      await deleteBackup(api, ns);
      lines.push(`${ns}: rolled back to ${backup.meta.timestamp}; ${BACKUP_SECRET} deleted`);
    } catch (e) {
      if (!(e instanceof ApiError) && !(e instanceof IncompleteBackupError)) throw e;
      failed++;
      lines.push(`${ns}: not rolled back: ${e.message}; ${BACKUP_SECRET} kept`);
    }
  }
  return { text: `${lines.join('\n')}\n`, failed };
}
