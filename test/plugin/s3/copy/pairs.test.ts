// Walking the source and target listings side by side.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ListedObject } from '../../../../plugin/s3/copy/list.ts';
import { pairListings, TargetListingError } from '../../../../plugin/s3/copy/pairs.ts';

async function* listing(prefix: string, keys: string[]): AsyncGenerator<ListedObject> {
  for (const k of keys) yield { key: prefix + k, size: k.length, etag: `e-${k}` };
}

async function collect(source: string[], target: string[]): Promise<[string, string | undefined][]> {
  const out: [string, string | undefined][] = [];
  for await (const p of pairListings(listing('src/', source), 'src/', listing('dst/p/', target), 'dst/p/'))
    out.push([p.relative, p.target?.key]);
  return out;
}

describe('pairListings', () => {
  it('matches equal relative keys and leaves the rest unmatched', async () => {
    assert.deepEqual(await collect(['a', 'b', 'c', 'd'], ['b', 'bb', 'd', 'z']), [
      ['a', undefined],
      ['b', 'dst/p/b'],
      ['c', undefined],
      ['d', 'dst/p/d'],
    ]);
  });

  it('compares keys as UTF-8 bytes, the order S3 lists them in', async () => {
    // In UTF-8 '～' (U+FF5E: ef bd 9e) sorts before '😀' (f0 9f 98 80); in UTF-16 the surrogate
    // pair (d83d) sorts first, so a JS string comparison would walk past '😀' and lose the match.
    const keys = ['Z', 'a', 'é', '\uff5e', '😀'];
    assert.deepEqual(
      await collect(keys, keys),
      keys.map((k) => [k, `dst/p/${k}`]),
    );
    assert.deepEqual(await collect(['\uff5e', '😀'], ['😀']), [
      ['\uff5e', undefined],
      ['😀', 'dst/p/😀'],
    ]);
  });

  it('an out-of-order target listing only loses matches (objects are copied again), never pairs wrong keys', async () => {
    // 'c' first makes the walk skip past 'a' and 'b' on the source side: they go unmatched.
    assert.deepEqual(await collect(['a', 'b', 'c'], ['c', 'a', 'b']), [
      ['a', undefined],
      ['b', undefined],
      ['c', 'dst/p/c'],
    ]);
  });

  it('an empty target pairs nothing', async () => {
    assert.deepEqual(await collect(['a'], []), [['a', undefined]]);
  });

  it('a failing target listing surfaces as TargetListingError', async () => {
    async function* broken(): AsyncGenerator<ListedObject> {
      yield* [];
      throw new Error('NoSuchBucket');
    }
    const it = pairListings(listing('src/', ['a']), 'src/', broken(), 'dst/');
    await assert.rejects(
      it.next(),
      (e: unknown) => e instanceof TargetListingError && e.cause instanceof Error && e.cause.message === 'NoSuchBucket',
    );
  });
});
