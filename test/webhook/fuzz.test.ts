// Fuzz: thousands of reviews built from the fixtures and then damaged at random (values of the wrong
// type, missing or extra keys, deep nesting, truncated bytes). Zero crashes; every answer is a
// well-formed AdmissionReview or a 4xx Status; every returned patch applies to the object sent.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fjp from 'fast-json-patch';
import { policyFixture, review, testApp } from '../support/admission.ts';
import { listFixtures, loadYaml } from '../support/fixtures.ts';
import { Random } from '../support/random.ts';

const SEED = Number(process.env.KFSTORE_FUZZ_SEED ?? 20261122);
const PER_ENDPOINT = Number(process.env.KFSTORE_FUZZ_COUNT ?? 1200);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function wild(rnd: Random, depth = 0): Json {
  switch (rnd.int(depth > 3 ? 6 : 9)) {
    case 0:
      return null;
    case 1:
      return rnd.next() < 0.5;
    case 2:
      return rnd.pick([0, -1, 1.5, 2 ** 53, Number.MAX_VALUE, -0]);
    case 3:
      return rnd.pick(['', 'kfp-launcher', 'main', '\t', 'ÿ\u0000\u2028', 's3://', '{profile}', 'x'.repeat(rnd.int(5000))]);
    case 4:
      return 'yes';
    case 5:
      return rnd.pick(['s3:\n  default: {credentials: {fromEnv: true}}', '\t\t', 'minio: [', '{"s3": 1}', 'gs:\n  overrides: [{}]']);
    case 6:
      return Array.from({ length: rnd.int(4) }, () => wild(rnd, depth + 1));
    case 7:
      return Object.fromEntries(
        Array.from({ length: rnd.int(4) }, (_, i) => [rnd.pick(['name', 'env', 'data', 'containers', `k${i}`]), wild(rnd, depth + 1)]),
      );
    default: {
      let deep: Json = 'bottom';
      for (let i = 0; i < 200 + rnd.int(2000); i++) deep = [deep];
      return deep;
    }
  }
}

/** Paths to every value inside `v`. */
function paths(v: Json, at: (string | number)[] = [], out: (string | number)[][] = []): (string | number)[][] {
  out.push(at);
  if (Array.isArray(v)) for (const [i, x] of v.entries()) paths(x, [...at, i], out);
  else if (v !== null && typeof v === 'object') for (const [k, x] of Object.entries(v)) paths(x, [...at, k], out);
  return out;
}

function damage(rnd: Random, doc: Json): Json {
  const all = paths(doc).filter((p) => p.length > 0);
  for (let n = 1 + rnd.int(3); n > 0; n--) {
    const target = rnd.pick(all);
    const parentPath = target.slice(0, -1);
    let parent: Json = doc;
    for (const key of parentPath)
      parent = parent !== null && typeof parent === 'object' ? ((parent as Record<string | number, Json>)[key] ?? null) : null;
    if (parent === null || typeof parent !== 'object') continue;
    const key = target[target.length - 1] as string | number;
    const container = parent as Record<string | number, Json>;
    const action = rnd.int(4);
    if (action === 0 && !Array.isArray(parent)) delete container[key];
    else if (action === 1 && Array.isArray(parent)) parent.push(structuredClone(container[key] ?? null));
    else if (action === 2 && !Array.isArray(parent)) container[rnd.pick(['extra', 'NAME', 'Env', '__proto__', 'constructor'])] = wild(rnd);
    else container[key] = wild(rnd);
  }
  return doc;
}

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
