// Does an Istio AuthorizationPolicy let a peer (a service account's mTLS principal) reach a workload?
// Istio's order (istio.io/latest/docs/concepts/security/#authorization-policy-precedence): a matching
// DENY policy denies; otherwise, when ALLOW policies select the workload, one of their rules must
// match, else the sidecar answers 403 "RBAC: access denied". Only the source is known here: a rule's
// principals/namespaces (and their not- forms) and `to.operation.methods` are evaluated; ports, paths,
// hosts and `when` conditions (e.g. the kubeflow-userid header of Kubeflow's ns-owner-access-istio)
// are taken as matching, since they depend on the request, not on the caller's identity.
import { z } from 'zod';

const stringList = z.array(z.string()).optional();

const sourceSchema = z.object({
  principals: stringList,
  notPrincipals: stringList,
  namespaces: stringList,
  notNamespaces: stringList,
});

const ruleSchema = z.object({
  from: z.array(z.object({ source: sourceSchema.optional() })).optional(),
  to: z.array(z.object({ operation: z.object({ methods: stringList, notMethods: stringList }).optional() })).optional(),
});

export const authorizationPolicySpecSchema = z.object({
  selector: z.object({ matchLabels: z.record(z.string(), z.string()).optional() }).optional(),
  /** Ambient mode: the policy binds to a Gateway or Service (a waypoint), not to the proxy's sidecar. */
  targetRef: z.unknown().optional(),
  targetRefs: z.unknown().optional(),
  action: z.enum(['ALLOW', 'DENY', 'AUDIT', 'CUSTOM']).optional(),
  rules: z.array(ruleSchema).optional(),
});

export type AuthorizationPolicySpec = z.infer<typeof authorizationPolicySpecSchema>;

export interface AuthorizationPolicyObject {
  metadata: { name: string; namespace?: string };
  spec: AuthorizationPolicySpec;
}

export interface Peer {
  /** The mTLS principal: cluster.local/ns/<namespace>/sa/<name>. */
  principal: string;
  namespace: string;
  method: string;
}

export type PolicyAnswer = { allowed: true; by?: string } | { allowed: false; why: string; policy: string };

export function principalOf(namespace: string, serviceAccount: string): string {
  return `cluster.local/ns/${namespace}/sa/${serviceAccount}`;
}

/** The answer for `peer` calling a workload with `podLabels` in the policies' namespace. */
export function admits(policies: AuthorizationPolicyObject[], podLabels: Record<string, string>, peer: Peer): PolicyAnswer {
  const selecting = policies.filter((p) => selects(p.spec, podLabels));
  const deny = selecting.find((p) => p.spec.action === 'DENY' && (p.spec.rules ?? []).some((r) => ruleMatches(r, peer)));
  if (deny !== undefined)
    return { allowed: false, why: `AuthorizationPolicy ${deny.metadata.name} (action DENY) matches it`, policy: deny.metadata.name };
  const allows = selecting.filter((p) => (p.spec.action ?? 'ALLOW') === 'ALLOW');
  if (allows.length === 0) return { allowed: true };
  const by = allows.find((p) => (p.spec.rules ?? []).some((r) => ruleMatches(r, peer)));
  if (by !== undefined) return { allowed: true, by: `AuthorizationPolicy ${by.metadata.name}` };
  return {
    allowed: false,
    why: `no rule of the ALLOW AuthorizationPolicies ${allows.map((p) => p.metadata.name).join(', ')} admits ${peer.principal}`,
    policy: allows[0]?.metadata.name ?? '',
  };
}

function selects(spec: AuthorizationPolicySpec, labels: Record<string, string>): boolean {
  if (spec.targetRef !== undefined || spec.targetRefs !== undefined) return false;
  return Object.entries(spec.selector?.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
}

type Rule = z.infer<typeof ruleSchema>;

function ruleMatches(rule: Rule, peer: Peer): boolean {
  const fromOk = rule.from === undefined || rule.from.some((f) => sourceMatches(f.source ?? {}, peer));
  const toOk =
    rule.to === undefined ||
    rule.to.some((t) => {
      const op = t.operation ?? {};
      return (op.methods === undefined || anyMatch(op.methods, peer.method)) && !anyMatch(op.notMethods ?? [], peer.method);
    });
  return fromOk && toOk;
}

function sourceMatches(s: z.infer<typeof sourceSchema>, peer: Peer): boolean {
  return (
    (s.principals === undefined || anyMatch(s.principals, peer.principal)) &&
    !anyMatch(s.notPrincipals ?? [], peer.principal) &&
    (s.namespaces === undefined || anyMatch(s.namespaces, peer.namespace)) &&
    !anyMatch(s.notNamespaces ?? [], peer.namespace)
  );
}

// Istio string match: exact, `*`, a `prefix*` or a `*suffix`.
function anyMatch(patterns: string[], value: string): boolean {
  return patterns.some((p) => {
    if (p === '*') return true;
    if (p.endsWith('*')) return value.startsWith(p.slice(0, -1));
    if (p.startsWith('*')) return value.endsWith(p.slice(1));
    return p === value;
  });
}
