// A container's environment as the kubelet would set it, for the storage settings doctor reads:
// literal values, ConfigMap keys and the pod's namespace. Secret keys are never resolved (their
// values are credentials and never leave the edge); they read as "set from a Secret".
import type { ConfigMapObject, ContainerSpec, DeploymentObject } from '../cluster/snapshot.ts';

export type EnvValue =
  | { kind: 'value'; value: string; from: string }
  | { kind: 'secret'; from: string; secret: string; key: string }
  /** valueFrom that could not be resolved from what was read: why, when it is a ConfigMap reference. */
  | { kind: 'unresolved'; from: string; missing?: 'configmap' | 'key'; optional?: boolean; ref?: { name: string; key: string } };

interface ValueFrom {
  configMapKeyRef?: { name?: string; key?: string; optional?: boolean };
  secretKeyRef?: { name?: string; key?: string };
  fieldRef?: { fieldPath?: string };
}

export function containerEnv(
  deployment: DeploymentObject,
  container: ContainerSpec,
  configMap: (name: string) => ConfigMapObject | undefined,
): Map<string, EnvValue> {
  const out = new Map<string, EnvValue>();
  const namespace = deployment.metadata.namespace ?? '';
  for (const e of container.env ?? []) {
    if (e.value !== undefined) {
      out.set(e.name, { kind: 'value', value: e.value, from: `env ${e.name}` });
      continue;
    }
    const from = (e.valueFrom ?? {}) as ValueFrom;
    if (from.secretKeyRef !== undefined) {
      out.set(e.name, {
        kind: 'secret',
        from: `env ${e.name} (Secret ${from.secretKeyRef.name ?? '?'})`,
        secret: from.secretKeyRef.name ?? '',
        key: from.secretKeyRef.key ?? '',
      });
    } else if (from.configMapKeyRef !== undefined) {
      const { name = '', key = '', optional = false } = from.configMapKeyRef;
      const cm = configMap(name);
      const value = cm?.data?.[key];
      const where = `env ${e.name} (ConfigMap ${name} key ${key})`;
      out.set(
        e.name,
        value !== undefined
          ? { kind: 'value', value, from: where }
          : { kind: 'unresolved', from: where, missing: cm === undefined ? 'configmap' : 'key', optional, ref: { name, key } },
      );
    } else if (from.fieldRef?.fieldPath === 'metadata.namespace') {
      out.set(e.name, { kind: 'value', value: namespace, from: `env ${e.name} (the pod's namespace)` });
    } else {
      out.set(e.name, { kind: 'unresolved', from: `env ${e.name}` });
    }
  }
  return out;
}

/** The main container: the one named like the Deployment, else the first. */
export function mainContainer(deployment: DeploymentObject, names: readonly string[]): ContainerSpec | undefined {
  const containers = deployment.spec?.template?.spec?.containers ?? [];
  return containers.find((c) => names.includes(c.name)) ?? containers[0];
}
