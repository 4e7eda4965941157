// Bearer-token authentication and an RBAC-like authorizer with kube-apiserver's 401/403 wording.
import { randomUUID } from 'node:crypto';
import { ApiError, forbidden, statusOf } from './status.ts';
import type { Rule, UserInfo } from './types.ts';

export interface Attributes {
  verb: string;
  apiGroup: string;
  resource: string;
  subresource: string | undefined;
  name: string | undefined;
  namespace: string | undefined;
}

interface UserEntry extends UserInfo {
  token: string;
}

export const MASTERS = 'system:masters';

export class Users {
  private readonly byToken = new Map<string, UserEntry>();
  private readonly byName = new Map<string, UserEntry>();
  // The default ClusterRoleBinding system:basic-user: anyone authenticated may ask what they may do
  // (kubectl auth can-i).
  private readonly rules = new Map<string, Rule[]>([
    ['system:authenticated', [{ verbs: ['create'], apiGroups: ['authorization.k8s.io'], resources: ['selfsubjectaccessreviews'] }]],
  ]);

  add(name: string, opts: { token: string; groups?: string[] }): UserInfo {
    const previous = this.byName.get(name);
    if (previous !== undefined) this.byToken.delete(previous.token);
    const entry: UserEntry = {
      username: name,
      uid: randomUUID(),
      groups: [...(opts.groups ?? []), 'system:authenticated'],
      token: opts.token,
    };
    this.byToken.set(opts.token, entry);
    this.byName.set(name, entry);
    return { username: entry.username, uid: entry.uid, groups: entry.groups };
  }

  lookup(token: string): UserInfo | undefined {
    const e = this.byToken.get(token);
    return e === undefined ? undefined : { username: e.username, uid: e.uid, groups: e.groups };
  }

  tokenOf(name: string): string {
    const e = this.byName.get(name);
    if (e === undefined) throw new Error(`kube-apiserver: unknown user ${JSON.stringify(name)}`);
    return e.token;
  }

  /** Grants `rule` to a user name or a group name. */
  allow(subject: string, rule: Rule): void {
    const list = this.rules.get(subject) ?? [];
    list.push(structuredClone(rule));
    this.rules.set(subject, list);
  }

  /** Removes every rule granted to the subject. */
  revoke(subject: string): void {
    this.rules.delete(subject);
  }

  authorize(user: UserInfo, attrs: Attributes): boolean {
    if (user.groups.includes(MASTERS)) return true;
    for (const subject of [user.username, ...user.groups]) {
      for (const rule of this.rules.get(subject) ?? []) {
        if (ruleAllows(rule, attrs)) return true;
      }
    }
    return false;
  }
}

function ruleAllows(rule: Rule, a: Attributes): boolean {
  if (!rule.verbs.includes('*') && !rule.verbs.includes(a.verb)) return false;
  if (rule.apiGroups !== undefined && !rule.apiGroups.includes('*') && !rule.apiGroups.includes(a.apiGroup)) return false;
  const combined = a.subresource === undefined ? a.resource : `${a.resource}/${a.subresource}`;
  const resourceOk = rule.resources.some(
    (r) => r === '*' || r === combined || (a.subresource !== undefined && (r === `${a.resource}/*` || r === `*/${a.subresource}`)),
  );
  if (!resourceOk) return false;
  if (rule.namespaces !== undefined && (a.namespace === undefined || !rule.namespaces.includes(a.namespace))) return false;
  if (rule.resourceNames !== undefined && (a.name === undefined || !rule.resourceNames.includes(a.name))) return false;
  return true;
}

/** Real wording: `configmaps is forbidden: User "x" cannot list resource "configmaps" in API group "" in the namespace "team-a"`. */
export function forbiddenError(user: UserInfo, a: Attributes): ApiError {
  const resource = a.subresource === undefined ? a.resource : `${a.resource}/${a.subresource}`;
  const where = a.namespace !== undefined && a.namespace !== '' ? `in the namespace "${a.namespace}"` : 'at the cluster scope';
  const why = `User "${user.username}" cannot ${a.verb} resource "${resource}" in API group "${a.apiGroup}" ${where}`;
  return forbidden({ group: a.apiGroup, resource: a.resource }, a.name, why);
}

export function forbiddenPath(user: UserInfo, verb: string, path: string): ApiError {
  return new ApiError(statusOf(403, 'Forbidden', `forbidden: User "${user.username}" cannot ${verb} path "${path}"`, {}));
}
