// The in-place check (ajv, compiled from the zod schema) must accept exactly what zod accepts:
// where they disagree, either a bad object would be decided on (ajv too lenient) or a good one would
// pay for a zod parse (too strict, only slower). Held on the fixtures and on seeded damage to them,
// half of it aimed at the fields the schemas name.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { z } from 'zod';
import { configMapSchema, podSchema, runObjectSchema } from '../../../webhook/admission/objects.ts';
import { admissionReviewSchema } from '../../../webhook/admission/review.ts';
import { checkedSchema, inPlaceValidator } from '../../../webhook/admission/checked-schema.ts';
import { review } from '../../support/admission.ts';
import { damage } from '../../support/damage.ts';
import type { Json } from '../../support/damage.ts';
import { listFixtures, loadYaml, readFixture } from '../../support/fixtures.ts';
import { Random } from '../../support/random.ts';

const SEED = Number(process.env.KFSTORE_FUZZ_SEED ?? 20261204);
const PER_SCHEMA = Number(process.env.KFSTORE_FUZZ_COUNT ?? 4000);

const pods = (): Json[] => [
  ...listFixtures('pods').map((f) => loadYaml<Json>('pods', f)),
  ...listFixtures('pods/behaviours').map((f) => loadYaml<Json>('pods', 'behaviours', f)),
];
const configMaps = (): Json[] => listFixtures('kfp-launcher').map((f) => loadYaml<Json>('kfp-launcher', f));
const runs = (): Json[] => listFixtures('runs').map((f) => loadYaml<Json>('runs', f));
const reviews = (): Json[] => [
  ...pods().map((p) => review('Pod', 'team-a', p) as unknown as Json),
  ...listFixtures('reviews', '.json').map((f) => JSON.parse(readFixture('reviews', f)) as Json),
];

const CASES: { name: string; schema: z.ZodType; corpus: () => Json[] }[] = [
  { name: 'Pod', schema: podSchema, corpus: pods },
  { name: 'ConfigMap', schema: configMapSchema, corpus: configMaps },
  { name: 'Workflow/ScheduledWorkflow', schema: runObjectSchema, corpus: runs },
  { name: 'AdmissionReview', schema: admissionReviewSchema, corpus: reviews },
];

/** Every property name the schema's JSON Schema mentions: damage aimed at them meets the rules. */
function namedKeys(schema: z.ZodType): Set<string> {
  const keys = new Set<string>();
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) for (const n of node) walk(n);
    else if (node !== null && typeof node === 'object')
      for (const [k, v] of Object.entries(node)) {
        if (k === 'properties' && v !== null && typeof v === 'object') for (const name of Object.keys(v)) keys.add(name);
        walk(v);
      }
  };
  walk(z.toJSONSchema(schema, { target: 'draft-7', io: 'input' }));
  return keys;
}

/** The document with everything outside the named keys removed, so damage lands on what is checked. */
function focus(doc: Json, keys: Set<string>): Json {
  if (Array.isArray(doc)) return doc.map((d) => focus(d, keys));
  if (doc === null || typeof doc !== 'object') return doc;
  return Object.fromEntries(
    Object.entries(doc)
      .filter(([k]) => keys.has(k))
      .map(([k, v]) => [k, focus(v, keys)]),
  );
}

describe(`checked schemas agree with zod (seed ${SEED})`, () => {
  for (const c of CASES) {
    it(`${c.name}: ${PER_SCHEMA} damaged objects, ajv and zod give the same verdict`, (ctx) => {
      const accepts = inPlaceValidator(c.schema);
      const check = checkedSchema(c.schema);
      const keys = namedKeys(c.schema);
      const base = c.corpus();
      assert.ok(base.length > 0, `${c.name}: no fixtures`);
      const rnd = new Random(SEED);
      const verdicts = { accepted: 0, refused: 0 };
      for (let i = 0; i < PER_SCHEMA; i++) {
        const seed = rnd.pick(base);
        const start = structuredClone(i % 2 === 0 ? seed : focus(seed, keys));
        // Every 8th object is a fixture as it is: both must accept those.
        const doc = i % 8 === 0 ? start : damage(rnd, start);
        const zod = c.schema.safeParse(doc).success;
        assert.equal(accepts(doc), zod, `${c.name}: ajv ${String(!zod)}, zod ${String(zod)} for ${JSON.stringify(doc).slice(0, 400)}`);
        // The checked result is zod's verdict, and its error is zod's.
        const checked = check(doc);
        assert.equal(checked.success, zod);
        verdicts[zod ? 'accepted' : 'refused'] += 1;
      }
      ctx.diagnostic(`${c.name}: ${JSON.stringify(verdicts)}`);
      // Damage that never breaks the schema (or always does) would test nothing.
      assert.ok(verdicts.accepted > PER_SCHEMA / 10 && verdicts.refused > PER_SCHEMA / 10, JSON.stringify(verdicts));
    });
  }

  it('an accepted object is the object sent: no copy', () => {
    const pod = loadYaml<Record<string, unknown>>('pods', listFixtures('pods')[0] ?? '');
    const checked = checkedSchema(podSchema)(pod);
    assert.ok(checked.success);
    assert.equal(checked.data, pod);
  });

  it('a refused object gets zod’s error, naming the field', () => {
    const checked = checkedSchema(podSchema)({ spec: { containers: [{ name: 'main', env: [{ name: '' }] }] } });
    assert.ok(!checked.success);
    assert.deepEqual(checked.error.issues[0]?.path, ['spec', 'containers', 0, 'env', 0, 'name']);
  });

  it('a non-empty string check agrees with zod on astral characters; other string bounds are refused at compile', () => {
    const schema = z.object({ n: z.string().min(1) });
    const accepts = inPlaceValidator(schema);
    for (const n of ['', '\u{1F600}', '\u{1F600}\u{1F600}', 'a', '\uD83D'])
      assert.equal(accepts({ n }), schema.safeParse({ n }).success, JSON.stringify(n));
    // zod counts code points, ajv here UTF-16 units: '\u{1F600}\u{1F600}' is 2 for zod and 4 for ajv.
    for (const bounded of [z.string().max(4), z.string().min(3), z.string().length(2)])
      assert.throws(() => inPlaceValidator(z.object({ n: bounded })), /string length bound/);
    // Array bounds are not string lengths.
    assert.doesNotThrow(() => inPlaceValidator(z.array(z.string()).min(2).max(4)));
  });

  it('a schema whose JSON Schema would say less than zod is refused when compiled, not at the first review', () => {
    const refused = {
      refinement: z.object({ n: z.string().refine((s) => s !== 'x') }),
      transform: z.object({ n: z.string().transform((s) => s.length) }),
      default: z.object({ n: z.string().default('x') }),
      trim: z.object({ n: z.string().trim() }),
    };
    for (const [what, schema] of Object.entries(refused)) assert.throws(() => checkedSchema(schema), /has no JSON Schema equivalent/, what);
  });
});
