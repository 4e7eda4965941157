// staticKeysShadowIdentity: static keys shadowing a profile's web-identity role. Under a StorePolicy that gives the
// profile a role, the role is silently unused where static keys are in play: a kfp-launcher
// session that reads a Secret (the launcher signs with those keys), and pipeline pods whose own
// AWS_ACCESS_KEY_ID made the webhook leave the role out (it records why in kfstore.dev/skipped).
import type { SnapshotIndex } from '../../cluster/snapshot.ts';
import type { NamespaceView } from '../../inspect/namespace-view.ts';
import { SKIPPED_ANNOTATION } from '../../injection/plan.ts';
import { LAUNCHER_CONFIGMAP } from '../../kfp/launcher-config.ts';
import { rulesOf } from '../../kfp/version-source.ts';
import { formatVersion } from '../../kfp/versions.ts';
import { resolveProfile } from '../../policy/resolve.ts';
import type { StorePolicy } from '../../policy/schema.ts';
import { doctorFinding } from '../finding.ts';
import type { DoctorFinding } from '../finding.ts';

const LISTED_PODS = 3;

export function identityChecks(index: SnapshotIndex, view: NamespaceView, policy: StorePolicy | undefined): DoctorFinding[] {
  if (policy === undefined) return [];
  const ns = view.namespace;
  const auth = resolveProfile(policy, ns).auth;
  if (auth.kind !== 'webIdentity') return [];
  const out: DoctorFinding[] = [];
  const session = view.session.ok ? view.session.value : undefined;
  if (session !== undefined && session.provider !== 'gs' && session.params.fromEnv === 'false') {
    const rules = rulesOf(index.snapshot.kfp);
    const keep = rules.fromEnvHonoursProviderSettings
      ? ''
      : `; KFP ${formatVersion(rules.version)} then ignores providers' region and endpoint, so keep store.region and store.endpoint in the StorePolicy (the webhook injects them)`;
    out.push(
      doctorFinding(
        'staticKeysShadowIdentity',
        'warn',
        ns,
        { kind: 'ConfigMap', name: LAUNCHER_CONFIGMAP },
        `the StorePolicy gives ${ns} role ${auth.roleArn}, but kfp-launcher's session reads static keys from Secret ${session.params.secretName ?? ''}: KFP's launcher never uses the role`,
        `set providers.${session.provider}.default.credentials.fromEnv: true${keep}`,
      ),
    );
  }
  const skipped = (index.snapshot.pods ?? []).filter(
    (p) => p.metadata.namespace === ns && p.metadata.annotations?.[SKIPPED_ANNOTATION] !== undefined,
  );
  const first = skipped[0];
  if (first !== undefined) {
    const listed = skipped
      .slice(0, LISTED_PODS)
      .map((p) => `${p.metadata.name} (${p.metadata.annotations?.[SKIPPED_ANNOTATION] ?? ''})`)
      .join(', ');
    const more = skipped.length > LISTED_PODS ? ` and ${skipped.length - LISTED_PODS} more` : '';
    out.push(
      doctorFinding(
        'staticKeysShadowIdentity',
        'warn',
        ns,
        { kind: 'Pod', name: first.metadata.name },
        `${skipped.length} pipeline pod${skipped.length === 1 ? '' : 's'} got no role ${auth.roleArn} because their own static keys would shadow it: ${listed}${more}`,
        "remove the containers' own AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (env or envFrom Secret) so the role applies, or give the profile secret auth in the StorePolicy",
      ),
    );
  }
  if (out.length === 0)
    out.push(doctorFinding('staticKeysShadowIdentity', 'ok', ns, undefined, `no static keys shadow role ${auth.roleArn}`, ''));
  return out;
}

export const GKE_WI_ANNOTATION = 'iam.gke.io/gcp-service-account';

/**
 * workloadIdentity for GKE Workload Identity (StorePolicy gcpServiceAccount): KFP's gs:// path with fromEnv
 * (or no gs provider) opens the bucket with Application Default Credentials, which on GKE come
 * from the metadata server for the pod's Kubernetes service account, so the binding is that
 * account's iam.gke.io/gcp-service-account annotation. A gs secretRef session uses its JSON key
 * instead, and the binding is unused (staticKeysShadowIdentity).
 */
export function workloadIdentityChecks(
  index: SnapshotIndex,
  view: NamespaceView,
  policy: StorePolicy | undefined,
  serviceAccount: string,
): DoctorFinding[] {
  if (policy === undefined) return [];
  const ns = view.namespace;
  const gsa = resolveProfile(policy, ns).gcpServiceAccount;
  if (gsa === undefined) return [];
  const out: DoctorFinding[] = [];
  const session = view.session.ok ? view.session.value : undefined;
  if (session?.provider === 'gs' && session.params.fromEnv === 'false') {
    out.push(
      doctorFinding(
        'staticKeysShadowIdentity',
        'warn',
        ns,
        { kind: 'ConfigMap', name: LAUNCHER_CONFIGMAP },
        `the StorePolicy binds ${ns} to ${gsa}, but kfp-launcher's gs session reads a JSON key from Secret ${session.params.secretName ?? ''}: Workload Identity is never used`,
        'set providers.gs.default.credentials.fromEnv: true (KFP then uses the pod\u2019s Workload Identity)',
      ),
    );
  }
  const obj = { kind: 'ServiceAccount', name: serviceAccount };
  if (index.unknown('ServiceAccount', ns, serviceAccount) !== undefined) return out;
  const sa = index.serviceAccount(ns, serviceAccount);
  const bound = sa?.metadata.annotations?.[GKE_WI_ANNOTATION];
  if (sa === undefined) {
    out.push(
      doctorFinding(
        'workloadIdentity',
        'error',
        ns,
        obj,
        `service account ${serviceAccount} does not exist in ${ns}: pipeline pods cannot use Workload Identity`,
        'create it, or pass --service-account with the account pipeline pods run as',
      ),
    );
  } else if (bound !== gsa) {
    const now = bound === undefined ? 'has no' : `has ${bound} in`;
    out.push(
      doctorFinding(
        'workloadIdentity',
        'error',
        ns,
        obj,
        `service account ${serviceAccount} ${now} annotation ${GKE_WI_ANNOTATION}: gs:// artifacts are not written as ${gsa}`,
        `kubectl annotate serviceaccount ${serviceAccount} -n ${ns} --overwrite ${GKE_WI_ANNOTATION}=${gsa} (and grant roles/iam.workloadIdentityUser on ${gsa} to it)`,
      ),
    );
  } else {
    out.push(
      doctorFinding(
        'workloadIdentity',
        'ok',
        ns,
        obj,
        `service account ${serviceAccount} is bound to ${gsa} (${GKE_WI_ANNOTATION}); the IAM side is not visible from the cluster`,
        '',
      ),
    );
  }
  return out;
}
