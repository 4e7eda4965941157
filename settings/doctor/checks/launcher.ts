// One namespace's kfp-launcher and the Secrets it reads: the very lint (and presence rule) the webhook uses,
// with the namespace's Secrets (names and keys only) and, given a policy, its profile root.
import type { SnapshotIndex } from '../../cluster/snapshot.ts';
import type { NamespaceView } from '../../inspect/namespace-view.ts';
import { LAUNCHER_CONFIGMAP } from '../../kfp/launcher-config.ts';
import type { LauncherConfig } from '../../kfp/launcher-config.ts';
import { lintLauncher } from '../../lint/launcher-lint.ts';
import { launcherPresence } from '../../lint/launcher-presence.ts';
import type { SecretLookup } from '../../lint/launcher-lint.ts';
import { resolveProfile } from '../../policy/resolve.ts';
import type { StorePolicy } from '../../policy/schema.ts';
import { at, doctorFinding } from '../finding.ts';
import type { DoctorFinding } from '../finding.ts';

export function secretLookup(index: SnapshotIndex, namespace: string): SecretLookup {
  return (name) => {
    const s = index.secret(namespace, name);
    // Not read (RBAC): nothing is known, so nothing is reported (the `unreadable` check says why).
    if (s === undefined) return index.unknown('Secret', namespace, name) === undefined ? { exists: false } : undefined;
    return {
      exists: true,
      keys: Object.entries(s.values)
        .filter(([, v]) => !v.empty)
        .map(([k]) => k),
    };
  };
}

export function launcherChecks(
  index: SnapshotIndex,
  view: NamespaceView,
  policy: StorePolicy | undefined,
  config: LauncherConfig,
): DoctorFinding[] {
  const ns = view.namespace;
  const obj = { kind: 'ConfigMap', name: LAUNCHER_CONFIGMAP };
  const cm = index.configMap(ns, LAUNCHER_CONFIGMAP);
  const out: DoctorFinding[] = [];
  // An unreadable kfp-launcher is not a missing one, and its contents cannot be linted.
  if (cm === undefined && index.unknown('ConfigMap', ns, LAUNCHER_CONFIGMAP) !== undefined) return out;
  // The webhook's rule, on what the namespace holds (a ConfigMap without data has empty data).
  out.push(at(launcherPresence(ns, cm === undefined ? undefined : (cm.data ?? {}), view.pipelineRoot.value), ns, obj));
  const secrets = secretLookup(index, ns);
  const severity = index.snapshot.source === 'cluster' ? 'live' : 'offline';
  const ctx = {
    namespace: ns,
    secrets,
    severity,
    ...(policy?.validate.requireProfilePrefix ? { profileRoot: resolveProfile(policy, ns).pipelineRoot } : {}),
  } as const;
  const { findings } = lintLauncher(cm?.data, ctx, config);
  for (const f of findings) out.push(at(f, ns, obj));
  if (!findings.some((f) => f.level === 'error'))
    out.push(doctorFinding('credentialsIncomplete', 'ok', ns, obj, `KFP computes a session for ${view.pipelineRoot.value}`, ''));
  for (const use of [view.credentials.secret, view.argo.secret]) {
    const secret = use === undefined ? undefined : index.secret(ns, use.name);
    if (secret === undefined || secret.invalidKeys.length === 0) continue;
    out.push(
      doctorFinding(
        'secretNotBase64',
        'error',
        ns,
        { kind: 'Secret', name: secret.metadata.name },
        `Secret ${secret.metadata.name} data.${secret.invalidKeys.join(', data.')} is not valid base64: the API server rejects this manifest`,
        'base64-encode data values, or use stringData',
      ),
    );
  }
  return out;
}
