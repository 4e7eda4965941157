// NetworkPolicies among the manifests, validated to the fields settings/network/egress.ts reads; a malformed
// one is an error naming the file and the field (the API server would reject it too).
import { z } from 'zod';
import type { NetworkPolicyObject } from '../../settings/network/egress.ts';
import { PluginError } from '../cli/errors.ts';

const selector = z.looseObject({
  matchLabels: z.record(z.string(), z.string()).optional(),
  matchExpressions: z
    .array(
      z.looseObject({
        key: z.string(),
        operator: z.enum(['In', 'NotIn', 'Exists', 'DoesNotExist']),
        values: z.array(z.string()).optional(),
      }),
    )
    .optional(),
});
const peer = z.looseObject({
  ipBlock: z.looseObject({ cidr: z.string(), except: z.array(z.string()).optional() }).optional(),
  namespaceSelector: selector.optional(),
  podSelector: selector.optional(),
});
const port = z.looseObject({
  protocol: z.string().optional(),
  port: z.union([z.number().int(), z.string()]).optional(),
  endPort: z.number().int().optional(),
});
const spec = z.looseObject({
  podSelector: selector.optional(),
  policyTypes: z.array(z.string()).optional(),
  egress: z.array(z.looseObject({ to: z.array(peer).nullish(), ports: z.array(port).nullish() }).nullable()).nullish(),
});

export function networkPolicy(
  item: Record<string, unknown>,
  metadata: { name: string; namespace?: string },
  where: string,
): NetworkPolicyObject {
  const r = spec.safeParse(item.spec ?? {});
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new PluginError(`${where}: NetworkPolicy ${metadata.name}: spec.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
  }
  const s = r.data;
  return {
    metadata: { name: metadata.name, ...(metadata.namespace !== undefined ? { namespace: metadata.namespace } : {}) },
    spec: {
      ...(s.podSelector !== undefined ? { podSelector: s.podSelector } : {}),
      ...(s.policyTypes !== undefined ? { policyTypes: s.policyTypes } : {}),
      // An empty rule ({} or null) allows everything, as the API server stores it.
      ...(s.egress != null
        ? { egress: s.egress.map((e) => ({ ...(e?.to != null ? { to: e.to } : {}), ...(e?.ports != null ? { ports: e.ports } : {}) })) }
        : {}),
    },
  };
}
