// The worst inputs a tenant can send within kfstore's limits, one generator per attack class. The
// hostile-tenant suite sends each to the built webhook; `npm run bench` replays the heaviest as a
// sustained stream while it measures pod mutation.
import { MAX_PROVIDERS_BYTES, MAX_PROVIDERS_TOKENS } from '../../settings/kfp/providers.ts';
import { MAX_BODY_BYTES } from '../../webhook/app.ts';

export const NAMESPACE = 'team-a';
export const OWN_ROOT = 's3://kubeflow-pipelines/v2/artifacts/team-a';

let uid = 0;
const nextUid = (): string => `00000000-0000-4000-9000-${String(++uid).padStart(12, '0')}`;

export interface Review {
  apiVersion: 'admission.k8s.io/v1';
  kind: 'AdmissionReview';
  request: Record<string, unknown> & { uid: string };
}

/** A review as kube-apiserver writes it: `request.uid` first. */
export function reviewOf(
  kind: { group: string; version: string; kind: string },
  resource: string,
  object: unknown,
  operation = 'CREATE',
  name?: string,
): Review {
  const request: Review['request'] = {
    uid: nextUid(),
    kind,
    resource: { group: kind.group, version: kind.version, resource },
    namespace: NAMESPACE,
    operation,
    userInfo: { username: 'tenant@example.com' },
    object,
  };
  if (name !== undefined) request.name = name;
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request };
}

const CONFIGMAP = { group: '', version: 'v1', kind: 'ConfigMap' };
const POD = { group: '', version: 'v1', kind: 'Pod' };
const WORKFLOW = { group: 'argoproj.io', version: 'v1alpha1', kind: 'Workflow' };

export function launcherReview(data: Record<string, string>): Review {
  return reviewOf(
    CONFIGMAP,
    'configmaps',
    { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'kfp-launcher', namespace: NAMESPACE }, data },
    'CREATE',
    'kfp-launcher',
  );
}

/** Head, then `unit` (two YAML tokens) as often as the token limit allows, then tail. */
function fill(head: string, unit: string, tail: string): string {
  return head + unit.repeat(Math.floor((MAX_PROVIDERS_TOKENS - 64) / 2)) + tail;
}

/** Each alias expands one anchored node; the walk must stay linear in the text. */
export function aliasFanOut(): string {
  return fill('s3:\n  a: &a {x: [1, 2]}\n  b: [*a', ',*a', ']\n');
}

/** As deep as the token limit allows (two tokens per level); parsed without recursion. */
export function deepNesting(): string {
  const depth = Math.floor((MAX_PROVIDERS_TOKENS - 64) / 2);
  return `s3: ${'['.repeat(depth)}${']'.repeat(depth)}\n`;
}

/** As many flow items as the token limit allows: the parser's costliest input per byte. */
export function flowItems(): string {
  return fill('s3: {overrides: [', 'a,', 'a]}');
}

/** Flow items up to the byte limit: far past the token limit, refused after a partial lex. */
export function tooManyTokens(): string {
  const head = 's3: {overrides: [';
  return `${head}${'a,'.repeat(Math.floor((MAX_PROVIDERS_BYTES - head.length - 4) / 2))}a]}`;
}

/** Past the providers limit: refused unparsed. */
export function oversizeProviders(): string {
  return `s3:\n  default:\n    region: ${'x'.repeat(4 * MAX_PROVIDERS_BYTES)}\n`;
}

/** A ConfigMap filling the body limit with data keys KFP does not read. */
export function manyDataKeys(): Record<string, string> {
  const data: Record<string, string> = { defaultPipelineRoot: OWN_ROOT };
  const count = Math.floor((MAX_BODY_BYTES * 0.9) / 24);
  for (let i = 0; i < count; i++) data[`k${i.toString(36).padStart(8, '0')}`] = 'v';
  return data;
}

/** A root filling most of the body. */
export function hugeRoot(): string {
  return `${OWN_ROOT}/${'a/'.repeat(Math.floor((MAX_BODY_BYTES * 0.8) / 2))}`;
}

/** A pod of containers all named `main`, filling the body: kube-apiserver rejects it after admission. */
export function duplicateContainersPod(): Review {
  const count = Math.floor((MAX_BODY_BYTES * 0.95) / 16);
  return reviewOf(POD, 'pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { labels: { 'pipelines.kubeflow.org/v2_component': 'true' } },
    spec: { containers: Array.from({ length: count }, () => ({ name: 'main' })) },
  });
}

/** Unique containers as kube-apiserver defaults them, filling the body. */
export function defaultedContainersPod(): Review {
  const container = (i: number) => ({
    name: `c${i}`,
    image: 'busybox',
    imagePullPolicy: 'Always',
    resources: {},
    terminationMessagePath: '/dev/termination-log',
    terminationMessagePolicy: 'File',
  });
  const count = Math.floor((MAX_BODY_BYTES * 0.95) / JSON.stringify(container(100_000)).length);
  return reviewOf(POD, 'pods', {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { labels: { 'pipelines.kubeflow.org/v2_component': 'true' } },
    spec: { containers: Array.from({ length: count }, (_, i) => container(i)) },
  });
}

/** The KFP executor pod every pipeline step creates. */
export function pipelinePod(pod: unknown): Review {
  return reviewOf(POD, 'pods', pod);
}

/** A Workflow whose strings hold JSON nested in JSON as deep as the body allows, and many small JSON strings. */
export function nestedJsonWorkflow(): Review {
  let value = JSON.stringify({ gcsOutputDirectory: 's3://other-bucket/escape' });
  // Each level escapes the one inside it again; stop while the review still fits with room to spare.
  while (JSON.stringify(JSON.stringify({ runtimeConfig: value })).length < MAX_BODY_BYTES / 3)
    value = JSON.stringify({ runtimeConfig: value, pad: 'x' });
  const many = Array.from({ length: Math.floor(MAX_BODY_BYTES / 3 / 32) }, (_, i) => ({ name: `p${i}`, value: '{}' }));
  const spec = {
    templates: [
      {
        name: 'entrypoint',
        dag: { tasks: [{ name: 'root-driver', arguments: { parameters: [{ name: 'runtime-config', value }, ...many] } }] },
      },
    ],
  };
  return reviewOf(WORKFLOW, 'workflows', {
    apiVersion: 'argoproj.io/v1alpha1',
    kind: 'Workflow',
    metadata: { generateName: 'run-', namespace: NAMESPACE },
    spec,
  });
}
