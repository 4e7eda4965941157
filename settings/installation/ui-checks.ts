// doctor --installation: can the KFP UI show each profile namespace's artifacts? noArtifactProxy (a
// store the UI cannot read without a proxy), artifactProxyBlocked (the proxy, Istio or RBAC in the
// way), uiDefect (defects of the release). Pure: the edge reads the objects and answers the RBAC questions (ui-paths.ts says which).
import type { SnapshotIndex } from '../cluster/snapshot.ts';
import { doctorFinding } from '../doctor/finding.ts';
import type { DoctorFinding } from '../doctor/finding.ts';
import type { UiRules } from '../kfp/ui-rules.ts';
import type { RbacAnswer } from '../rbac/authorize.ts';
import { containerEnv, mainContainer } from './env.ts';
import { admits, principalOf } from './istio-policy.ts';
import type { InstallationSettings, UiAccess } from './settings.ts';
import { profileUiPaths, uiRulesOf } from './ui-paths.ts';
import type { ProfileUiPath, SecretReader } from './ui-paths.ts';

/** The answer to "may this reader get that Secret", by namespace; absent when it was not asked. */
export type ReaderAnswers = Map<string, RbacAnswer>;

export function artifactUiChecks(index: SnapshotIndex, s: InstallationSettings, answers: ReaderAnswers = new Map()): DoctorFinding[] {
  const ui = s.ui;
  if (ui === undefined) return [];
  const rules = uiRulesOf(index);
  const paths = profileUiPaths(index, s);
  const out: DoctorFinding[] = [...releaseDefects(s, ui.access, rules)];
  for (const p of paths) {
    out.push(...withoutProxy(s, ui.access, rules, p));
    if (ui.access.proxy.enabled) out.push(...proxyChecks(index, s, ui.access, rules, p));
    const answer = answers.get(p.namespace);
    if (p.secretReader !== undefined && answer !== undefined) out.push(...readerChecks(p.namespace, p.secretReader, answer));
  }
  return out;
}

function withoutProxy(s: InstallationSettings, access: UiAccess, rules: UiRules, p: ProfileUiPath): DoctorFinding[] {
  if (access.proxy.enabled || p.secret === undefined || p.sameStore) return [];
  const fix =
    `set ARTIFACTS_PROXY_ENABLED: "true" in ConfigMap ${s.namespace}/pipeline-install-config ` +
    `and let the profile controller create ${access.proxy.serviceName} in ${p.namespace}`;
  const where =
    `${p.namespace}'s store (${p.storeEndpoint}, Secret ${p.secret}) ` +
    `is not the UI's own (${p.uiEndpoint.value}, ${p.uiEndpoint.from})`;
  const why = rules.providerInfo
    ? 'ignores the Secret in providerInfo for user namespaces (2.17, PR #12860)'
    : 'reads every artifact with its own settings (no providerInfo before 2.3)';
  if (!rules.providerInfo || rules.providerInfoOwnNamespaceOnly)
    return [
      doctorFinding(
        'noArtifactProxy',
        'error',
        p.namespace,
        { kind: 'ConfigMap', name: 'kfp-launcher' },
        `artifacts of ${p.namespace} will not render in the UI: ${where}, ${access.proxy.from} is not "true", and this release ${why}`,
        fix,
      ),
    ];
  return [
    doctorFinding(
      'noArtifactProxy',
      'warn',
      p.namespace,
      { kind: 'ConfigMap', name: 'kfp-launcher' },
      `${where}: the UI shows ${p.namespace}'s artifacts only by reading Secret ${p.secret} in ${p.namespace} itself (KFP 2.3-2.16); ` +
        'KFP 2.17 stops doing so',
      fix,
    ),
  ];
}

function proxyChecks(index: SnapshotIndex, s: InstallationSettings, access: UiAccess, rules: UiRules, p: ProfileUiPath): DoctorFinding[] {
  const name = access.proxy.serviceName;
  const url = `http://${name}.${p.namespace}:${access.proxy.port}`;
  const blocked = (object: { kind: string; name: string }, what: string, fix: string): DoctorFinding =>
    doctorFinding(
      'artifactProxyBlocked',
      'error',
      p.namespace,
      object,
      `the UI proxies ${p.namespace}'s artifact reads to ${url}, but ${what}`,
      fix,
    );
  const restore =
    `let the profile controller re-create it (ARTIFACTS_PROXY_ENABLED "true" in ConfigMap ${s.namespace}/pipeline-install-config; ` +
    `kubectl -n ${s.namespace} rollout restart deployment ml-pipeline-profile-controller)`;
  const d = p.proxy?.deployment;
  const out: DoctorFinding[] = [];
  // Not listed (RBAC) is not absent: the read already reported it as unchecked.
  const deploymentUnknown = index.unknown('Deployment', p.namespace, name) !== undefined;
  if (d === undefined && !deploymentUnknown) out.push(blocked({ kind: 'Deployment', name }, `there is no Deployment ${name}`, restore));
  if (p.proxy?.service === undefined && index.unknown('Service', p.namespace, name) === undefined)
    out.push(blocked({ kind: 'Service', name }, `there is no Service ${name}`, restore));
  if (d === undefined) return out;
  const obj = { kind: 'Deployment', name };
  if (index.snapshot.source === 'cluster' && (d.spec?.replicas ?? 1) > 0 && (d.status?.availableReplicas ?? 0) < 1)
    out.push(
      blocked(
        obj,
        `Deployment ${name} has no available replica`,
        `kubectl -n ${p.namespace} describe deployment ${name} (and its pods' events)`,
      ),
    );
  const container = mainContainer(d, [name]);
  const env = container === undefined ? new Map() : containerEnv(d, container, (n) => index.configMap(p.namespace, n));
  const own = env.get('FRONTEND_SERVER_NAMESPACE');
  const ownNs = own?.kind === 'value' ? own.value : 'kubeflow';
  if (rules.providerInfo && p.secret !== undefined && ownNs !== p.namespace) {
    const value = own === undefined ? 'unset (UI default kubeflow)' : ownNs;
    const what = `${name}'s FRONTEND_SERVER_NAMESPACE is ${value}: it looks for Secret ${p.secret} in ${ownNs}, not ${p.namespace}`;
    const fix = `set env FRONTEND_SERVER_NAMESPACE=${p.namespace} on Deployment ${p.namespace}/${name}`;
    out.push(
      rules.proxyKnowsItsNamespace
        ? blocked(obj, what, fix)
        : doctorFinding(
            'uiDefect',
            'warn',
            p.namespace,
            obj,
            `known defect of KFP < 2.15 (#12374, #12041): ${what}`,
            `${fix}, or upgrade to KFP 2.15 (its profile controller sets it)`,
          ),
    );
  }
  const key = env.get('MINIO_ACCESS_KEY');
  const keySecret = key?.kind === 'secret' ? key.secret : undefined;
  if (!rules.providerInfo && p.session.provider === 'minio' && p.secret !== undefined && keySecret !== p.secret)
    out.push(
      blocked(
        obj,
        `${name} reads with ${keySecret === undefined ? 'no MINIO_ACCESS_KEY from a Secret' : `Secret ${keySecret}`} ` +
          `while ${p.namespace}'s store uses Secret ${p.secret} (before 2.3 the proxy reads with its own environment only)`,
        `set MINIO_ACCESS_KEY and MINIO_SECRET_KEY on Deployment ${p.namespace}/${name} from Secret ${p.secret}`,
      ),
    );
  const policies = (index.snapshot.authorizationPolicies ?? []).filter((a) => a.metadata.namespace === p.namespace);
  const labels = d.spec?.template?.metadata?.labels ?? {};
  const principal = principalOf(s.namespace, access.serviceAccount);
  const answer = admits(policies, labels, { principal, namespace: s.namespace, method: 'GET' });
  if (!answer.allowed)
    out.push(
      blocked(
        { kind: 'AuthorizationPolicy', name: answer.policy },
        `Istio refuses ml-pipeline-ui there (the UI shows "RBAC: access denied"): ${answer.why}`,
        `allow principal ${principal} in an ALLOW AuthorizationPolicy of ${p.namespace} ` +
          "(Kubeflow's ns-owner-access-istio lists it under rules[].from[].source.principals)",
      ),
    );
  if (out.length === 0 && p.session.provider === 's3' && rules.proxyS3DownloadBug)
    out.push(
      doctorFinding(
        'uiDefect',
        'warn',
        p.namespace,
        obj,
        `known defect of KFP 2.16-2.17.0 (#13717): downloads of ${p.namespace}'s s3:// artifacts through ${name} fail with ` +
          '"Unable to get aws instance profile credentials: CredentialsProviderError"; previews still work',
        'deploy a UI image with the fix of PR #13734 (after 2.17.0), or read the artifacts with the namespace credentials meanwhile',
      ),
    );
  return out;
}

function readerChecks(namespace: string, reader: SecretReader, answer: RbacAnswer): DoctorFinding[] {
  if (answer.allowed) return [];
  const who = `system:serviceaccount:${reader.serviceAccount.namespace}:${reader.serviceAccount.name}`;
  const canI = `kubectl auth can-i get secrets/${reader.secret} -n ${namespace} --as=${who}`;
  const obj = { kind: 'Secret', name: reader.secret };
  if (answer.undecided !== undefined)
    return [
      doctorFinding(
        'artifactProxyBlocked',
        'info',
        namespace,
        obj,
        `whether ${reader.role} may get secret ${reader.secret} in ${namespace} is unknown: ` +
          `${answer.undecided} names a role the manifests do not hold`,
        `add the role to the manifests, or check on the cluster: ${canI}`,
      ),
    ];
  return [
    doctorFinding(
      'artifactProxyBlocked',
      'error',
      namespace,
      obj,
      `${reader.role} cannot get secret ${reader.secret} in ${namespace} (missing: get on secrets for ${who} there): ` +
        `the UI fails every artifact of ${namespace}`,
      `grant get on secrets/${reader.secret} in ${namespace} to ${who} (a Role and RoleBinding); check: ${canI}`,
    ),
  ];
}

/** Release-wide defects: before 2.17 a multi-user UI reads any namespace's artifacts it is asked for (#12373, #9889). */
function releaseDefects(s: InstallationSettings, access: UiAccess, rules: UiRules): DoctorFinding[] {
  if (!access.multiUser || rules.providerInfoOwnNamespaceOnly) return [];
  return [
    doctorFinding(
      'uiDefect',
      'error',
      s.namespace,
      { kind: 'Deployment', name: 'ml-pipeline-ui' },
      "known defect of multi-user KFP before 2.17 (#12373, #9889): the UI reads any namespace's artifacts and Secrets it is asked for " +
        "with its own cluster-wide rights, so one tenant can read another's artifacts",
      'upgrade to KFP 2.17 (PR #12860, #13433), or keep tenants on separate stores and ' +
        'remove secrets get from ClusterRole ml-pipeline-ui with ARTIFACTS_PROXY_ENABLED "true"',
    ),
  ];
}
