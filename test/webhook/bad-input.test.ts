// Transport problems get HTTP 4xx with a Kubernetes Status body; content problems get a denial that
// names the field; the app keeps serving; no value from a request ever reaches the log.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_BODY_BYTES } from '../../webhook/app.ts';
import { admit, post, policyFixture, review, testApp } from '../support/admission.ts';
import { readFixture } from '../support/fixtures.ts';

const t = testApp(policyFixture('example.yaml'));
const ENDPOINTS = ['/mutate/pods', '/validate/kfp-launcher'];

async function stillServing(): Promise<void> {
  const r = await admit(
    t.app,
    '/mutate/pods',
    review('Pod', 'team-a', {
      metadata: { labels: { 'pipelines.kubeflow.org/v2_component': 'true' } },
      spec: { containers: [{ name: 'main' }] },
    }),
  );
  assert.equal(r.allowed, true);
  assert.ok(r.patch !== undefined);
}

describe('transport problems: HTTP 4xx with a Status body', () => {
  for (const path of ENDPOINTS) {
    it(`${path}: body that is not JSON → 400`, async () => {
      const r = await post(t.app, path, '{"apiVersion": "admission.k8s.io/v1", "kind": ');
      assert.equal(r.status, 400);
      assert.equal(r.json.kind, 'Status');
      assert.match(String(r.json.message), /not valid JSON/);
      await stillServing();
    });
    it(`${path}: wrong Content-Type → 415`, async () => {
      const r = await post(t.app, path, readFixture('reviews', 'pod-with-canary-secret.json'), 'text/yaml');
      assert.equal(r.status, 415);
      assert.match(String(r.json.message), /Content-Type must be application\/json, got 'text\/yaml'/);
      await stillServing();
    });
    it(`${path}: body over 7 MiB → 413`, async () => {
      const big = JSON.stringify({ pad: 'x'.repeat(MAX_BODY_BYTES) });
      const r = await post(t.app, path, big);
      assert.equal(r.status, 413);
      assert.equal(r.json.reason, 'RequestEntityTooLarge');
      await stillServing();
    });
    for (const [file, pattern] of [
      ['no-request.json', /request: Invalid input/],
      ['wrong-api-version.json', /apiVersion must be admission\.k8s\.io\/v1/],
      ['wrong-kind.json', /kind must be AdmissionReview/],
      ['request-without-uid.json', /request\.uid/],
    ] as const) {
      it(`${path}: ${file} → 400 naming the field`, async () => {
        const r = await post(t.app, path, readFixture('reviews', file));
        assert.equal(r.status, 400);
        assert.match(String(r.json.message), pattern);
        await stillServing();
      });
    }
  }
  it('a body of exactly JSON null or an array → 400', async () => {
    for (const body of ['null', '[]', '"review"', '42']) {
      const r = await post(t.app, '/mutate/pods', body);
      assert.equal(r.status, 400, body);
    }
  });
  it('unknown routes → 404, health endpoints answer', async () => {
    assert.equal((await t.app.request('/mutate/deployments', { method: 'POST' })).status, 404);
    assert.equal(await (await t.app.request('/healthz')).text(), 'ok');
    assert.equal(await (await t.app.request('/readyz')).text(), 'ok');
  });
});

describe('content problems: a denial that names the field', () => {
  it('a Pod whose env entry has no name', async () => {
    const r = await admit(
      t.app,
      '/mutate/pods',
      review('Pod', 'team-a', { spec: { containers: [{ name: 'main', env: [{ value: 'x' }] }] } }),
    );
    assert.equal(r.allowed, false);
    assert.match(r.status?.message ?? '', /object\.spec\.containers\[0\]\.env\[0\]\.name/);
  });
  it('a Pod CREATE without a namespace', async () => {
    const r = await admit(t.app, '/mutate/pods', review('Pod', '', { spec: { containers: [{ name: 'main' }] } }));
    assert.equal(r.allowed, false);
    assert.match(r.status?.message ?? '', /request\.namespace/);
  });
  it('a kfp-launcher whose data is not a string map', async () => {
    const r = await admit(
      t.app,
      '/validate/kfp-launcher',
      review('ConfigMap', 'team-a', { metadata: { name: 'kfp-launcher' }, data: { providers: { s3: {} } } }, 'CREATE', 'kfp-launcher'),
    );
    assert.equal(r.allowed, false);
    assert.match(r.status?.message ?? '', /object\.data\.providers/);
  });
});

describe('no secret value reaches a response or the log', () => {
  it('literal credentials in a pod and values in a ConfigMap stay out of logs and responses', async () => {
    const before = t.logs().length;
    const pod = await post(t.app, '/mutate/pods', readFixture('reviews', 'pod-with-canary-secret.json'));
    const cm = await post(t.app, '/validate/kfp-launcher', readFixture('reviews', 'configmap-with-canary-providers.json'));
    for (const bad of ['{"broken', readFixture('reviews', 'pod-with-canary-secret.json').slice(0, 900)])
      await post(t.app, '/mutate/pods', bad);
    const logs = t.logs().slice(before);
    assert.ok(logs.includes('7f0c7a5e-1111-4c3b-9d7e-canary000001'), 'requests are logged by uid');
    const responses = JSON.stringify([pod.json, cm.json]);
    for (const canary of ['CANARY-wJalrXUtnFEMI', 'CANARY-hunter2', 'CANARY-AKIA']) {
      assert.ok(!logs.includes(canary), `log contains ${canary}`);
      assert.ok(!Buffer.from(responses).toString().includes(canary), `response contains ${canary}`);
      const patch = (pod.json.response as { patch?: string }).patch;
      if (patch !== undefined) assert.ok(!Buffer.from(patch, 'base64').toString().includes(canary));
    }
  });
});

describe('rejected requests in the latency histogram', () => {
  it('record the time they took (reading and parsing a large body is not free), not 0 s', async () => {
    const fresh = testApp(policyFixture('example.yaml'));
    // 4 MiB that is almost JSON: read in full and parsed before it is rejected.
    const r = await post(fresh.app, '/validate/kfp-launcher', `{"pad": "${'x'.repeat(4 * 1024 * 1024)}"`);
    assert.equal(r.status, 400);
    const metrics = await fresh.deps.metrics.registry.getSingleMetricAsString('kfstore_admission_duration_seconds');
    const count = /kfstore_admission_duration_seconds_count\{endpoint="validate_kfp_launcher"\} (\d+)/.exec(metrics)?.[1];
    const sum = Number(/kfstore_admission_duration_seconds_sum\{endpoint="validate_kfp_launcher"\} ([\d.e-]+)/.exec(metrics)?.[1]);
    assert.equal(count, '1', metrics);
    assert.ok(sum > 0.0001, `rejected request recorded ${sum} s`);
    const rejected = await fresh.deps.metrics.registry.getSingleMetricAsString('kfstore_admission_requests_total');
    assert.match(rejected, /kfstore_admission_requests_total\{endpoint="validate_kfp_launcher",outcome="rejected"\} 1/);
  });
});
