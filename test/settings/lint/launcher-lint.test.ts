// Lint findings for kfp-launcher data, one fixture per behaviour (the same findings feed the
// webhook's denials and warnings and, later, `doctor`).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { lintLauncher } from '../../../settings/lint/launcher-lint.ts';
import type { SecretLookup } from '../../../settings/lint/launcher-lint.ts';
import { headerValue, listFixtures, loadYaml, readFixture } from '../../support/fixtures.ts';

function secretsFrom(header: string | undefined): SecretLookup | undefined {
  if (header === undefined) return undefined;
  const secrets = new Map(header.split(';').map((s) => {
    const [name, keys] = s.trim().split('=');
    return [name ?? '', (keys ?? '').split(',')];
  }));
  return (name) => {
    const keys = secrets.get(name);
    return keys === undefined ? { exists: false } : { exists: true, keys };
  };
}

describe('launcher lint, one fixture each', () => {
  for (const file of listFixtures('lint')) {
    const text = readFixture('lint', file);
    it(file, () => {
      const cm = loadYaml<{ data: Record<string, string> }>('lint', file);
      const secrets = secretsFrom(headerValue(text, 'secrets'));
      const { findings } = lintLauncher(cm.data, secrets === undefined ? { namespace: 'team-a' } : { namespace: 'team-a', secrets });
      const expected = headerValue(text, 'expect-finding') ?? '';
      if (expected === 'none') {
        assert.deepEqual(findings, []);
        return;
      }
      const [id, level, ...rest] = expected.split(' ');
      const message = rest.join(' ');
      assert.ok(
        findings.some((f) => f.id === id && f.level === level && f.message.includes(message)),
        `expected ${id} ${level} "${message}" in\n${findings.map((f) => `${f.id} ${f.level} ${f.message}`).join('\n')}`,
      );
      for (const f of findings) assert.ok(f.fix.length > 0, `${f.id} has a fix hint`);
    });
  }
});
