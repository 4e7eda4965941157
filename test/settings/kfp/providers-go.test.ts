// providers decoded as KFP's own Go libraries decode them, one fixture per behaviour, each file's
// first line recording the Go result (test/fixtures/providers-go/README.md): parity for what a
// hostile tenant can send within kfstore's limits (deep nesting, alias fan-out, NaNs, odd keys).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { GoDecoded, GoType } from '../../../settings/go/json-decode.ts';
import { BUCKET_PROVIDERS_TYPE, NO_BOUNDS, PROVIDERS_ERROR_PREFIX, parseProviders } from '../../../settings/kfp/providers.ts';
import { listFixtures, readFixture } from '../../support/fixtures.ts';

describe('providers: parity with sigs.k8s.io/yaml + yaml.v2 + encoding/json', () => {
  for (const file of listFixtures('providers-go')) {
    it(file, () => {
      const text = readFixture('providers-go', file);
      const header = /^# go: (OK|ERROR) (.*)$/.exec(text.split('\n')[0] ?? '');
      assert.ok(header, 'first line records the Go result');
      // KFP's behaviour itself: kfstore's bounds (tested elsewhere) would refuse the largest of these.
      const r = parseProviders(text, NO_BOUNDS);
      if (header[1] === 'ERROR') {
        assert.ok(!r.ok, 'Go fails on it');
        assert.equal(r.error, PROVIDERS_ERROR_PREFIX + header[2]);
        return;
      }
      assert.ok(r.ok, r.ok ? '' : r.error);
      assert.equal(
        canonical(asGoJson(r.value as unknown as GoDecoded | undefined, BUCKET_PROVIDERS_TYPE)),
        canonical(JSON.parse(header[2] ?? '')),
      );
    });
  }
});

/** What json.Marshal writes for a decoded value of `type`: every field, nil pointers and slices as null. */
function asGoJson(value: GoDecoded | undefined, type: GoType): unknown {
  if (value === undefined) return type.kind === 'string' ? '' : type.kind === 'bool' ? false : type.kind === 'int' ? 0 : null;
  switch (type.kind) {
    case 'ptr':
      return asGoJson(value, type.elem);
    case 'slice':
      return (value as GoDecoded[]).map((v) => asGoJson(v, type.elem));
    case 'struct': {
      const obj = value as Record<string, GoDecoded>;
      return Object.fromEntries(type.fields.map((f) => [f.json, asGoJson(obj[f.json], f.type)]));
    }
    case 'int':
      return Number(value as bigint);
    default:
      return value;
  }
}

function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x: unknown) =>
    x !== null && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x).sort(([a], [b]) => (a < b ? -1 : 1)))
      : x,
  );
}
