// POST /validate/workflows decision: a KFP run may pin its own pipeline root (the SDK's
// pipeline_root, the UI's "pipeline root" field), which the API server compiles into the Argo
// Workflow (or the ScheduledWorkflow that creates them) as the root driver's runtime config. That
// root wins over kfp-launcher, so with `requireProfilePrefix` it must stay inside the profile's
// root too. The message is what the KFP UI shows when it cannot create the run.
import { runSettings } from '../../settings/kfp/run-settings.ts';
import type { Finding } from '../../settings/findings.ts';
import { unusableRoot } from '../../settings/lint/launcher-lint.ts';
import { tenantRootFindings } from '../../settings/lint/tenant-rule.ts';
import type { ProfileStore } from '../../settings/policy/resolve.ts';
import type { StorePolicy } from '../../settings/policy/schema.ts';
import { checkRunObject } from '../admission/objects.ts';
import { allow, deny, describeIssues } from '../admission/review.ts';
import type { AdmissionRequest } from '../admission/review.ts';
import { answerFindings } from './respond.ts';
import type { ValidateResult } from './validate-launcher.ts';

const RUN_KINDS = new Set(['argoproj.io/Workflow', 'kubeflow.org/ScheduledWorkflow']);

export function validateRun(req: AdmissionRequest, policy: StorePolicy, profile: (namespace: string) => ProfileStore): ValidateResult {
  const uid = req.uid;
  const pass = (detail: string): ValidateResult => ({ response: allow(uid), outcome: 'allowed', findings: [], detail });
  const kind = `${req.kind.group}/${req.kind.kind}`;
  if (!RUN_KINDS.has(kind)) return pass(`not a run (${kind})`);
  if (req.namespace === undefined || req.namespace === '') {
    return {
      response: deny(uid, 'request.namespace: empty; kfstore checks runs per namespace', 400),
      outcome: 'denied',
      findings: [],
      detail: 'no namespace',
    };
  }
  if (req.operation !== 'CREATE' && req.operation !== 'UPDATE') return pass(`operation ${req.operation}`);
  if (!policy.validate.requireProfilePrefix) return pass('tenant rule off');
  const parsed = checkRunObject(req.object);
  if (!parsed.success)
    return {
      response: deny(uid, `kfstore cannot read the ${req.kind.kind}: ${describeIssues('object', parsed.error.issues)}`, 400),
      outcome: 'denied',
      findings: [],
    };
  if (typeof parsed.data.metadata?.deletionTimestamp === 'string') return pass('being deleted');
  const roots = runSettings(parsed.data.spec, { exhaustive: true }).pinnedRoots;
  if (roots.length === 0) return pass('no pinned root');
  if (req.operation === 'UPDATE') {
    const old = checkRunObject(req.oldObject);
    const before = old.success ? runSettings(old.data.spec, { exhaustive: true }).pinnedRoots : undefined;
    if (before !== undefined && before.join('\u0000') === roots.join('\u0000')) return pass('pinned roots unchanged');
  }
  const namespace = req.namespace;
  const own = profile(namespace).pipelineRoot;
  const findings: Finding[] = [];
  for (const root of roots) {
    const subject = { root, label: "the run's pipeline root", path: 'runtimeConfig.gcsOutputDirectory' };
    const unusable = unusableRoot(root, subject.label);
    if (unusable !== undefined) findings.push(unusable);
    else
      findings.push(
        ...tenantRootFindings(subject, own, namespace).map((f) => ({
          ...f,
          fix: `${f.fix}, or run without a pipeline root (${namespace}'s own is used)`,
        })),
      );
  }
  const answer = answerFindings(uid, `kfstore: this run cannot write its artifacts outside ${namespace}'s root ${own}:`, findings);
  return { ...answer, findings, detail: `${roots.length} pinned root(s)` };
}
