// Random damage to JSON documents for fuzz and agreement tests: values of the wrong type, missing,
// duplicated or extra keys, deep nesting. Seeded (support/random.ts), so failures reproduce.
import type { Random } from './random.ts';

export type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

export function wild(rnd: Random, depth = 0): Json {
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

/** Damages 1-3 random places of `doc` in place: deletes, duplicates, adds or replaces values. */
export function damage(rnd: Random, doc: Json): Json {
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
