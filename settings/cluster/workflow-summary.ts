// What the checks need from an Argo Workflow or a KFP ScheduledWorkflow: identity, phase and the
// pipeline roots it pins, whether it uses KFP's cache, and the service account its runs use. Whole
// workflow specs (often hundreds of KiB) are not kept in a snapshot.
import { runSettings } from '../kfp/run-settings.ts';
import type { KubeObject, WorkflowObject } from './snapshot.ts';

export function workflowSummary(
  obj: KubeObject & { status?: unknown; spec?: unknown },
  metadata: KubeObject['metadata'] = obj.metadata,
): WorkflowObject {
  const out: WorkflowObject = { metadata };
  const status = obj.status;
  if (typeof status === 'object' && status !== null && !Array.isArray(status)) {
    const phase = (status as { phase?: unknown }).phase;
    out.status = typeof phase === 'string' ? { phase } : {};
  }
  const account = runServiceAccount(obj.spec);
  if (account !== undefined) out.serviceAccount = account;
  const run = runSettings(obj.spec);
  if (run.pinnedRoots.length > 0) out.pinnedRoots = run.pinnedRoots;
  if (run.cacheEnabled) out.cacheEnabled = true;
  return out;
}

/**
 * The service account its runs use, when it names one: a ScheduledWorkflow's spec.serviceAccount (KFP v2
 * recurring runs, scheduledworkflow/v1beta1 types.go) or its Argo spec.workflow.spec.serviceAccountName (v1
 * pipelines); a Workflow's spec.serviceAccountName.
 */
function runServiceAccount(spec: unknown): string | undefined {
  const field = (o: unknown, key: string): unknown =>
    typeof o === 'object' && o !== null ? (o as Record<string, unknown>)[key] : undefined;
  const named = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);
  return (
    named(field(spec, 'serviceAccount')) ??
    named(field(field(field(spec, 'workflow'), 'spec'), 'serviceAccountName')) ??
    named(field(spec, 'serviceAccountName'))
  );
}
