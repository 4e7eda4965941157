// SubjectAccessReview (authorization.k8s.io/v1) answered from the RBAC objects this server stores, by the
// rules of kube-apiserver's RBAC authorizer (plugin/pkg/auth/authorizer/rbac): ClusterRoleBindings grant
// their ClusterRole everywhere, RoleBindings their Role or ClusterRole in their own namespace; a
// ServiceAccount subject without a namespace is the binding's; aggregated ClusterRoles carry the rules of
// the ClusterRoles their selectors match (what the aggregation controller writes). system:masters may do
// anything, as the real server's privileged group. The server's own request authorization stays users.ts's.
import type { Store } from './store.ts';
import { findResource } from './resources.ts';
import type { KubeObject } from './types.ts';
import { isRecord } from './types.ts';
import { MASTERS } from './auth.ts';

export interface ReviewAttributes {
  verb: string;
  group: string;
  resource: string;
  subresource: string;
  name: string;
  namespace: string;
}

export interface ReviewSubject {
  user: string;
  groups: string[];
}

const RBAC = 'rbac.authorization.k8s.io';

function stored(store: Store, plural: string, namespace?: string): KubeObject[] {
  const def = findResource(RBAC, 'v1', plural);
  return def === undefined ? [] : store.list(def, namespace);
}

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : []);
const text = (v: unknown): string => (typeof v === 'string' ? v : '');

export function reviewAllows(store: Store, who: ReviewSubject, a: ReviewAttributes): { allowed: boolean; reason: string } {
  if (who.groups.includes(MASTERS)) return { allowed: true, reason: '' };
  const bindings = [...stored(store, 'clusterrolebindings'), ...(a.namespace !== '' ? stored(store, 'rolebindings', a.namespace) : [])];
  for (const b of bindings) {
    const bindingNs = b.metadata.namespace ?? '';
    const subjects = Array.isArray(b.subjects) ? b.subjects.filter(isRecord) : [];
    const subject = subjects.find((s) => appliesTo(s, who, bindingNs));
    if (subject === undefined) continue;
    const ref = isRecord(b.roleRef) ? b.roleRef : {};
    const rules = rulesOf(store, text(ref.kind), text(ref.name), bindingNs);
    if (rules.some((r) => ruleAllows(r, a))) {
      const kind = bindingNs === '' ? 'ClusterRoleBinding' : 'RoleBinding';
      const to = `${text(subject.kind)} "${text(subject.name)}${subject.kind === 'ServiceAccount' ? `/${text(subject.namespace) || bindingNs}` : ''}"`;
      const where = `${b.metadata.name}${bindingNs !== '' ? `/${bindingNs}` : ''}`;
      return { allowed: true, reason: `RBAC: allowed by ${kind} "${where}" of ${text(ref.kind)} "${text(ref.name)}" to ${to}` };
    }
  }
  return { allowed: false, reason: '' };
}

function appliesTo(s: Record<string, unknown>, who: ReviewSubject, bindingNs: string): boolean {
  const name = text(s.name);
  switch (s.kind) {
    case 'User':
      return who.user === name;
    case 'Group':
      return who.groups.includes(name);
    case 'ServiceAccount':
      return who.user === `system:serviceaccount:${text(s.namespace) || bindingNs}:${name}`;
    default:
      return false;
  }
}

function rulesOf(store: Store, kind: string, name: string, bindingNs: string): Record<string, unknown>[] {
  const rules = (o: KubeObject | undefined): Record<string, unknown>[] => (Array.isArray(o?.rules) ? o.rules.filter(isRecord) : []);
  if (kind === 'Role') return bindingNs === '' ? [] : rules(stored(store, 'roles', bindingNs).find((r) => r.metadata.name === name));
  if (kind !== 'ClusterRole') return [];
  const clusterRoles = stored(store, 'clusterroles');
  const role = clusterRoles.find((r) => r.metadata.name === name);
  if (role === undefined) return [];
  const aggregation =
    isRecord(role.aggregationRule) && Array.isArray(role.aggregationRule.clusterRoleSelectors)
      ? role.aggregationRule.clusterRoleSelectors
      : [];
  const selectors = aggregation.filter(isRecord).map((s) => (isRecord(s.matchLabels) ? s.matchLabels : {}));
  const aggregated = clusterRoles.filter(
    (r) => r !== role && selectors.some((sel) => Object.entries(sel).every(([k, v]) => r.metadata.labels?.[k] === v)),
  );
  return [...rules(role), ...aggregated.flatMap(rules)];
}

function ruleAllows(rule: Record<string, unknown>, a: ReviewAttributes): boolean {
  const matches = (list: string[], value: string): boolean => list.includes('*') || list.includes(value);
  const resource = a.subresource === '' ? a.resource : `${a.resource}/${a.subresource}`;
  if (!matches(strings(rule.verbs), a.verb) || !matches(strings(rule.apiGroups), a.group)) return false;
  const resources = strings(rule.resources);
  if (!resources.includes('*') && !resources.includes(resource) && !(a.subresource !== '' && resources.includes(`*/${a.subresource}`)))
    return false;
  const names = strings(rule.resourceNames);
  return names.length === 0 || names.includes(a.name);
}
