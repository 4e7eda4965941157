// Kubernetes RBAC, evaluated the way kube-apiserver's RBAC authorizer does (pkg/registry/rbac/validation,
// plugin/pkg/auth/authorizer/rbac): a RoleBinding grants its Role, or a ClusterRole's rules, inside its own
// namespace; a ClusterRoleBinding grants a ClusterRole everywhere. Used on manifests (doctor -f), where only
// the RBAC objects in the files are known: a binding to a role the files do not hold leaves the answer open.

export interface PolicyRule {
  verbs: string[];
  apiGroups?: string[];
  resources?: string[];
  resourceNames?: string[];
}

export interface RbacSubject {
  kind: string;
  name: string;
  namespace?: string;
}

export interface RbacRole {
  kind: 'Role' | 'ClusterRole';
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  rules: PolicyRule[];
  /** ClusterRole aggregation: the controller copies in the rules of ClusterRoles these label sets select. */
  aggregateSelectors?: Record<string, string>[];
}

export interface RbacBinding {
  kind: 'RoleBinding' | 'ClusterRoleBinding';
  name: string;
  namespace?: string;
  roleRef: { kind: string; name: string };
  subjects: RbacSubject[];
}

export interface RbacObjects {
  roles: RbacRole[];
  bindings: RbacBinding[];
}

/** Who asks: a user name and its groups, as in a SubjectAccessReview. */
export interface RbacUser {
  user: string;
  groups: string[];
}

export interface ResourceRequest {
  verb: string;
  apiGroup: string;
  resource: string;
  namespace: string;
  name?: string;
}

export type RbacAnswer =
  | { allowed: true; by: string }
  | { allowed: false; undecided?: undefined }
  /** A binding for the user names a role the objects do not hold: its rules are unknown. */
  | { allowed: false; undecided: string };

/** The user and groups the API server gives a service account's token. */
export function serviceAccountUser(namespace: string, name: string): RbacUser {
  return {
    user: `system:serviceaccount:${namespace}:${name}`,
    groups: ['system:serviceaccounts', `system:serviceaccounts:${namespace}`, 'system:authenticated'],
  };
}

export function authorize(objects: RbacObjects, who: RbacUser, req: ResourceRequest): RbacAnswer {
  const missing: string[] = [];
  for (const b of objects.bindings) {
    // A RoleBinding only grants in its own namespace.
    if (b.kind === 'RoleBinding' && b.namespace !== req.namespace) continue;
    if (!b.subjects.some((s) => appliesTo(s, who, b.namespace))) continue;
    const role = roleOf(objects, b);
    const label = `${b.kind} ${b.namespace !== undefined ? `${b.namespace}/` : ''}${b.name} (${b.roleRef.kind} ${b.roleRef.name})`;
    if (role === undefined) {
      missing.push(label);
      continue;
    }
    if (rulesOf(objects, role).some((r) => ruleAllows(r, req))) return { allowed: true, by: label };
  }
  return missing.length > 0 ? { allowed: false, undecided: missing.join(', ') } : { allowed: false };
}

// rbac.appliesToUser: a ServiceAccount subject without a namespace means the binding's namespace.
function appliesTo(s: RbacSubject, who: RbacUser, bindingNamespace: string | undefined): boolean {
  switch (s.kind) {
    case 'User':
      return s.name === who.user;
    case 'Group':
      return who.groups.includes(s.name);
    case 'ServiceAccount':
      return `system:serviceaccount:${s.namespace ?? bindingNamespace ?? ''}:${s.name}` === who.user;
    default:
      return false;
  }
}

function roleOf(objects: RbacObjects, b: RbacBinding): RbacRole | undefined {
  if (b.roleRef.kind === 'ClusterRole') return objects.roles.find((r) => r.kind === 'ClusterRole' && r.name === b.roleRef.name);
  if (b.roleRef.kind === 'Role' && b.kind === 'RoleBinding')
    return objects.roles.find((r) => r.kind === 'Role' && r.name === b.roleRef.name && r.namespace === b.namespace);
  return undefined;
}

function rulesOf(objects: RbacObjects, role: RbacRole): PolicyRule[] {
  if (role.aggregateSelectors === undefined) return role.rules;
  const selected = objects.roles.filter(
    (r) =>
      r.kind === 'ClusterRole' &&
      r !== role &&
      role.aggregateSelectors?.some((sel) => Object.entries(sel).every(([k, v]) => r.labels?.[k] === v)) === true,
  );
  return [...role.rules, ...selected.flatMap((r) => r.rules)];
}

// rbac.RuleAllows for resource requests: verbs, API groups, resources and names, `*` matching all.
function ruleAllows(rule: PolicyRule, req: ResourceRequest): boolean {
  const has = (list: string[] | undefined, value: string): boolean => list !== undefined && (list.includes('*') || list.includes(value));
  if (!has(rule.verbs, req.verb) || !has(rule.apiGroups, req.apiGroup) || !has(rule.resources, req.resource)) return false;
  const names = rule.resourceNames ?? [];
  return names.length === 0 || (req.name !== undefined && names.includes(req.name));
}
