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

describe('size limits', () => {
  it('a providers value over 256 KiB is refused without being parsed', () => {
    const providers = `# ${'padding '.repeat(40_000)}\ns3: {}\n`;
    const { findings } = lintLauncher({ defaultPipelineRoot: 's3://b/team-a', providers }, { namespace: 'team-a' });
    assert.equal(findings.length, 1);
    assert.equal(findings[0]?.id, 'KFS012');
    assert.equal(findings[0]?.level, 'error');
    assert.match(findings[0]?.message ?? '', /providers is \d+ KiB; kfstore checks at most 256 KiB/);
  });
  it('thousands of overrides: every one is placed, the first 256 checked against KFP’s rules', () => {
    const overrides = Array.from({ length: 2000 }, (_, i) => `    - {bucketName: b, keyPrefix: p${i}/, credentials: {fromEnv: true}}`).join('\n');
    const providers = `s3:\n  default: {region: r, credentials: {fromEnv: true}}\n  overrides:\n${overrides}\n    - {bucketName: b, keyPrefix: p1/x/, credentials: {fromEnv: true}}\n`;
    const { findings } = lintLauncher({ defaultPipelineRoot: 's3://b/team-a', providers }, { namespace: 'team-a' });
    assert.ok(findings.some((f) => f.id === 'KFS015' && f.message.includes('2001 overrides: only the first 256')));
    assert.ok(findings.some((f) => f.id === 'KFS015' && f.message.includes('s3.overrides[2000] never applies: s3.overrides[1] matches first')));
  });
});
