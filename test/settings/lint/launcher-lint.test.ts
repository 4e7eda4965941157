// Lint findings for kfp-launcher data, one fixture per behaviour (the same findings feed the
// webhook's denials and warnings and, later, `doctor`).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { MAX_ROOT_LENGTH, lintLauncher } from '../../../settings/lint/launcher-lint.ts';
import type { SecretLookup } from '../../../settings/lint/launcher-lint.ts';
import { MAX_DECODE_STEPS, MAX_OVERRIDES, MAX_PROVIDERS_BYTES, MAX_PROVIDERS_TOKENS } from '../../../settings/kfp/providers.ts';
import { headerValue, listFixtures, loadYaml, readFixture } from '../../support/fixtures.ts';

function secretsFrom(header: string | undefined): SecretLookup | undefined {
  if (header === undefined) return undefined;
  const secrets = new Map(
    header.split(';').map((s) => {
      const [name, keys] = s.trim().split('=');
      return [name ?? '', (keys ?? '').split(',')];
    }),
  );
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
  it(`a providers value over ${MAX_PROVIDERS_BYTES / 1024} KiB is refused without being parsed`, () => {
    const providers = `# ${'padding '.repeat(MAX_PROVIDERS_BYTES / 8)}\ns3: {}\n`;
    const { findings } = lintLauncher({ defaultPipelineRoot: 's3://b/team-a', providers }, { namespace: 'team-a' });
    assert.equal(findings.length, 1);
    assert.equal(findings[0]?.id, 'KFS012');
    assert.equal(findings[0]?.level, 'error');
    assert.match(findings[0]?.message ?? '', new RegExp(`providers is \\d+ KiB; kfstore checks at most ${MAX_PROVIDERS_BYTES / 1024} KiB`));
  });
  it('every override is checked, as many as fit in the token limit', () => {
    const overrides = Array.from({ length: 100 }, (_, i) => `    - {bucketName: b, keyPrefix: p${i}/, credentials: {fromEnv: true}}`).join(
      '\n',
    );
    const providers = `s3:\n  default: {region: r, credentials: {fromEnv: true}}\n  overrides:\n${overrides}\n    - {bucketName: b, keyPrefix: p1/x/}\n`;
    const { findings } = lintLauncher({ defaultPipelineRoot: 's3://b/team-a', providers }, { namespace: 'team-a' });
    assert.ok(
      findings.some((f) => f.id === 'KFS015' && f.message.includes('s3.overrides[100] never applies: s3.overrides[1] matches first')),
    );
  });
  it(`more than ${MAX_PROVIDERS_TOKENS} YAML tokens are refused before composing, naming the limit`, () => {
    const providers = `s3: {overrides: [${'a,'.repeat(MAX_PROVIDERS_TOKENS)}a]}`;
    const { findings } = lintLauncher({ defaultPipelineRoot: 's3://b/team-a', providers }, { namespace: 'team-a' });
    assert.deepEqual(
      findings.map((f) => [f.id, f.level, f.limit]),
      [['KFS012', 'error', 'providers']],
    );
    assert.match(
      findings[0]?.message ?? '',
      new RegExp(`more than ${MAX_PROVIDERS_TOKENS} YAML tokens; kfstore checks at most ${MAX_PROVIDERS_TOKENS}`),
    );
  });
  it(`aliases that expand past ${MAX_DECODE_STEPS} nodes are refused, naming the limit`, () => {
    const providers = `s3:\n  a: &a [${Array(40).fill('x').join(', ')}]\n  b: [${Array(500).fill('*a').join(', ')}]\n`;
    const { findings } = lintLauncher({ defaultPipelineRoot: 's3://b/team-a', providers }, { namespace: 'team-a' });
    assert.equal(findings[0]?.level, 'error');
    assert.match(
      findings[0]?.message ?? '',
      new RegExp(`expands to \\d+ YAML nodes through aliases; kfstore checks at most ${MAX_DECODE_STEPS}`),
    );
  });
  it('more overrides than that (aliases make thousands from a few KiB) are refused naming the limit', () => {
    const providers = `s3:\n  default: {region: r, credentials: {fromEnv: true}}\n  x: &o {bucketName: b, keyPrefix: p/, credentials: {fromEnv: true}}\n  overrides: [${Array(
      MAX_OVERRIDES + 1,
    )
      .fill('*o')
      .join(', ')}]\n`;
    const { findings } = lintLauncher({ defaultPipelineRoot: 's3://b/team-a', providers }, { namespace: 'team-a' });
    assert.equal(findings.length, 1);
    assert.equal(findings[0]?.level, 'error');
    assert.match(
      findings[0]?.message ?? '',
      new RegExp(`s3.overrides has ${MAX_OVERRIDES + 1} items; kfstore checks at most ${MAX_OVERRIDES}`),
    );
  });
  it(`a root longer than ${MAX_ROOT_LENGTH} characters is refused without being analysed`, () => {
    const { findings } = lintLauncher(
      { defaultPipelineRoot: `s3://b/${'team-a/'.repeat(MAX_ROOT_LENGTH / 4)}` },
      { namespace: 'team-a', profileRoot: 's3://b/team-a' },
    );
    assert.deepEqual(
      findings.map((f) => [f.id, f.level]),
      [['KFS011', 'error']],
    );
    assert.match(findings[0]?.message ?? '', /kfstore checks roots up to 2048/);
  });
});
