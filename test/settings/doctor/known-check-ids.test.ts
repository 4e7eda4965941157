// --only/--skip validation knows every id the code can report (until the check registry replaces the list).
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { unknownCheckIds } from '../../../settings/doctor/known-check-ids.ts';

const ROOT = new URL('../../../', import.meta.url).pathname;

function sources(dir: string): string[] {
  return readdirSync(join(ROOT, dir), { withFileTypes: true }).flatMap((e) => (e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : []));
}

describe('unknownCheckIds', () => {
  it('knows every id that settings/, plugin/ and webhook/ emit', () => {
    const emitted = new Set(['settings', 'plugin', 'webhook'].flatMap(sources).flatMap((f) => [...readFileSync(join(ROOT, f), 'utf8').matchAll(/'(KFS\d{3})'/g)].map((m) => m[1] ?? '')));
    assert.ok(emitted.size > 20);
    assert.deepEqual(unknownCheckIds([...emitted]), []);
  });
  it('names the ids it does not know', () => {
    assert.deepEqual(unknownCheckIds(['KFS014', 'KFS999', 'KFS001']), ['KFS999', 'KFS001']);
  });
});
