// Istio AuthorizationPolicies (security.istio.io v1 and v1beta1), from manifests or a live LIST, validated to
// the fields settings/installation/istio-policy.ts reads; a malformed one is an error naming where and the field.
import { authorizationPolicySpecSchema } from '../../settings/installation/istio-policy.ts';
import type { AuthorizationPolicyObject } from '../../settings/installation/istio-policy.ts';
import { PluginError } from '../cli/errors.ts';

export const AUTHORIZATION_POLICY = 'AuthorizationPolicy';

export function authorizationPolicy(
  item: { spec?: unknown },
  metadata: { name: string; namespace?: string },
  where: string,
): AuthorizationPolicyObject {
  const r = authorizationPolicySpecSchema.safeParse(item.spec ?? {});
  if (!r.success) {
    const issue = r.error.issues[0];
    throw new PluginError(
      `${where}: AuthorizationPolicy ${metadata.namespace ?? ''}/${metadata.name} ` +
        `spec.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
    );
  }
  return {
    metadata: { name: metadata.name, ...(metadata.namespace !== undefined ? { namespace: metadata.namespace } : {}) },
    spec: r.data,
  };
}
