// runAccountAccess: may the run's service account get what KFP's driver and launcher read through the Kubernetes API
// in the run's namespace: ConfigMap kfp-launcher and the credentials Secret it names? The answers come
// from the API server (SubjectAccessReview, gathered by the edge) or from the RBAC objects in the manifests.
import type { SnapshotIndex } from '../../cluster/snapshot.ts';
import type { NamespaceView } from '../../inspect/namespace-view.ts';
import { LAUNCHER_CONFIGMAP } from '../../kfp/launcher-config.ts';
import { authorize, serviceAccountUser } from '../../rbac/authorize.ts';
import type { RbacAnswer } from '../../rbac/authorize.ts';
import { doctorFinding } from '../finding.ts';
import type { DoctorFinding } from '../finding.ts';

export interface RunReadTarget {
  kind: 'ConfigMap' | 'Secret';
  resource: 'configmaps' | 'secrets';
  name: string;
}

export interface RunReadAnswer {
  target: RunReadTarget;
  answer: RbacAnswer;
}

/** The objects a run reads with its own token: kfp-launcher always (a missing one is fine, a forbidden one is not), the session's Secret when it has one. */
export function runReadTargets(view: NamespaceView): RunReadTarget[] {
  const out: RunReadTarget[] = [{ kind: 'ConfigMap', resource: 'configmaps', name: LAUNCHER_CONFIGMAP }];
  const secret = view.credentials.secret?.name;
  if (secret !== undefined && secret !== '') out.push({ kind: 'Secret', resource: 'secrets', name: secret });
  return out;
}

/** A service account runs in a namespace use, and which runs name it (undefined: the default runner). */
export interface RunAccount {
  serviceAccount: string;
  usedBy?: string;
}

/**
 * The accounts whose access is reviewed: the default runner (--service-account) and every other account a
 * recurring run (ScheduledWorkflow) or a Workflow in the snapshot names: KFP runs it as that account.
 */
export function runAccounts(index: SnapshotIndex, namespace: string, runner: string): RunAccount[] {
  const by = new Map<string, string[]>();
  const add = (kind: string, list: { metadata: { name: string }; serviceAccount?: string }[]): void => {
    for (const w of list) {
      if (w.serviceAccount === undefined || w.serviceAccount === runner) continue;
      by.set(w.serviceAccount, [...(by.get(w.serviceAccount) ?? []), `${kind} ${w.metadata.name}`]);
    }
  };
  add('recurring run', index.scheduledWorkflows(namespace));
  add('Workflow', index.workflows(namespace));
  const named = [...by.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([serviceAccount, users]) => ({
      serviceAccount,
      usedBy: users.length > 3 ? `${users.slice(0, 3).join(', ')} and ${users.length - 3} more` : users.join(', '),
    }));
  return [{ serviceAccount: runner }, ...named];
}

export function runAccessFindings(namespace: string, account: RunAccount, answers: RunReadAnswer[]): DoctorFinding[] {
  const out: DoctorFinding[] = [];
  const serviceAccount = account.serviceAccount;
  const runs = account.usedBy === undefined ? '' : ` (used by ${account.usedBy})`;
  for (const { target, answer } of answers) {
    const obj = { kind: target.kind, name: target.name };
    const what = `${target.kind === 'ConfigMap' ? 'configmap' : 'secret'} ${target.name}`;
    if (answer.allowed) continue;
    if (answer.undecided !== undefined)
      out.push(
        doctorFinding(
          'runAccountAccess',
          'info',
          namespace,
          obj,
          `${serviceAccount} in ${namespace}${runs}: whether it may get ${what} is unknown: ${answer.undecided} names a role the manifests do not hold`,
          'add the role to the manifests, or check on the cluster with doctor --probe',
        ),
      );
    else
      out.push(
        doctorFinding(
          'runAccountAccess',
          'error',
          namespace,
          obj,
          `${serviceAccount} in ${namespace}${runs} cannot get ${what}; KFP's driver and launcher read it through the Kubernetes API with the run's token`,
          `grant get on ${target.resource}/${target.name} to system:serviceaccount:${namespace}:${serviceAccount} (the profile's default-editor RoleBinding to kubeflow-edit does)`,
        ),
      );
  }
  if (out.length === 0 && answers.length > 0)
    out.push(
      doctorFinding(
        'runAccountAccess',
        'ok',
        namespace,
        { kind: 'ServiceAccount', name: serviceAccount },
        `${serviceAccount}${runs} may get ${answers.map((a) => `${a.target.resource}/${a.target.name}`).join(' and ')}`,
        '',
      ),
    );
  return out;
}

/**
 * Offline: decided only when the manifests bind the service account at all (a RoleBinding in the namespace or
 * a ClusterRoleBinding naming it); otherwise the profile controller's default-editor binding, which GitOps
 * trees do not carry, is what counts.
 */
export function manifestRunAccessChecks(index: SnapshotIndex, view: NamespaceView, runner: string): DoctorFinding[] {
  const rbac = index.snapshot.rbac;
  if (rbac === undefined) return [];
  const ns = view.namespace;
  return runAccounts(index, ns, runner).flatMap((account) => {
    const serviceAccount = account.serviceAccount;
    const who = serviceAccountUser(ns, serviceAccount);
    const bound = rbac.bindings.some(
      (b) =>
        (b.kind === 'ClusterRoleBinding' || b.namespace === ns) &&
        b.subjects.some((s) => s.kind === 'ServiceAccount' && s.name === serviceAccount && (s.namespace ?? b.namespace) === ns),
    );
    if (!bound) return [];
    const answers = runReadTargets(view).map((target) => ({
      target,
      answer: authorize(rbac, who, { verb: 'get', apiGroup: '', resource: target.resource, namespace: ns, name: target.name }),
    }));
    return runAccessFindings(ns, account, answers);
  });
}
