// The objects doctor --installation reads beyond the kubeflow namespace to judge the UI's path to each
// profile's artifacts (settings/installation/ui-paths.ts): profile Namespaces and their kfp-launcher,
// and with the artifact proxy on, the proxies' Deployments and Services and Istio AuthorizationPolicies.
// Each is one cluster-wide LIST (field- or label-selected). Who may read a profile's Secret for the UI
// is asked of the API server (SubjectAccessReview) live, and evaluated on the RBAC objects offline.
import type { ClusterSnapshot, ConfigMapObject, DeploymentObject, KubeObject, ServiceObject } from '../../settings/cluster/snapshot.ts';
import type { SnapshotIndex } from '../../settings/cluster/snapshot.ts';
import { RESOURCE_OF } from '../../settings/cluster/snapshot.ts';
import { doctorFinding } from '../../settings/doctor/finding.ts';
import type { DoctorFinding } from '../../settings/doctor/finding.ts';
import { PROFILE_LABEL } from '../../settings/inspect/namespace-view.ts';
import type { ReaderAnswers } from '../../settings/installation/ui-checks.ts';
import type { ProfileUiPath } from '../../settings/installation/ui-paths.ts';
import type { InstallationSettings } from '../../settings/installation/settings.ts';
import { LAUNCHER_CONFIGMAP } from '../../settings/kfp/launcher-config.ts';
import { authorize, serviceAccountUser } from '../../settings/rbac/authorize.ts';
import type { RbacAnswer } from '../../settings/rbac/authorize.ts';
import { ApiError } from '../../kube-client/api.ts';
import type { KubeApi } from '../../kube-client/api.ts';
import { refusal } from '../cluster-read/scoped-read.ts';
import { authorizationPolicy } from '../manifests/authorization-policy.ts';

const ISTIO_VERSIONS = ['v1', 'v1beta1'];

/** Adds the profiles' objects to the snapshot; what could not be read comes back as findings (the checks then see less). */
export async function readProfileUi(api: KubeApi, snapshot: ClusterSnapshot, s: InstallationSettings): Promise<DoctorFinding[]> {
  const notes: DoctorFinding[] = [];
  const read = async <T>(path: string, query: Record<string, string>, what: string, canI: string): Promise<T[]> => {
    try {
      return await api.list<T>(path, query);
    } catch (e) {
      const why = refusal(e);
      if (why === undefined) throw e;
      notes.push(
        doctorFinding(
          'unreadable',
          'warn',
          undefined,
          undefined,
          `could not list ${what} (${why}): the UI's path to them was not checked`,
          `\`${canI}\` must say yes`,
        ),
      );
      return [];
    }
  };
  const profiles = await read<KubeObject>(
    '/api/v1/namespaces',
    { labelSelector: `${PROFILE_LABEL}=true` },
    'profile namespaces',
    'kubectl auth can-i list namespaces',
  );
  snapshot.namespaces.push(...profiles.filter((n) => n.metadata.name !== s.namespace));
  if (profiles.length === 0) return notes;
  const launchers = await read<ConfigMapObject>(
    '/api/v1/configmaps',
    { fieldSelector: `metadata.name=${LAUNCHER_CONFIGMAP}` },
    "the profiles' kfp-launcher ConfigMaps",
    'kubectl auth can-i list configmaps --all-namespaces',
  );
  snapshot.configMaps.push(...launchers.filter((c) => c.metadata.namespace !== s.namespace));
  const proxy = s.ui?.access.proxy;
  if (proxy?.enabled !== true) return notes;
  const named = { fieldSelector: `metadata.name=${proxy.serviceName}` };
  const elsewhere = <T extends KubeObject>(items: T[]): T[] => items.filter((o) => o.metadata.namespace !== s.namespace);
  // A refused list leaves the proxy's objects unknown in every profile, not absent: recorded so that
  // the checks do not call them missing.
  const proxyObjects = async <T extends KubeObject>(kind: 'Deployment' | 'Service', path: string): Promise<T[]> => {
    const before = notes.length;
    const what = `${kind}s ${proxy.serviceName}`;
    const canI = `kubectl auth can-i list ${RESOURCE_OF[kind]} --all-namespaces`;
    const items = await read<T>(path, named, what, canI);
    if (notes.length > before)
      for (const n of profiles)
        snapshot.partial.push({
          kind,
          namespace: n.metadata.name,
          reason: `${what} could not be listed`,
          check: canI,
          name: proxy.serviceName,
          known: [],
        });
    return elsewhere(items);
  };
  snapshot.deployments.push(...(await proxyObjects<DeploymentObject>('Deployment', '/apis/apps/v1/deployments')));
  snapshot.services.push(...(await proxyObjects<ServiceObject>('Service', '/api/v1/services')));
  snapshot.authorizationPolicies = await readAuthorizationPolicies(read);
  return notes;
}

// Istio serves v1 from 1.22 and v1beta1 before: the first group version the server knows; none (404) is no Istio.
async function readAuthorizationPolicies(
  read: <T>(path: string, query: Record<string, string>, what: string, canI: string) => Promise<T[]>,
): Promise<NonNullable<ClusterSnapshot['authorizationPolicies']>> {
  for (const version of ISTIO_VERSIONS) {
    try {
      const items = await read<KubeObject & { spec?: unknown }>(
        `/apis/security.istio.io/${version}/authorizationpolicies`,
        {},
        'Istio AuthorizationPolicies',
        'kubectl auth can-i list authorizationpolicies.security.istio.io --all-namespaces',
      );
      return items.map((p) =>
        authorizationPolicy(p, p.metadata, `AuthorizationPolicy ${p.metadata.namespace ?? ''}/${p.metadata.name} (live)`),
      );
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 404) throw e;
    }
  }
  return [];
}

interface ReviewStatus {
  status?: { allowed?: boolean; reason?: string };
}

/** One SubjectAccessReview per namespace whose Secret the UI (or its proxy) reads on this release. */
export async function liveReaderAnswers(api: KubeApi, paths: ProfileUiPath[]): Promise<{ answers: ReaderAnswers; notes: DoctorFinding[] }> {
  const answers: ReaderAnswers = new Map();
  for (const p of paths) {
    const r = p.secretReader;
    if (r === undefined) continue;
    const who = serviceAccountUser(r.serviceAccount.namespace, r.serviceAccount.name);
    try {
      const res = await api.send<ReviewStatus>('POST', '/apis/authorization.k8s.io/v1/subjectaccessreviews', {
        apiVersion: 'authorization.k8s.io/v1',
        kind: 'SubjectAccessReview',
        spec: {
          user: who.user,
          groups: who.groups,
          resourceAttributes: { namespace: p.namespace, verb: 'get', group: '', version: 'v1', resource: 'secrets', name: r.secret },
        },
      });
      answers.set(p.namespace, res.status?.allowed === true ? { allowed: true, by: res.status.reason ?? '' } : { allowed: false });
    } catch (e) {
      if (!(e instanceof ApiError) || e.status !== 403) throw e;
      const note = doctorFinding(
        'unreadable',
        'info',
        undefined,
        undefined,
        `could not ask the API server whether the UI may read the profiles' Secrets (${e.message}): that was not checked`,
        '`kubectl auth can-i create subjectaccessreviews.authorization.k8s.io` must say yes',
      );
      return { answers, notes: [note] };
    }
  }
  return { answers, notes: [] };
}

/** Offline: decided only where the manifests bind the reader at all (otherwise the cluster's own RBAC counts). */
export function manifestReaderAnswers(index: SnapshotIndex, paths: ProfileUiPath[]): ReaderAnswers {
  const answers: ReaderAnswers = new Map();
  const rbac = index.snapshot.rbac;
  if (rbac === undefined) return answers;
  for (const p of paths) {
    const r = p.secretReader;
    if (r === undefined) continue;
    const sa = r.serviceAccount;
    const bound = rbac.bindings.some((b) =>
      b.subjects.some((x) => x.kind === 'ServiceAccount' && x.name === sa.name && (x.namespace ?? b.namespace) === sa.namespace),
    );
    if (!bound) continue;
    const answer: RbacAnswer = authorize(rbac, serviceAccountUser(sa.namespace, sa.name), {
      verb: 'get',
      apiGroup: '',
      resource: 'secrets',
      namespace: p.namespace,
      name: r.secret,
    });
    answers.set(p.namespace, answer);
  }
  return answers;
}
