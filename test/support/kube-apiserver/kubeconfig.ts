// Kubeconfig documents pointing at the test server, as kubectl and client-node read them.
import { stringify } from 'yaml';

export interface KubeconfigOptions {
  /** Context (and cluster) name; default "kfstore-test". */
  context?: string;
  /** Default namespace of the context. */
  namespace?: string;
}

export function kubeconfigYaml(server: string, caPem: string, user: string, token: string, opts: KubeconfigOptions = {}): string {
  const name = opts.context ?? 'kfstore-test';
  const context: Record<string, string> = { cluster: name, user };
  if (opts.namespace !== undefined) context.namespace = opts.namespace;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name, cluster: { server, 'certificate-authority-data': Buffer.from(caPem).toString('base64') } }],
    users: [{ name: user, user: { token } }],
    contexts: [{ name, context }],
    'current-context': name,
    preferences: {},
  });
}
