// AdmissionReview bodies for the webhook bench, built from the repo's fixtures so both endpoints
// do their real work under deploy/examples/policy.yaml: a JSON patch for the pod, and a full lint
// of a launcher ConfigMap that stays inside team-a's root (allowed, not short-circuited).
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { parse, stringify } from 'yaml';

export const BENCH_NAMESPACE = 'team-a';

const repo = (path: string): string => new URL(`../${path}`, import.meta.url).pathname;
const readYaml = (path: string): Record<string, unknown> => parse(readFileSync(repo(path), 'utf8')) as Record<string, unknown>;

export const POLICY_FILE = repo('deploy/examples/policy.yaml');

function review(kind: string, resource: string, name: string | undefined, object: unknown): Record<string, unknown> {
  const request: Record<string, unknown> = {
    uid: randomUUID(),
    kind: { group: '', version: 'v1', kind },
    resource: { group: '', version: 'v1', resource },
    namespace: BENCH_NAMESPACE,
    operation: 'CREATE',
    userInfo: { username: 'system:serviceaccount:kubeflow:argo' },
    object,
  };
  if (name !== undefined) request.name = name;
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request };
}

export function mutationReview(): Record<string, unknown> {
  return review('Pod', 'pods', undefined, readYaml('test/fixtures/pods/v2-executor-pod-system-container-impl.yaml'));
}

/** `shared` names the override prefix; changing it changes the providers text (and so the cache key). */
export function validationReview(shared = 'shared'): Record<string, unknown> {
  const cm = readYaml('test/fixtures/kfp-launcher/valid-04-minio-external-overrides.yaml');
  const root = `s3://kubeflow-pipelines/v2/artifacts/${BENCH_NAMESPACE}`;
  const secretRef = {
    secretName: `kubeflow-pipelines--profile-object-store-auth--${BENCH_NAMESPACE}`,
    accessKeyKey: 'AWS_ACCESS_KEY_ID',
    secretKeyKey: 'AWS_SECRET_ACCESS_KEY',
  };
  const providers = {
    s3: {
      default: { endpoint: 's3.us-west-2.amazonaws.com', region: 'us-west-2', credentials: { fromEnv: false, secretRef } },
      overrides: [
        {
          bucketName: 'kubeflow-pipelines',
          keyPrefix: `v2/artifacts/${BENCH_NAMESPACE}/${shared}/`,
          credentials: { fromEnv: false, secretRef },
        },
      ],
    },
  };
  cm.metadata = { name: 'kfp-launcher', namespace: BENCH_NAMESPACE };
  cm.data = { defaultPipelineRoot: root, providers: stringify(providers) };
  return review('ConfigMap', 'configmaps', 'kfp-launcher', cm);
}
