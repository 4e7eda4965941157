// POST /mutate/pods over the Hono app: the returned JSON Patch is applied with a JSON Patch library
// and the result validated against the Kubernetes Pod schema.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fjp from 'fast-json-patch';
import { Pod } from 'kubernetes-models/v1/Pod';
import { admit, decodePatch, policyFixture, review, testApp } from '../support/admission.ts';
import type { ReviewResponse } from '../support/admission.ts';
import { MAX_INJECTED_CONTAINERS, MAX_POD_CONTAINERS } from '../../webhook/mutate/mutate-pod.ts';
import { SKIPPED_ANNOTATION } from '../../settings/injection/plan.ts';
import { headerValue, listFixtures, loadYaml, readFixture } from '../support/fixtures.ts';

type Env = { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } };
type Container = { name: string; env?: Env[]; volumeMounts?: { name: string; mountPath: string; readOnly?: boolean }[] };
type PodObject = {
  metadata: { name: string; annotations?: Record<string, string> };
  spec: { containers: Container[]; initContainers?: Container[]; volumes?: { name: string; projected?: unknown }[] };
};

const PATH = '/mutate/pods';
const KFP_PODS = ['v2-executor-pod-system-container-impl.yaml', 'v2-root-dag-driver-pod.yaml', 'v2-importer-pod-system-importer.yaml'];
const SECRET = 'kubeflow-pipelines--profile-object-store-auth--team-a';
const example = testApp(policyFixture('example.yaml'));

async function mutate(pod: PodObject, namespace: string, app = example.app): Promise<{ response: ReviewResponse; result: PodObject }> {
  const response = await admit(app, PATH, review('Pod', namespace, pod));
  const ops = decodePatch(response);
  // validateOperation: every op must apply cleanly to the object we sent.
  const result = fjp.applyPatch(structuredClone(pod), ops as fjp.Operation[], true, false).newDocument as PodObject;
  new Pod(result as never).validate();
  return { response, result };
}

function container(pod: PodObject, name: string): Container {
  const c = [...pod.spec.containers, ...(pod.spec.initContainers ?? [])].find((x) => x.name === name);
  assert.ok(c, `container ${name}`);
  return c;
}

function envNames(c: Container): string[] {
  return (c.env ?? []).map((e) => e.name);
}

describe('KFP pods, secret auth (team-a)', () => {
  for (const file of KFP_PODS) {
    it(`${file}: main gets the profile's settings, credentials only as secretKeyRef`, async () => {
      const pod = loadYaml<PodObject>('pods', file);
      const before = structuredClone(pod);
      const { response, result } = await mutate(pod, 'team-a');
      const main = container(result, 'main');
      const env = new Map((main.env ?? []).map((e) => [e.name, e]));
      assert.deepEqual(env.get('AWS_ACCESS_KEY_ID'), {
        name: 'AWS_ACCESS_KEY_ID',
        valueFrom: { secretKeyRef: { name: SECRET, key: 'AWS_ACCESS_KEY_ID' } },
      });
      assert.deepEqual(env.get('AWS_SECRET_ACCESS_KEY'), {
        name: 'AWS_SECRET_ACCESS_KEY',
        valueFrom: { secretKeyRef: { name: SECRET, key: 'AWS_SECRET_ACCESS_KEY' } },
      });
      assert.equal(env.get('AWS_REGION')?.value, 'us-west-2');
      assert.equal(env.get('AWS_DEFAULT_REGION')?.value, 'us-west-2');
      assert.equal(env.get('AWS_ENDPOINT_URL_S3')?.value, 'https://s3.us-west-2.amazonaws.com');
      for (const e of main.env ?? [])
        if (e.name.includes('SECRET') || e.name.includes('ACCESS_KEY'))
          assert.equal(e.value, undefined, `${e.name} must not carry a literal value`);
      // Everything the pod had is still there, in order, and other containers are untouched.
      const original = container(before, 'main');
      assert.deepEqual((main.env ?? []).slice(0, original.env?.length ?? 0), original.env ?? []);
      for (const c of [...before.spec.containers, ...(before.spec.initContainers ?? [])].filter((x) => x.name !== 'main'))
        assert.deepEqual(container(result, c.name), c);
      assert.deepEqual(result.spec.volumes, before.spec.volumes, 'secret auth adds no volume');
      assert.match(
        result.metadata.annotations?.['kfstore.dev/injected'] ?? '',
        /^main=AWS_ACCESS_KEY_ID,AWS_SECRET_ACCESS_KEY,AWS_REGION,AWS_DEFAULT_REGION,AWS_ENDPOINT_URL_S3$/,
      );
      assert.equal(response.allowed, true);
      // A second pass over the patched pod (reinvocationPolicy: IfNeeded) changes nothing.
      const again = await admit(example.app, PATH, review('Pod', 'team-a', result));
      assert.equal(again.allowed, true);
      assert.equal(again.patch, undefined);
    });
  }
});

describe('KFP pods, web identity (team-finance)', () => {
  for (const file of KFP_PODS) {
    it(`${file}: role ARN, token file and a projected token volume`, async () => {
      const pod = loadYaml<PodObject>('pods', file);
      const { result } = await mutate(pod, 'team-finance');
      const main = container(result, 'main');
      const env = new Map((main.env ?? []).map((e) => [e.name, e.value]));
      assert.equal(env.get('AWS_ROLE_ARN'), 'arn:aws:iam::123456789012:role/kfp-team-finance');
      assert.equal(env.get('AWS_WEB_IDENTITY_TOKEN_FILE'), '/var/run/secrets/kfstore/serviceaccount/token');
      assert.equal(env.get('AWS_STS_REGIONAL_ENDPOINTS'), 'regional');
      assert.ok(!env.has('AWS_ACCESS_KEY_ID') && !env.has('AWS_SECRET_ACCESS_KEY'));
      assert.deepEqual(
        main.volumeMounts?.find((m) => m.name === 'kfstore-aws-token'),
        { name: 'kfstore-aws-token', mountPath: '/var/run/secrets/kfstore/serviceaccount', readOnly: true },
      );
      assert.deepEqual(
        result.spec.volumes?.find((v) => v.name === 'kfstore-aws-token'),
        {
          name: 'kfstore-aws-token',
          projected: { sources: [{ serviceAccountToken: { audience: 'sts.amazonaws.com', expirationSeconds: 86400, path: 'token' } }] },
        },
      );
      assert.equal(result.spec.volumes?.filter((v) => v.name === 'kfstore-aws-token').length, 1);
      const again = await admit(example.app, PATH, review('Pod', 'team-finance', result));
      assert.equal(again.patch, undefined, 'second pass yields no patch');
    });
  }
});

describe('pods kfstore leaves alone', () => {
  it('a KFP v1 step pod has no v2_component label: not selected', async () => {
    const r = await admit(example.app, PATH, review('Pod', 'team-a', loadYaml('pods', 'v1-argo-step-pod.yaml')));
    assert.equal(r.allowed, true);
    assert.equal(r.patch, undefined);
  });
  it('UPDATE and other kinds are allowed without a patch', async () => {
    const pod = loadYaml('pods', 'v2-executor-pod-system-container-impl.yaml');
    const r = await admit(example.app, PATH, review('Pod', 'team-a', pod, 'UPDATE'));
    assert.equal(r.patch, undefined);
  });
});

describe('behaviours, one fixture each', () => {
  for (const file of listFixtures('pods/behaviours')) {
    const text = readFixture('pods', 'behaviours', file);
    it(file, async () => {
      const app = testApp(policyFixture(headerValue(text, 'policy') ?? 'example.yaml')).app;
      const pod = loadYaml<PodObject>('pods', 'behaviours', file);
      const denied = headerValue(text, 'expect-denied');
      if (denied !== undefined) {
        const r = await admit(app, PATH, review('Pod', 'team-a', pod));
        assert.equal(r.allowed, false);
        assert.ok(r.status?.message.includes(denied), r.status?.message);
        return;
      }
      const { response, result } = await mutate(pod, 'team-a', app);
      for (const c of [...pod.spec.containers, ...(pod.spec.initContainers ?? [])]) {
        const expected = headerValue(text, `expect-env-${c.name}`);
        if (expected === undefined) {
          assert.deepEqual(container(result, c.name), c, `${c.name} untouched`);
          continue;
        }
        const added = envNames(container(result, c.name)).slice(c.env?.length ?? 0);
        assert.deepEqual(added, expected === '' ? [] : expected.split(',').map((s) => s.trim()), c.name);
        assert.deepEqual(container(result, c.name).env?.slice(0, c.env?.length ?? 0), c.env ?? [], `${c.name}: user env untouched`);
      }
      // Why a container got no role: recorded on the pod, and only then.
      const skipped = headerValue(text, 'expect-skipped');
      const got = result.metadata?.annotations?.[SKIPPED_ANNOTATION];
      if (skipped === undefined) assert.equal(got, undefined);
      else assert.ok(got?.startsWith(skipped), got);
      if (headerValue(text, 'expect-env-main') === '') assert.equal(response.patch, undefined);
      else {
        const again = await admit(app, PATH, review('Pod', 'team-a', result));
        assert.equal(again.patch, undefined, 'idempotent');
      }
    });
  }
});

describe('patch size is bounded by the pod, never amplified', () => {
  const base = loadYaml<PodObject>('pods', 'v2-executor-pod-system-container-impl.yaml');
  const withContainers = (containers: Container[]): PodObject => ({ ...base, spec: { ...base.spec, containers, initContainers: [] } });

  it('a pod whose container names repeat (the API server rejects it) gets no patch, whatever its size', async () => {
    const pod = withContainers(Array.from({ length: MAX_POD_CONTAINERS }, () => ({ name: 'main' })));
    const response = await admit(example.app, PATH, review('Pod', 'team-a', pod));
    assert.equal(response.allowed, true);
    assert.equal(response.patch, undefined);
  });
  it(`a pod of more than ${MAX_POD_CONTAINERS} containers is refused naming the limit, before its containers are read`, async () => {
    const pod = withContainers(Array.from({ length: MAX_POD_CONTAINERS + 1 }, (_, i) => ({ name: `c${i}` })));
    const response = await admit(example.app, PATH, review('Pod', 'team-a', pod));
    assert.equal(response.allowed, false);
    assert.match(
      response.status?.message ?? '',
      new RegExp(`at most ${MAX_POD_CONTAINERS} containers; this one has ${MAX_POD_CONTAINERS + 1}`),
    );
  });
  it(`with inject.containers ["*"], injection into more than ${MAX_INJECTED_CONTAINERS} containers is refused; up to it, each is injected once`, async () => {
    const all = testApp(policyFixture('all-containers.yaml'));
    const over = withContainers(Array.from({ length: MAX_INJECTED_CONTAINERS + 1 }, (_, i) => ({ name: `c${i}` })));
    const refused = await admit(all.app, PATH, review('Pod', 'team-a', over));
    assert.equal(refused.allowed, false);
    assert.match(refused.status?.message ?? '', new RegExp(`injects into at most ${MAX_INJECTED_CONTAINERS} containers`));
    const fits = withContainers(Array.from({ length: MAX_INJECTED_CONTAINERS }, (_, i) => ({ name: `c${i}` })));
    const { response, result } = await mutate(fits, 'team-a', all.app);
    assert.equal(result.spec.containers.filter((c) => c.env?.some((e) => e.name === 'AWS_ACCESS_KEY_ID')).length, MAX_INJECTED_CONTAINERS);
    // The answer grows with the containers injected, and only with them.
    assert.ok((response.patch ?? '').length < MAX_INJECTED_CONTAINERS * 2048, `patch ${response.patch?.length} bytes`);
  });
});
