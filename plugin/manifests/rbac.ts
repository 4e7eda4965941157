// RBAC objects among the manifests (Role, RoleBinding, ClusterRole, ClusterRoleBinding), reduced to what
// settings/rbac/authorize.ts evaluates. A malformed one is an error naming the file and the field.
import { z } from 'zod';
import type { RbacBinding, RbacRole } from '../../settings/rbac/authorize.ts';
import { PluginError } from '../cli/errors.ts';

export const RBAC_KINDS = ['Role', 'RoleBinding', 'ClusterRole', 'ClusterRoleBinding'] as const;
type RbacKind = (typeof RBAC_KINDS)[number];

const strings = z.array(z.string()).optional();
const rule = z.looseObject({ verbs: z.array(z.string()), apiGroups: strings, resources: strings, resourceNames: strings });
const role = z.looseObject({
  rules: z.array(rule).nullish(),
  aggregationRule: z
    .looseObject({ clusterRoleSelectors: z.array(z.looseObject({ matchLabels: z.record(z.string(), z.string()).optional() })).nullish() })
    .optional(),
});
const binding = z.looseObject({
  roleRef: z.looseObject({ kind: z.string(), name: z.string() }),
  subjects: z.array(z.looseObject({ kind: z.string(), name: z.string(), namespace: z.string().optional() })).nullish(),
});

export function rbacObject(
  kind: RbacKind,
  item: Record<string, unknown>,
  meta: { name: string; namespace?: string; labels?: Record<string, string> },
  where: string,
): RbacRole | RbacBinding {
  const fail = (e: z.ZodError): never => {
    const issue = e.issues[0];
    throw new PluginError(`${where}: ${kind} ${meta.name}: ${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  };
  const scope = kind === 'Role' || kind === 'RoleBinding' ? { namespace: meta.namespace ?? '' } : {};
  if (kind === 'Role' || kind === 'ClusterRole') {
    const r = role.safeParse(item);
    if (!r.success) return fail(r.error);
    const selectors = r.data.aggregationRule?.clusterRoleSelectors?.map((s) => s.matchLabels ?? {});
    return {
      kind,
      name: meta.name,
      ...scope,
      ...(meta.labels !== undefined ? { labels: meta.labels } : {}),
      rules: r.data.rules ?? [],
      ...(kind === 'ClusterRole' && selectors !== undefined ? { aggregateSelectors: selectors } : {}),
    };
  }
  const b = binding.safeParse(item);
  if (!b.success) return fail(b.error);
  return {
    kind,
    name: meta.name,
    ...scope,
    roleRef: { kind: b.data.roleRef.kind, name: b.data.roleRef.name },
    subjects: (b.data.subjects ?? []).map((s) => ({
      kind: s.kind,
      name: s.name,
      ...(s.namespace !== undefined ? { namespace: s.namespace } : {}),
    })),
  };
}
