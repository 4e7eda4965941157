// `argoRepository`/`argoDisagrees`: Argo's artifact repository (archived logs, v1 artifacts) exists, parses, and
// agrees with where the launcher puts v2 artifacts.
import type { NamespaceView } from '../../inspect/namespace-view.ts';
import { ARTIFACT_REPOSITORIES } from '../../argo/artifact-repository.ts';
import { doctorFinding } from '../finding.ts';
import type { DoctorFinding } from '../finding.ts';

export function argoChecks(view: NamespaceView): DoctorFinding[] {
  const ns = view.namespace;
  const obj = { kind: 'ConfigMap', name: ARTIFACT_REPOSITORIES };
  const argo = view.argo;
  // Not read (RBAC): `unreadable` says so; a missing repository would be a guess.
  if (view.unreadable?.some((u) => u.name === ARTIFACT_REPOSITORIES) === true) return [];
  if (argo.problem !== undefined) {
    const missing = argo.problem.startsWith('no ConfigMap');
    return [
      doctorFinding(
        'argoRepository',
        missing ? 'warn' : 'error',
        ns,
        obj,
        missing
          ? `${ns} has no ${ARTIFACT_REPOSITORIES}: Argo uses the cluster default repository (shared bucket and credentials)`
          : `${ARTIFACT_REPOSITORIES}: ${argo.problem}`,
        missing
          ? 'create artifact-repositories with a keyFormat under the namespace\u2019s own prefix'
          : 'fix the annotation workflows.argoproj.io/default-artifact-repository and the key it names',
      ),
    ];
  }
  const out: DoctorFinding[] = [doctorFinding('argoRepository', 'ok', ns, obj, `Argo repository ${argo.key} configured`, '')];
  if (argo.secret?.unreadable !== undefined) {
    // Whether it exists is unknown: `unreadable` names the permission, nothing is claimed about the Secret.
  } else if (argo.secret !== undefined && !argo.secret.exists) {
    out.push(
      doctorFinding(
        'secretMissing',
        'error',
        ns,
        { kind: 'Secret', name: argo.secret.name },
        `Secret ${argo.secret.name} (Argo artifact repository) does not exist: pods cannot start ("MountVolume.SetUp failed")`,
        `create Secret ${argo.secret.name} in ${ns}`,
      ),
    );
  } else if (argo.secret !== undefined) {
    const missing = argo.secret.keys.filter((k) => !k.present).map((k) => k.key);
    if (missing.length > 0)
      out.push(
        doctorFinding(
          'secretKeyMissing',
          'error',
          ns,
          { kind: 'Secret', name: argo.secret.name },
          `Secret ${argo.secret.name} has no value for ${missing.join(', ')} (Argo artifact repository)`,
          `add ${missing.join(', ')} to Secret ${argo.secret.name}`,
        ),
      );
  }
  const diffs: string[] = [];
  if (view.session.ok) {
    const p = view.session.value.params;
    const bucket = /^[a-z0-9]+:\/\/([^/?]+)/.exec(view.pipelineRoot.value)?.[1];
    if (argo.bucket !== undefined && bucket !== undefined && argo.bucket !== bucket) diffs.push(`bucket ${argo.bucket} vs ${bucket}`);
    const host = (e: string | undefined): string => (e ?? '').replace(/^[a-z]+:\/\//, '').replace(/\/.*$/, '');
    if (argo.endpoint !== undefined && p.endpoint !== undefined && p.endpoint !== '' && host(argo.endpoint) !== host(p.endpoint))
      diffs.push(`endpoint ${argo.endpoint} vs ${p.endpoint}`);
    if (argo.insecure !== undefined && p.disableSSL !== undefined && String(argo.insecure) !== p.disableSSL)
      diffs.push(`insecure ${argo.insecure} vs disableSSL ${p.disableSSL}`);
    if (argo.secret !== undefined && p.secretName !== undefined && argo.secret.name !== p.secretName)
      diffs.push(`Secret ${argo.secret.name} vs ${p.secretName}`);
  }
  if (diffs.length > 0) {
    out.push(
      doctorFinding(
        'argoDisagrees',
        'warn',
        ns,
        obj,
        `Argo logs and launcher artifacts go to different places: ${diffs.join('; ')}`,
        'move the Argo repository together with kfp-launcher (kubectl kfstore migrate does both)',
      ),
    );
  }
  if (
    argo.keyFormat !== undefined &&
    !argo.keyFormat.includes(ns) &&
    !argo.keyFormat.includes('{{workflow.namespace}}') &&
    !argo.keyFormat.includes('{{ workflow.namespace }}')
  ) {
    out.push(
      doctorFinding(
        'argoDisagrees',
        'warn',
        ns,
        obj,
        `Argo keyFormat ${argo.keyFormat} is not under a ${ns} prefix: logs of all tenants mix`,
        `start keyFormat with private-artifacts/${ns}/`,
      ),
    );
  }
  return out;
}
