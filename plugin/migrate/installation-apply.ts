// Applying the installation's plan, with the per-namespace path's guarantees (apply.ts): every object
// is read and compared with the version planned against before anything is written; the backup
// (kfstore-migrate-backup in the installation's namespace) is saved before the first write; every
// write carries the planned resourceVersion; a refused write undoes the earlier ones and the backup.
// Order: the credentials Secret, the ConfigMaps (Argo's default repository, the API server's
// bucket), the UI, and the API server last: nothing names the new Secret before it exists.
import { ApiError } from '../../kube-client/api.ts';
import type { KubeApi } from '../../kube-client/api.ts';
import { withEnv } from '../../settings/migrate/installation-env.ts';
import type { DeploymentChange, InstallationPlan } from '../../settings/migrate/installation-plan.ts';
import { API_SERVER } from '../../settings/installation/settings.ts';
import { isWrite } from '../../settings/migrate/plan.ts';
import type { ObjectChange } from '../../settings/migrate/plan.ts';
import type { ApplyOutcome } from './apply.ts';
import { write } from './apply.ts';
import { BACKUP_SECRET, saveBackup } from './backup.ts';
import type { BackupEntry } from './backup.ts';
import type { RawObject } from './objects.ts';
import { objectPath, readObject } from './objects.ts';
import { restoreObject } from './restore.ts';
import { secretData } from './secret-values.ts';

type Step = ObjectChange | DeploymentChange;

function rank(s: Step): number {
  if (s.kind === 'Secret') return 0;
  if (s.kind === 'ConfigMap') return 1;
  return s.name === API_SERVER ? 3 : 2;
}

export async function applyInstallation(api: KubeApi, plan: InstallationPlan, target: string, timestamp: string): Promise<ApplyOutcome> {
  const ns = plan.namespace;
  const notes: string[] = [];
  const steps: Step[] = [...plan.changes.filter(isWrite), ...plan.deployments.filter((d) => d.action === 'update')].sort(
    (a, b) => rank(a) - rank(b),
  );
  const current = new Map<Step, RawObject | undefined>();
  for (const s of steps) {
    const obj = await readObject(api, s.kind, ns, s.name);
    if (obj?.metadata.resourceVersion !== s.resourceVersion) return { ok: false, message: changed(s, ns, s.resourceVersion, obj), notes };
    current.set(s, obj);
  }
  // A missing clone source stops here, before any write.
  const fillNotes: string[] = [];
  const secrets = new Map<Step, Record<string, string>>();
  for (const s of steps) if (s.kind === 'Secret') secrets.set(s, await secretData(api, s, current.get(s), fillNotes, ns));
  // Deployment bodies too: a container the plan names but the object lacks stops here, before any write.
  const bodies = new Map<Step, RawObject>();
  for (const s of steps) {
    if (s.kind !== 'Deployment') continue;
    const obj = current.get(s);
    if (obj === undefined) return { ok: false, message: changed(s, ns, s.resourceVersion, obj), notes };
    try {
      bodies.set(s, withEnv(obj, s.container, s.env));
    } catch (e) {
      return {
        ok: false,
        message: `Deployment ${s.name} in ${ns}: ${(e as Error).message}; nothing was changed; re-run to plan again`,
        notes,
      };
    }
  }
  const entries: BackupEntry[] = steps.map((s) => {
    const obj = current.get(s);
    return obj === undefined ? { kind: s.kind, name: s.name } : { kind: s.kind, name: s.name, json: JSON.stringify(obj) };
  });
  const backup = await saveBackup(api, ns, entries, target, timestamp);
  if (!backup.created)
    notes.push(`${ns}: ${BACKUP_SECRET} already exists (from an earlier run); the objects it saved are kept as the originals`);
  const done: Step[] = [];
  for (const s of steps) {
    try {
      if (s.kind === 'Deployment') await api.send('PUT', objectPath('Deployment', ns, s.name), bodies.get(s));
      else await write(api, s, ns, current.get(s), secrets.get(s) ?? {});
      done.push(s);
    } catch (e) {
      if (!(e instanceof ApiError)) throw e;
      const now = await readObject(api, s.kind, ns, s.name);
      for (const d of done.reverse()) await restoreObject(api, ns, d.kind, d.name, current.get(d));
      await backup.undo();
      const why =
        e.status === 409
          ? changed(s, ns, s.resourceVersion, now)
          : `the API server refused ${s.kind} ${s.name} in ${ns}: ${e.message}; the writes made in ${ns} were undone`;
      return { ok: false, message: why, notes };
    }
  }
  return { ok: true, written: done.length, notes: [...notes, ...fillNotes] };
}

function changed(s: Step, ns: string, planned: string | undefined, now: RawObject | undefined): string {
  const v = (x: string | undefined): string => x ?? 'absent';
  return (
    `${s.kind} ${s.name} in ${ns} changed since the plan (resourceVersion ${v(planned)} → ${v(now?.metadata.resourceVersion)}); ` +
    'nothing more was changed; re-run to plan again'
  );
}
