// Stage, then switch. KFP switches stores at the kfp-launcher write, so that write (and Argo's
// repository, which names the same Secret) waits until the target credentials are known: cloned
// with --clone-secret-from, or filled into the Secret by the admin and checked against the target.
// Until then a namespace is only staged: its credentials Secret is written as a template.
import { isWrite } from './plan.ts';
import type { NamespacePlan } from './plan.ts';
import type { MigrationTarget } from './migration-target.ts';

/** The plan with everything but the credentials Secret held back. */
export function stagePlan(plan: NamespacePlan): NamespacePlan {
  return { ...plan, changes: plan.changes.map((c) => (c.kind === 'Secret' || !isWrite(c) ? c : { ...c, action: 'deferred' })) };
}

export function isStaged(plan: NamespacePlan): boolean {
  return plan.changes.some((c) => c.action === 'deferred');
}

/** What the admin must do before a staged namespace can switch, one line each. */
export function fillInstructions(plans: NamespacePlan[], target: MigrationTarget): string[] {
  const keys = `${target.secret.accessKeyKey} and ${target.secret.secretKeyKey}`;
  return plans.map((p) => `${p.namespace}: set ${keys} in Secret ${p.secretName} (kubectl -n ${p.namespace} edit secret ${p.secretName})`);
}
