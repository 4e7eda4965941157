// docs/checks.md is generated from the registry: the checked-in page must be current.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { checksMarkdown } from '../../settings/checks/catalogue.ts';
import { CHECK_LIST } from '../../settings/checks/registry.ts';

const ROOT = new URL('../../', import.meta.url).pathname;

describe('docs/checks.md', () => {
  it('is current (regenerate with node scripts/checks-doc.ts)', () => {
    assert.equal(readFileSync(`${ROOT}docs/checks.md`, 'utf8'), checksMarkdown());
  });
  it('the script in --check mode agrees, and says how to fix a stale page', () => {
    const r = spawnSync(process.execPath, ['scripts/checks-doc.ts', '--check'], { cwd: ROOT, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  });
  it('documents every registered id, and records what changed', () => {
    const page = checksMarkdown();
    for (const c of CHECK_LIST) assert.ok(page.includes(`### ${c.id}\n`), c.id);
    // Newest first: the 2.17 checks, the version-aware rules, then the id splits.
    assert.match(page, /## Changes\n\n- \*\*KFS020, KFS032, KFS035, KFS036, KFS064\*\*/);
    assert.match(page.slice(page.indexOf('## Changes')), /\n- \*\*KFS001, KFS022, KFS034, KFS037\*\*/);
    assert.match(page.slice(page.indexOf('## Changes')), /\n- \*\*KFS019, KFS024, KFS025\*\*/);
  });
});
