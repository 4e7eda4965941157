// A KFP profile namespace whose kfp-launcher points at the test Swift server and signs with keys from a
// Secret, as the probe tests seed it into the test API server.
import type { KubeObject } from '../kube-apiserver/index.ts';
import type { SwiftServer } from './server.ts';

export interface ProfileOptions {
  /** The key prefix of its root under bucket kfp (default v2/artifacts/<ns>). */
  rootPrefix?: string;
  /** The Secret and its key names (default store, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY). */
  secret?: { name: string; accessKeyKey: string; secretKeyKey: string };
}

export function swiftProfile(
  swift: SwiftServer,
  ns: string,
  accessKeyId: string,
  secretAccessKey: string,
  opts: ProfileOptions = {},
): KubeObject[] {
  const secret = opts.secret ?? { name: 'store', accessKeyKey: 'AWS_ACCESS_KEY_ID', secretKeyKey: 'AWS_SECRET_ACCESS_KEY' };
  const ref = `{secretName: ${secret.name}, accessKeyKey: ${secret.accessKeyKey}, secretKeyKey: ${secret.secretKeyKey}}`;
  return [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns, labels: { 'pipelines.kubeflow.org/enabled': 'true' } } },
    {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'kfp-launcher', namespace: ns },
      data: {
        defaultPipelineRoot: `s3://kfp/${opts.rootPrefix ?? `v2/artifacts/${ns}`}`,
        providers:
          `s3:\n  default:\n    endpoint: ${swift.endpoint.replace('http://', '')}\n    region: us-east-1\n    disableSSL: true\n` +
          `    credentials:\n      secretRef: ${ref}\n`,
      },
    },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: secret.name, namespace: ns },
      stringData: { [secret.accessKeyKey]: accessKeyId, [secret.secretKeyKey]: secretAccessKey },
    },
  ];
}
