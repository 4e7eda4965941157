// Findings that depend on the KFP release, one fixture per behaviour: each fixture's
// `# expect <tag>: <ID> <level> <text>` (or `no <ID> [<level> [<text>]]`) lines say what the lint
// finds, or must not find, under that release's rules.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lintLauncher } from '../../../settings/lint/launcher-lint.ts';
import { kfpRules, parseKfpVersion } from '../../../settings/kfp/versions.ts';
import type { Finding } from '../../../settings/findings.ts';
import { listFixtures, loadYaml, readFixture } from '../../support/fixtures.ts';

const DIR = 'kfp-versions/lint';

function matches(f: Finding, [id, level, ...text]: string[]): boolean {
  return f.id === id && (level === undefined || f.level === level) && f.message.includes(text.join(' '));
}

describe('launcher lint per KFP release', () => {
  for (const file of listFixtures(DIR)) {
    const text = readFixture(DIR, file);
    const expectations = [...text.matchAll(/^# expect (\S+): (.*)$/gm)].map((m) => ({ tag: m[1] ?? '', rule: m[2] ?? '' }));
    it(`${file}: ${expectations.length} expectations`, () => {
      assert.ok(expectations.length >= 2, 'a version fixture shows a difference between releases');
      const cm = loadYaml<{ data: Record<string, string> }>(DIR, file);
      for (const { tag, rule } of expectations) {
        const version = parseKfpVersion(tag);
        assert.ok(version !== undefined, tag);
        const { findings } = lintLauncher(cm.data, { namespace: 'team-a', rules: kfpRules(version) });
        const listed = findings.map((f) => `${f.id} ${f.level} ${f.message}`).join('\n');
        const words = rule.split(' ');
        if (words[0] === 'no') assert.ok(!findings.some((f) => matches(f, words.slice(1))), `${tag}: expected ${rule}, got\n${listed}`);
        else
          assert.ok(
            findings.some((f) => matches(f, words)),
            `${tag}: expected ${rule}, got\n${listed}`,
          );
        for (const f of findings) assert.ok(f.fix.length > 0, `${f.id} has a fix`);
      }
    });
  }
});
