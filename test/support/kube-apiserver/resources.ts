// The API resources this server serves, described once and used by discovery,
// routing, storage, field selectors and tables.
import { createHash } from 'node:crypto';
import type { KubeObject } from './types.ts';
import { isRecord } from './types.ts';

export type FieldGetter = (obj: KubeObject) => string;

export interface ResourceDef {
  group: string;
  version: string;
  plural: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: string[];
  categories: string[];
  verbs: string[];
  /** Subresources served besides the main resource. */
  subresources: string[];
  /** Custom resources reject strategic merge patch, like CRDs do. */
  custom: boolean;
  /** DELETE answers with the object (true) or a Success Status (false), per the real registry. */
  deleteReturnsObject: boolean;
  /** metadata.generation is bumped when anything but metadata/status changes. */
  tracksGeneration: boolean;
  /** Not stored: only POSTed for an answer (e.g. SelfSubjectAccessReview). */
  virtual: boolean;
  /** Field selector labels beyond metadata.name/metadata.namespace. */
  fields: Record<string, FieldGetter>;
}

const ALL_VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function path(obj: KubeObject, ...keys: string[]): string {
  let cur: unknown = obj;
  for (const key of keys) cur = isRecord(cur) ? cur[key] : undefined;
  if (typeof cur === 'string') return cur;
  if (typeof cur === 'boolean' || typeof cur === 'number') return String(cur);
  return '';
}

function def(partial: Partial<ResourceDef> & Pick<ResourceDef, 'group' | 'version' | 'plural' | 'kind' | 'namespaced'>): ResourceDef {
  return {
    singular: partial.kind.toLowerCase(),
    listKind: `${partial.kind}List`,
    shortNames: [],
    categories: [],
    verbs: ALL_VERBS,
    subresources: [],
    custom: false,
    deleteReturnsObject: false,
    tracksGeneration: false,
    virtual: false,
    fields: {},
    ...partial,
  };
}

export const RESOURCES: readonly ResourceDef[] = [
  def({
    group: '',
    version: 'v1',
    plural: 'namespaces',
    kind: 'Namespace',
    namespaced: false,
    shortNames: ['ns'],
    subresources: ['status', 'finalize'],
    deleteReturnsObject: true,
    fields: { 'status.phase': (o) => path(o, 'status', 'phase') },
  }),
  def({ group: '', version: 'v1', plural: 'configmaps', kind: 'ConfigMap', namespaced: true, shortNames: ['cm'] }),
  def({ group: '', version: 'v1', plural: 'secrets', kind: 'Secret', namespaced: true, fields: { type: (o) => path(o, 'type') } }),
  def({
    group: '',
    version: 'v1',
    plural: 'serviceaccounts',
    kind: 'ServiceAccount',
    namespaced: true,
    shortNames: ['sa'],
    subresources: ['token'],
  }),
  def({
    group: '',
    version: 'v1',
    plural: 'pods',
    kind: 'Pod',
    namespaced: true,
    shortNames: ['po'],
    categories: ['all'],
    subresources: ['status'],
    deleteReturnsObject: true,
    fields: {
      'spec.nodeName': (o) => path(o, 'spec', 'nodeName'),
      'spec.restartPolicy': (o) => path(o, 'spec', 'restartPolicy'),
      'spec.schedulerName': (o) => path(o, 'spec', 'schedulerName'),
      'spec.serviceAccountName': (o) => path(o, 'spec', 'serviceAccountName'),
      'spec.hostNetwork': (o) => path(o, 'spec', 'hostNetwork') || 'false',
      'status.phase': (o) => path(o, 'status', 'phase'),
      'status.podIP': (o) => path(o, 'status', 'podIP'),
      'status.nominatedNodeName': (o) => path(o, 'status', 'nominatedNodeName'),
    },
  }),
  def({
    group: '',
    version: 'v1',
    plural: 'services',
    kind: 'Service',
    namespaced: true,
    shortNames: ['svc'],
    categories: ['all'],
    subresources: ['status'],
    deleteReturnsObject: true,
  }),
  def({
    group: 'apps',
    version: 'v1',
    plural: 'deployments',
    kind: 'Deployment',
    namespaced: true,
    shortNames: ['deploy'],
    categories: ['all'],
    subresources: ['status'],
    tracksGeneration: true,
  }),
  def({
    group: 'apps',
    version: 'v1',
    plural: 'statefulsets',
    kind: 'StatefulSet',
    namespaced: true,
    shortNames: ['sts'],
    categories: ['all'],
    subresources: ['status'],
    tracksGeneration: true,
  }),
  def({
    group: 'argoproj.io',
    version: 'v1alpha1',
    plural: 'workflows',
    kind: 'Workflow',
    namespaced: true,
    shortNames: ['wf'],
    custom: true,
    deleteReturnsObject: true,
    tracksGeneration: true,
  }),
  def({
    group: 'kubeflow.org',
    version: 'v1beta1',
    plural: 'scheduledworkflows',
    kind: 'ScheduledWorkflow',
    namespaced: true,
    shortNames: ['swf'],
    custom: true,
    deleteReturnsObject: true,
    tracksGeneration: true,
  }),
  def({
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    plural: 'mutatingwebhookconfigurations',
    kind: 'MutatingWebhookConfiguration',
    namespaced: false,
    categories: ['api-extensions'],
    tracksGeneration: true,
  }),
  def({
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    plural: 'validatingwebhookconfigurations',
    kind: 'ValidatingWebhookConfiguration',
    namespaced: false,
    categories: ['api-extensions'],
    tracksGeneration: true,
  }),
  def({
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    plural: 'validatingadmissionpolicies',
    kind: 'ValidatingAdmissionPolicy',
    namespaced: false,
    categories: ['api-extensions'],
    subresources: ['status'],
    tracksGeneration: true,
  }),
  def({
    group: 'admissionregistration.k8s.io',
    version: 'v1',
    plural: 'validatingadmissionpolicybindings',
    kind: 'ValidatingAdmissionPolicyBinding',
    namespaced: false,
    categories: ['api-extensions'],
    tracksGeneration: true,
  }),
  def({
    group: 'networking.k8s.io',
    version: 'v1',
    plural: 'networkpolicies',
    kind: 'NetworkPolicy',
    namespaced: true,
    shortNames: ['netpol'],
  }),
  // Istio's AuthorizationPolicy CRD, served (like Istio) in v1 and v1beta1 from one storage.
  ...['v1', 'v1beta1'].map((version) =>
    def({
      group: 'security.istio.io',
      version,
      plural: 'authorizationpolicies',
      kind: 'AuthorizationPolicy',
      namespaced: true,
      custom: true,
    }),
  ),
  def({ group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'roles', kind: 'Role', namespaced: true }),
  def({ group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'rolebindings', kind: 'RoleBinding', namespaced: true }),
  def({ group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'clusterroles', kind: 'ClusterRole', namespaced: false }),
  def({ group: 'rbac.authorization.k8s.io', version: 'v1', plural: 'clusterrolebindings', kind: 'ClusterRoleBinding', namespaced: false }),
  def({
    group: 'authorization.k8s.io',
    version: 'v1',
    plural: 'subjectaccessreviews',
    kind: 'SubjectAccessReview',
    namespaced: false,
    verbs: ['create'],
    virtual: true,
  }),
  def({
    group: 'authorization.k8s.io',
    version: 'v1',
    plural: 'selfsubjectaccessreviews',
    kind: 'SelfSubjectAccessReview',
    namespaced: false,
    verbs: ['create'],
    virtual: true,
  }),
];

export function groupVersion(d: Pick<ResourceDef, 'group' | 'version'>): string {
  return d.group === '' ? d.version : `${d.group}/${d.version}`;
}

export function resourceKey(d: ResourceDef): string {
  return `${d.group}/${d.plural}`;
}

export function findResource(group: string, version: string, plural: string): ResourceDef | undefined {
  return RESOURCES.find((r) => r.group === group && r.version === version && r.plural === plural);
}

/** By Kind ("ConfigMap"), plural ("configmaps") or apiVersion+kind. */
export function resourceFor(kindOrPlural: string, apiVersion?: string): ResourceDef | undefined {
  return RESOURCES.find(
    (r) => (r.kind === kindOrPlural || r.plural === kindOrPlural) && (apiVersion === undefined || groupVersion(r) === apiVersion),
  );
}

export function requireResource(kindOrPlural: string, apiVersion?: string): ResourceDef {
  const found = resourceFor(kindOrPlural, apiVersion);
  if (found === undefined) throw new Error(`kube-apiserver: no resource ${apiVersion ?? ''} ${kindOrPlural}`.replace('  ', ' '));
  return found;
}

/** Group versions in discovery order: the core group first, then named groups. */
export function groupVersions(): { group: string; version: string }[] {
  const seen = new Map<string, { group: string; version: string }>();
  for (const r of RESOURCES) seen.set(groupVersion(r), { group: r.group, version: r.version });
  return [...seen.values()];
}

export function fieldValue(d: ResourceDef, obj: KubeObject, field: string): string | undefined {
  if (field === 'metadata.name') return obj.metadata.name ?? '';
  if (field === 'metadata.namespace' && d.namespaced) return obj.metadata.namespace ?? '';
  const getter = d.fields[field];
  return getter === undefined ? undefined : getter(obj);
}

/** A stable hash like the real storageVersionHash (8 bytes of sha256, base64). */
export function storageVersionHash(d: ResourceDef): string {
  return createHash('sha256').update(`${d.group}/${d.version}/${d.kind}`).digest().subarray(0, 8).toString('base64');
}
