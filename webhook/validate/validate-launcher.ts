// POST /validate/kfp-launcher decision: deny what KFP rejects or crashes on (or what leaves the
// profile's root), allow with warnings what parses but will surprise. Same lint as `doctor`.
import { LAUNCHER_CONFIGMAP } from '../../settings/kfp/launcher-config.ts';
import { rulesForVersion } from '../../settings/kfp/version-source.ts';
import { formatVersion } from '../../settings/kfp/versions.ts';
import { KFP_DEFAULT_PIPELINE_ROOT } from '../../settings/kfp/pipeline-root.ts';
import type { SecretUse } from '../../settings/lint/launcher-lint.ts';
import { launcherPresence } from '../../settings/lint/launcher-presence.ts';
import { finding } from '../../settings/checks/finding.ts';
import type { Finding } from '../../settings/findings.ts';
import type { ProfileStore } from '../../settings/policy/resolve.ts';
import type { StorePolicy } from '../../settings/policy/schema.ts';
import { checkConfigMap } from '../admission/objects.ts';
import { allow, deny, describeIssues } from '../admission/review.ts';
import type { AdmissionRequest, AdmissionResponse } from '../admission/review.ts';
import type { LintFn } from './lint-cache.ts';
import { answerFindings } from './respond.ts';

export type ValidateOutcome = 'allowed' | 'warned' | 'denied';

export interface ValidateResult {
  response: AdmissionResponse;
  outcome: ValidateOutcome;
  findings: Finding[];
  /** Why it was let through without a lint, for the log. */
  detail?: string;
  /** For a linted CREATE/UPDATE: the namespace and the Secrets its sessions read. */
  secrets?: { namespace: string; uses: SecretUse[] };
}

/** KFP reads three keys of kfp-launcher; more than this many is no configuration, and costly to check. */
export const MAX_DATA_KEYS = 256;

/** Who deletes a namespace's objects when the namespace goes: never blocked. */
const NAMESPACE_CLEANUP = new Set([
  'system:serviceaccount:kube-system:namespace-controller',
  'system:serviceaccount:kube-system:generic-garbage-collector',
]);

export function validateLauncher(
  req: AdmissionRequest,
  policy: StorePolicy,
  profile: (namespace: string) => ProfileStore,
  lint: LintFn,
): ValidateResult {
  const uid = req.uid;
  const pass = (detail: string): ValidateResult => ({ response: allow(uid), outcome: 'allowed', findings: [], detail });
  if (req.kind.kind !== 'ConfigMap' || req.kind.group !== '') return pass(`not a ConfigMap (${req.kind.kind})`);
  // The tenant rule is per namespace: without one, every root would pass as the profile's own.
  if (req.namespace === undefined || req.namespace === '') {
    return {
      response: deny(uid, 'request.namespace: empty; kfstore validates kfp-launcher per namespace', 400),
      outcome: 'denied',
      findings: [],
      detail: 'no namespace',
    };
  }
  const namespace = req.namespace;
  if (req.operation === 'DELETE') return deletion(req, namespace, policy, profile);
  if (req.operation !== 'CREATE' && req.operation !== 'UPDATE') return pass(`operation ${req.operation}`);
  // Counted before the schema reads every entry.
  const keys = dataKeyCount(req.object);
  if (keys > MAX_DATA_KEYS && nameOf(req) === LAUNCHER_CONFIGMAP) {
    const bound: Finding = {
      ...finding(
        'providersInvalid',
        'error',
        `kfp-launcher has ${keys} data keys; kfstore checks at most ${MAX_DATA_KEYS} (KFP reads three)`,
        'keep kfp-launcher to defaultPipelineRoot and providers',
      ),
      limit: 'data_keys',
    };
    return { ...answerFindings(uid, `kfp-launcher in ${namespace} rejected by kfstore:`, [bound]), findings: [bound] };
  }
  const parsed = checkConfigMap(req.object);
  if (!parsed.success) {
    return {
      response: deny(uid, `kfp-launcher rejected: ${describeIssues('object', parsed.error.issues)}`, 400),
      outcome: 'denied',
      findings: [],
    };
  }
  const name = parsed.data.metadata?.name ?? req.name;
  if (name !== LAUNCHER_CONFIGMAP) return pass('not kfp-launcher');
  // A ConfigMap being deleted only loses finalizers now; refusing that would leave it Terminating.
  if (typeof parsed.data.metadata?.deletionTimestamp === 'string') return pass('being deleted');
  const data = parsed.data.data ?? {};
  // An update that leaves the data as it was (labels, annotations, owners) changes nothing KFP
  // reads: it is let through even when the data predates the webhook and would fail today.
  if (req.operation === 'UPDATE' && sameData(req.oldObject, data)) return pass('data unchanged');
  const rules = rulesForVersion(policy.kfpVersion);
  const ctx = policy.validate.requireProfilePrefix
    ? { namespace, rules, profileRoot: profile(namespace).pipelineRoot }
    : { namespace, rules };
  const linted = lint(data, ctx);
  const findings = [...linted.findings];
  const presence = launcherPresence(namespace, data, KFP_DEFAULT_PIPELINE_ROOT);
  if (presence.level !== 'ok') findings.push(presence);
  // The release is named when the policy sets it: a denial then says whose rules it applies.
  const judgedBy = policy.kfpVersion === undefined ? '' : ` (rules of KFP ${formatVersion(rules.version)})`;
  const answer = answerFindings(uid, `kfp-launcher in ${namespace} rejected by kfstore${judgedBy}:`, findings);
  return { ...answer, findings, secrets: { namespace, uses: [...linted.secretUses] } };
}

function deletion(
  req: AdmissionRequest,
  namespace: string,
  policy: StorePolicy,
  profile: (namespace: string) => ProfileStore,
): ValidateResult {
  const uid = req.uid;
  if (req.name !== LAUNCHER_CONFIGMAP) return { response: allow(uid), outcome: 'allowed', findings: [], detail: 'not kfp-launcher' };
  if (!policy.validate.requireProfilePrefix) return { response: allow(uid), outcome: 'allowed', findings: [], detail: 'tenant rule off' };
  if (NAMESPACE_CLEANUP.has(req.userInfo?.username ?? ''))
    return { response: allow(uid), outcome: 'allowed', findings: [], detail: 'namespace cleanup' };
  // Cluster administrators may remove it on purpose (decommissioning a profile's store); tenants may not.
  if (req.userInfo?.groups?.includes('system:masters') === true)
    return { response: allow(uid), outcome: 'allowed', findings: [], detail: 'cluster administrator' };
  // Without kfp-launcher, KFP's driver falls back to the installation's shared default root.
  const own = profile(namespace).pipelineRoot;
  const refusal = finding(
    'outsideProfileRoot',
    'error',
    `deleting kfp-launcher sends ${namespace}'s runs to KFP's shared default root (${KFP_DEFAULT_PIPELINE_ROOT} unless the installation sets another), outside ${namespace}'s root ${own}`,
    'apply a corrected kfp-launcher instead (kubectl apply); deleting the namespace removes it too',
  );
  return { ...answerFindings(uid, `kfp-launcher in ${namespace} cannot be deleted:`, [refusal]), findings: [refusal] };
}

function sameData(oldObject: unknown, data: Record<string, string>): boolean {
  const old = checkConfigMap(oldObject);
  if (!old.success) return false;
  const before = old.data.data ?? {};
  const keys = Object.keys(data);
  return keys.length === Object.keys(before).length && keys.every((k) => before[k] === data[k]);
}

function dataKeyCount(object: unknown): number {
  const data = (object as { data?: unknown } | null | undefined)?.data;
  return typeof data === 'object' && data !== null ? Object.keys(data).length : 0;
}

function nameOf(req: AdmissionRequest): string | undefined {
  const name = (req.object as { metadata?: { name?: unknown } } | null | undefined)?.metadata?.name;
  return typeof name === 'string' ? name : req.name;
}
