// One admission review from raw bytes to answer: JSON, the AdmissionReview envelope, then the
// endpoint's decision. Validation reviews always run in a worker (validate/worker.ts), so parsing
// what a tenant wrote never holds up pod mutation on the main thread; pod reviews run inline when
// small (every real pod) and in a worker when large. The result is plain data either way.
import type { StorePolicy } from '../../settings/policy/schema.ts';
import { checkAdmissionReview, describeIssues } from '../admission/review.ts';
import type { AdmissionResponse } from '../admission/review.ts';
import type { Outcome } from '../metrics.ts';
import { mutatePod } from '../mutate/mutate-pod.ts';
import { profileCache } from '../profile-cache.ts';
import { cachedLint } from './lint-cache.ts';
import type { LintFn } from './lint-cache.ts';
import { validateLauncher } from './validate-launcher.ts';
import type { ValidateResult } from './validate-launcher.ts';
import { validateRun } from './validate-run.ts';

export type ValidationEndpoint = 'validate_kfp_launcher' | 'validate_workflows';
export type AdmissionEndpoint = 'mutate_pods' | ValidationEndpoint;

export type Decided =
  | { kind: 'rejected'; code: 400; reason: string; message: string }
  | {
      kind: 'review';
      response: AdmissionResponse;
      outcome: Exclude<Outcome, 'rejected'>;
      log: Record<string, unknown>;
      secrets?: ValidateResult['secrets'];
      /** kfstore bounds the input reached (providers size, overrides, root length, containers). */
      limits: string[];
    };

export type Decider = (endpoint: AdmissionEndpoint, body: Uint8Array) => Decided;

export function decider(policy: StorePolicy): Decider {
  const profile = profileCache(policy);
  const lint: LintFn = cachedLint();
  const decoder = new TextDecoder();
  return (endpoint, body) => {
    let parsed: unknown;
    try {
      parsed = JSON.parse(decoder.decode(body));
    } catch {
      return { kind: 'rejected', code: 400, reason: 'BadRequest', message: 'request body is not valid JSON' };
    }
    const review = checkAdmissionReview(parsed);
    if (!review.success)
      return {
        kind: 'rejected',
        code: 400,
        reason: 'BadRequest',
        message: `not an admission.k8s.io/v1 AdmissionReview request: ${describeIssues('review', review.error.issues)}`,
      };
    const req = review.data.request;
    const log: Record<string, unknown> = { uid: req.uid, namespace: req.namespace, name: req.name, operation: req.operation };
    if (endpoint === 'mutate_pods') {
      const m = mutatePod(req, policy, profile);
      return {
        kind: 'review',
        response: m.response,
        outcome: m.outcome,
        log: { ...log, detail: m.detail },
        limits: m.limit === undefined ? [] : [m.limit],
      };
    }
    const r = endpoint === 'validate_kfp_launcher' ? validateLauncher(req, policy, profile, lint) : validateRun(req, policy, profile);
    log.findings = r.findings.map((f) => `${f.level}:${f.id}`);
    if (r.detail !== undefined) log.detail = r.detail;
    const decided: Decided = {
      kind: 'review',
      response: r.response,
      outcome: r.outcome,
      log,
      limits: r.findings.flatMap((f) => (f.limit === undefined ? [] : [f.limit])),
    };
    if (r.secrets !== undefined && r.secrets.uses.length > 0) decided.secrets = r.secrets;
    return decided;
  };
}
