// KFS010-KFS019, KFS030, KFS031 for one namespace's kfp-launcher: the very lint the webhook uses,
// with the namespace's Secrets (names and keys only) and, given a policy, its profile root.
import type { SnapshotIndex } from '../../cluster/snapshot.ts';
import type { NamespaceView } from '../../inspect/namespace-view.ts';
import { LAUNCHER_CONFIGMAP } from '../../kfp/launcher-config.ts';
import type { LauncherConfig } from '../../kfp/launcher-config.ts';
import { lintLauncher } from '../../lint/launcher-lint.ts';
import type { SecretLookup } from '../../lint/launcher-lint.ts';
import { resolveProfile } from '../../policy/resolve.ts';
import type { StorePolicy } from '../../policy/schema.ts';
import { at, doctorFinding } from '../finding.ts';
import type { DoctorFinding } from '../finding.ts';

export function secretLookup(index: SnapshotIndex, namespace: string): SecretLookup {
  return (name) => {
    const s = index.secret(namespace, name);
    // Not read (RBAC): nothing is known, so nothing is reported (KFS091 says why).
    if (s === undefined) return index.unknown('Secret', namespace, name) === undefined ? { exists: false } : undefined;
    return {
      exists: true,
      keys: Object.entries(s.values)
        .filter(([, v]) => !v.empty)
        .map(([k]) => k),
    };
  };
}

export function launcherChecks(index: SnapshotIndex, view: NamespaceView, policy: StorePolicy | undefined, config: LauncherConfig): DoctorFinding[] {
  const ns = view.namespace;
  const obj = { kind: 'ConfigMap', name: LAUNCHER_CONFIGMAP };
  const cm = index.configMap(ns, LAUNCHER_CONFIGMAP);
  const out: DoctorFinding[] = [];
  // An unreadable kfp-launcher is not a missing one, and its contents cannot be linted.
  if (cm === undefined && index.unknown('ConfigMap', ns, LAUNCHER_CONFIGMAP) !== undefined) return out;
  if (cm === undefined) {
    out.push(doctorFinding('KFS010', 'warn', ns, obj, `no kfp-launcher in ${ns}: runs use KFP's default root ${view.pipelineRoot.value} (shared, not namespace-scoped)`, `create kfp-launcher with a defaultPipelineRoot under ${ns}'s own prefix`));
  } else {
    out.push(doctorFinding('KFS010', 'ok', ns, obj, 'kfp-launcher present', ''));
  }
  const secrets = secretLookup(index, ns);
  const ctx = { namespace: ns, secrets, ...(policy?.validate.requireProfilePrefix ? { profileRoot: resolveProfile(policy, ns).pipelineRoot } : {}) };
  const { findings } = lintLauncher(cm?.data, ctx, config);
  // At admission a missing Secret is a warning (it may be created next); for a running profile it
  // means every run fails, so doctor reports it as an error.
  for (const f of findings) out.push(at(f.id === 'KFS030' || f.id === 'KFS031' ? { ...f, level: 'error' } : f, ns, obj));
  if (!findings.some((f) => f.level === 'error')) out.push(doctorFinding('KFS014', 'ok', ns, obj, `KFP computes a session for ${view.pipelineRoot.value}`, ''));
  for (const use of [view.credentials.secret, view.argo.secret]) {
    const secret = use === undefined ? undefined : index.secret(ns, use.name);
    if (secret === undefined || secret.invalidKeys.length === 0) continue;
    out.push(doctorFinding('KFS031', 'error', ns, { kind: 'Secret', name: secret.metadata.name }, `Secret ${secret.metadata.name} data.${secret.invalidKeys.join(', data.')} is not valid base64: the API server rejects this manifest`, 'base64-encode data values, or use stringData'));
  }
  return out;
}
