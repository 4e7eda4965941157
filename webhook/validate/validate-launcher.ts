// POST /validate/kfp-launcher decision: deny what KFP rejects or crashes on (or what leaves the
// profile's root), allow with warnings what parses but will surprise. Same lint as `doctor`.
import { LAUNCHER_CONFIGMAP } from '../../settings/kfp/launcher-config.ts';
import type { SecretLookup } from '../../settings/lint/launcher-lint.ts';
import type { Finding } from '../../settings/findings.ts';
import type { ProfileStore } from '../../settings/policy/resolve.ts';
import type { StorePolicy } from '../../settings/policy/schema.ts';
import { configMapSchema } from '../admission/objects.ts';
import { allow, deny, describeIssues } from '../admission/review.ts';
import type { AdmissionRequest, AdmissionResponse } from '../admission/review.ts';
import type { LintFn } from './lint-cache.ts';

export type ValidateOutcome = 'allowed' | 'warned' | 'denied';

export interface ValidateResult {
  response: AdmissionResponse;
  outcome: ValidateOutcome;
  findings: Finding[];
}

/** Kubernetes truncates warnings past 256 characters and asks for 120. */
const MAX_WARNING = 120;
const MAX_LISTED_ERRORS = 20;
/** Kubernetes shows at most a few dozen warnings usefully; the rest are summarised. */
const MAX_WARNINGS = 20;

export function validateLauncher(
  req: AdmissionRequest,
  policy: StorePolicy,
  profile: (namespace: string) => ProfileStore,
  lint: LintFn,
  secrets?: (namespace: string) => SecretLookup | undefined,
): ValidateResult {
  const uid = req.uid;
  if (req.kind.kind !== 'ConfigMap' || req.kind.group !== '' || (req.operation !== 'CREATE' && req.operation !== 'UPDATE')) {
    return { response: allow(uid), outcome: 'allowed', findings: [] };
  }
  const parsed = configMapSchema.safeParse(req.object);
  if (!parsed.success) {
    return { response: deny(uid, `kfp-launcher rejected: ${describeIssues('object', parsed.error.issues)}`, 400), outcome: 'denied', findings: [] };
  }
  const name = parsed.data.metadata?.name ?? req.name;
  if (name !== LAUNCHER_CONFIGMAP) return { response: allow(uid), outcome: 'allowed', findings: [] };
  const namespace = req.namespace ?? parsed.data.metadata?.namespace ?? '';
  const data = parsed.data.data ?? {};
  const ctx = policy.validate.requireProfilePrefix ? { namespace, profileRoot: profile(namespace).pipelineRoot } : { namespace };
  const lookup = secrets?.(namespace);
  const findings = [...lint(data, lookup === undefined ? ctx : { ...ctx, secrets: lookup })];
  if (Object.keys(data).length === 0 && !findings.some((f) => f.level === 'error')) {
    findings.push({ id: 'KFS010', level: 'warn', message: 'kfp-launcher has no data: runs use KFP defaults (minio://mlpipeline/v2/artifacts)', fix: 'set data.defaultPipelineRoot' });
  }
  const errors = findings.filter((f) => f.level === 'error');
  const allWarnings = findings.filter((f) => f.level === 'warn').map(warningText);
  const warnings = allWarnings.length > MAX_WARNINGS ? [...allWarnings.slice(0, MAX_WARNINGS - 1), `${allWarnings.length - MAX_WARNINGS + 1} more warnings: run kubectl kfstore doctor -f`] : allWarnings;
  if (errors.length > 0) {
    // Everything, up to a size a terminal and the API server's event can carry.
    const lines = errors.slice(0, MAX_LISTED_ERRORS).map((f) => `- [${f.id}] ${f.message}. Fix: ${f.fix}`);
    if (errors.length > MAX_LISTED_ERRORS) lines.push(`- ... and ${errors.length - MAX_LISTED_ERRORS} more (kubectl kfstore doctor -f lists them all)`);
    return { response: deny(uid, `kfp-launcher in ${namespace} rejected by kfstore:\n${lines.join('\n')}`, 403, warnings), outcome: 'denied', findings };
  }
  return { response: allow(uid, warnings), outcome: warnings.length > 0 ? 'warned' : 'allowed', findings };
}

function warningText(f: Finding): string {
  const text = `${f.id}: ${f.message}`;
  return text.length <= MAX_WARNING ? text : `${text.slice(0, MAX_WARNING - 1)}…`;
}
