// `unreadable`: what doctor could not read in a namespace (RBAC), after falling back from cluster-wide
// to per-namespace reads, and which checks that limited there. Reported on that namespace with the
// `kubectl auth can-i` for the permission it needs: never as missing, never as an error.
import type { Kind, SnapshotIndex } from '../../cluster/snapshot.ts';
import { checkId } from '../../checks/registry.ts';
import type { CheckName } from '../../checks/registry.ts';
import { doctorFinding } from '../finding.ts';
import type { DoctorFinding } from '../finding.ts';

const ids = (...names: CheckName[]): string => names.map(checkId).join(', ');

const LIMITS: Partial<Record<Kind, string>> = {
  Namespace: `its labels and skip annotations are unknown (${ids('profileNamespace')})`,
  ConfigMap: 'the checks that read it were not run',
  Secret: `Secret checks (${ids('provisioned', 'secretMissing', 'secretKeyMissing', 'sharedCredentials', 'argoRepository')}) were not run for the Secrets it could not read`,
  Workflow: 'runs in progress and pinned roots are unknown',
  ScheduledWorkflow: 'recurring runs and their pinned roots are unknown',
  NetworkPolicy: `whether pipeline pods may reach the store (${ids('storeUnreachable')}) was not checked`,
};

export function accessChecks(index: SnapshotIndex, namespaces: string[]): DoctorFinding[] {
  const scope = new Set(namespaces);
  return index.snapshot.partial
    .filter((p) => scope.has(p.namespace))
    .map((p) => {
      const what =
        p.name !== undefined
          ? `${p.kind} ${p.name}`
          : `${p.kind}s${p.known.length > 0 ? ` (read one by one instead: ${p.known.join(', ')})` : ''}`;
      return doctorFinding(
        'unreadable',
        'warn',
        p.namespace,
        p.name !== undefined ? { kind: p.kind, name: p.name } : undefined,
        `could not read ${what} in ${p.namespace} (${p.reason}): ${LIMITS[p.kind] ?? 'checks that need it were not run'}`,
        `\`${p.check}\` must say yes: grant it, or pass the manifests with -f`,
      );
    });
}
