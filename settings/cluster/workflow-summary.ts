// What the checks need from an Argo Workflow or a KFP ScheduledWorkflow: identity, phase and the
// pipeline roots it pins, and whether it uses KFP's cache. Whole workflow specs (often hundreds of KiB) are not kept in a snapshot.
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
  const run = runSettings(obj.spec);
  if (run.pinnedRoots.length > 0) out.pinnedRoots = run.pinnedRoots;
  if (run.cacheEnabled) out.cacheEnabled = true;
  return out;
}
