// The pod webhook's matchConditions rendered from inject.podSelector agree with the selector the
// webhook itself applies (settings/label-selectors/label-selector.ts) and with its opt-out rule, for every
// selector under test/fixtures/pod-selectors/ and every combination of the labels it names
// (absent, each listed value, another value, no labels at all). The CEL runs on the test API
// server's evaluator, with Kubernetes' semantics: any error would refuse pods under Fail.
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { OPT_OUT_ANNOTATION } from '../../../settings/injection/plan.ts';
import { matchesSelector } from '../../../settings/label-selectors/label-selector.ts';
import { podMatchConditions } from '../../../settings/policy/pod-conditions.ts';
import type { LabelSelector } from '../../../settings/policy/schema.ts';
import { compile, toCel } from '../../support/kube-apiserver/cel.ts';

const DIR = new URL('../../fixtures/pod-selectors/', import.meta.url).pathname;
const VARIABLES = ['object', 'oldObject', 'request'];

function selectors(): [string, LabelSelector][] {
  return readdirSync(DIR).map((f) => [f, parse(readFileSync(`${DIR}${f}`, 'utf8')) as LabelSelector]);
}

/** Label maps over the selector's keys: each absent, each listed value, or another value; plus no labels at all. */
function labelSets(selector: LabelSelector): (Record<string, string> | undefined)[] {
  const choices = new Map<string, Set<string | undefined>>();
  const add = (key: string, ...values: string[]): void => {
    const set = choices.get(key) ?? new Set<string | undefined>([undefined, 'other']);
    for (const v of values) set.add(v);
    choices.set(key, set);
  };
  for (const [k, v] of Object.entries(selector.matchLabels ?? {})) add(k, v);
  for (const e of selector.matchExpressions ?? []) add(e.key, ...(e.values ?? []));
  let sets: Record<string, string>[] = [{ unrelated: 'x' }];
  for (const [key, values] of choices) {
    sets = sets.flatMap((s) => [...values].map((v) => (v === undefined ? s : { ...s, [key]: v })));
  }
  return [undefined, ...sets];
}

/** All conditions true: the API server calls the webhook. Throws on a CEL error. */
function sent(selector: LabelSelector, metadata: Record<string, unknown>): boolean {
  return podMatchConditions(selector).every((c) => {
    const program = compile(c.expression, VARIABLES, 'bool');
    if ('error' in program) assert.fail(`${c.name}: ${program.error}\n${c.expression}`);
    const out = program.run({ object: toCel({ metadata }), oldObject: null, request: {} });
    if (!out.ok) assert.fail(`${c.name} errored (a Fail webhook would refuse the pod): ${out.error}\n${c.expression}`);
    return out.value === true;
  });
}

describe('settings/policy/pod-conditions: matchConditions from inject.podSelector', () => {
  for (const [file, selector] of selectors()) {
    it(`${file}: the API server sends exactly the pods the selector matches`, () => {
      const sets = labelSets(selector);
      let matched = 0;
      for (const labels of sets) {
        const expected = matchesSelector(selector, labels);
        matched += expected ? 1 : 0;
        assert.equal(sent(selector, labels === undefined ? {} : { labels }), expected, `labels ${JSON.stringify(labels)}`);
      }
      assert.ok(
        matched > 0 && (matched < sets.length || file === 'empty.yaml'),
        `${file}: both outcomes were tried (${matched}/${sets.length})`,
      );
    });
  }

  it('the opt-out condition skips exactly the pods the webhook would not inject (annotation exactly "false")', () => {
    const selector: LabelSelector = {};
    for (const annotations of [
      undefined,
      {},
      { [OPT_OUT_ANNOTATION]: 'false' },
      { [OPT_OUT_ANNOTATION]: 'true' },
      { [OPT_OUT_ANNOTATION]: 'False' },
      { other: 'false' },
    ]) {
      const optedOut = annotations?.[OPT_OUT_ANNOTATION as keyof typeof annotations] === 'false';
      assert.equal(sent(selector, annotations === undefined ? {} : { annotations }), !optedOut, JSON.stringify(annotations));
    }
  });

  it('a selector that selects every pod yields only the opt-out condition', () => {
    assert.deepEqual(
      podMatchConditions({}).map((c) => c.name),
      ['not-opted-out'],
    );
    assert.deepEqual(
      podMatchConditions({ matchLabels: {}, matchExpressions: [] }).map((c) => c.name),
      ['not-opted-out'],
    );
  });
});
