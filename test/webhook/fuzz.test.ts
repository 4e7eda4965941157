// Fuzz: thousands of reviews built from the fixtures and then damaged at random (values of the wrong
// type, missing or extra keys, deep nesting, truncated bytes). Zero crashes; every answer is a
// well-formed AdmissionReview or a 4xx Status; every returned patch applies to the object sent.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fjp from 'fast-json-patch';
import { policyFixture, review, testApp } from '../support/admission.ts';
import { listFixtures, loadYaml } from '../support/fixtures.ts';
import { Random } from '../support/random.ts';
import { damage } from '../support/damage.ts';
import type { Json } from '../support/damage.ts';

const SEED = Number(process.env.KFSTORE_FUZZ_SEED ?? 20261122);
const PER_ENDPOINT = Number(process.env.KFSTORE_FUZZ_COUNT ?? 1200);

function corpus(): { path: string; doc: Json }[] {
  const out: { path: string; doc: Json }[] = [];
  for (const f of listFixtures('pods'))
    out.push({ path: '/mutate/pods', doc: review('Pod', 'team-a', loadYaml('pods', f)) as unknown as Json });
  for (const f of listFixtures('pods/behaviours'))
    out.push({ path: '/mutate/pods', doc: review('Pod', 'team-finance', loadYaml('pods', 'behaviours', f)) as unknown as Json });
  for (const f of listFixtures('kfp-launcher'))
    out.push({
      path: '/validate/kfp-launcher',
      doc: review('ConfigMap', 'team-a', loadYaml('kfp-launcher', f), 'CREATE', 'kfp-launcher') as unknown as Json,
    });
  return out;
}

describe(`fuzz (seed ${SEED})`, () => {
  it(`${PER_ENDPOINT} damaged reviews per endpoint: no crash, every answer well-formed`, async (ctx) => {
    const t = testApp(policyFixture('example.yaml'));
    const rnd = new Random(SEED);
    const base = corpus();
    const counts = { '/mutate/pods': 0, '/validate/kfp-launcher': 0 } as Record<string, number>;
    const statuses = new Map<number, number>();
    let patches = 0;
    while ((counts['/mutate/pods'] ?? 0) < PER_ENDPOINT || (counts['/validate/kfp-launcher'] ?? 0) < PER_ENDPOINT) {
      const seed = rnd.pick(base);
      const path = rnd.next() < 0.05 ? rnd.pick(['/mutate/pods', '/validate/kfp-launcher']) : seed.path;
      const doc = damage(rnd, structuredClone(seed.doc));
      let body = JSON.stringify(doc);
      if (rnd.next() < 0.08) body = body.slice(0, rnd.int(body.length));
      if (rnd.next() < 0.03) body = body.replace(/"/g, rnd.pick(["'", '', '""']));
      counts[path] = (counts[path] ?? 0) + 1;
      const res = await t.app.request(path, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      const text = await res.text();
      const json = JSON.parse(text) as Record<string, unknown>;
      const context = `status ${res.status} for ${body.slice(0, 300)}`;
      assert.ok([200, 400, 413, 415].includes(res.status), context);
      if (res.status !== 200) {
        assert.equal(json.kind, 'Status', context);
        assert.equal(typeof json.message, 'string', context);
        continue;
      }
      assert.equal(json.apiVersion, 'admission.k8s.io/v1', context);
      assert.equal(json.kind, 'AdmissionReview', context);
      const response = json.response as {
        uid: unknown;
        allowed: unknown;
        patch?: string;
        patchType?: string;
        status?: { message?: unknown };
        warnings?: unknown[];
      };
      const request = (doc as { request: { uid: string; object: unknown } }).request;
      assert.equal(response.uid, request.uid, context);
      assert.equal(typeof response.allowed, 'boolean', context);
      if (response.allowed === false) assert.equal(typeof response.status?.message, 'string', context);
      for (const w of response.warnings ?? []) assert.ok(typeof w === 'string' && w.length <= 120, context);
      if (response.patch !== undefined) {
        patches += 1;
        assert.equal(response.patchType, 'JSONPatch');
        const ops = JSON.parse(Buffer.from(response.patch, 'base64').toString()) as fjp.Operation[];
        fjp.applyPatch(structuredClone(request.object), ops, true, false);
      }
    }
    ctx.diagnostic(`requests ${JSON.stringify(counts)}, HTTP statuses ${JSON.stringify([...statuses])}, patches applied ${patches}`);
    assert.ok(!t.logs().includes('unhandled error'), 'no handler threw');
    assert.ok((statuses.get(200) ?? 0) > PER_ENDPOINT / 2, `most damaged reviews still parse: ${JSON.stringify([...statuses])}`);
    assert.ok(patches > 50, `some damaged pods are still mutated (${patches})`);
    const healthy = await t.app.request('/healthz');
    assert.equal(healthy.status, 200);
  });
});
