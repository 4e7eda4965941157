// The planner behind `npm test`'s first step: one fixture per situation, with the exact line a
// user would read.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { plan, unmet } from '../../../scripts/prereqs/plan.ts';
import type { Candidates, Found, Host, Plan } from '../../../scripts/prereqs/plan.ts';
import { REQUIREMENTS, parseVersion } from '../../../scripts/prereqs/requirements.ts';
import { listFixtures, loadYaml } from '../../support/fixtures.ts';

interface Fixture {
  host: Host;
  found: { name: string; missing: string[]; version?: string }[];
  candidates?: Candidates;
  expect: Plan;
}

function found(f: Fixture): Found[] {
  return f.found.map((entry) => {
    const requirement = REQUIREMENTS.find((r) => r.name === entry.name);
    assert.ok(requirement, `fixture names an unknown requirement ${entry.name}`);
    const version = entry.version === undefined ? undefined : parseVersion(entry.version);
    return version === undefined ? { requirement, missing: entry.missing } : { requirement, missing: entry.missing, version };
  });
}

describe('test prerequisites plan', () => {
  for (const file of listFixtures('prereqs')) {
    it(file, () => {
      const f = loadYaml<Fixture>('prereqs', file);
      const decision = plan(found(f), f.host, f.candidates ?? {});
      assert.deepEqual(decision, f.expect);
      if (decision.action === 'stop') assert.doesNotMatch(decision.line, /\n/, 'one line');
    });
  }

  it('every fixture covers all requirements, so a new requirement needs new fixtures', () => {
    for (const file of listFixtures('prereqs')) {
      const names = loadYaml<Fixture>('prereqs', file).found.map((e) => e.name);
      assert.deepEqual(
        names,
        REQUIREMENTS.map((r) => r.name),
        file,
      );
    }
  });

  it('unmet: missing binaries, or a version below the minimum; an unknown version is not held against it', () => {
    const kubectl = REQUIREMENTS.find((r) => r.name === 'kubectl');
    assert.ok(kubectl);
    assert.equal(unmet([{ requirement: kubectl, missing: [] }]).length, 0);
    assert.equal(unmet([{ requirement: kubectl, missing: [], version: { major: 1, minor: 25 } }]).length, 1);
    assert.equal(unmet([{ requirement: kubectl, missing: [], version: { major: 1, minor: 26 } }]).length, 0);
    assert.equal(unmet([{ requirement: kubectl, missing: [], version: { major: 2, minor: 0 } }]).length, 0);
  });
});
