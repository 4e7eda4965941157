// How KFP decodes `providers` (sigs.k8s.io/yaml over yaml.v2, then encoding/json), one behaviour per
// fixture file. Expected values follow those libraries' documented rules; the 24 KFP-run fixtures
// are checked separately in session.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readLauncherConfig } from '../../../settings/kfp/launcher-config.ts';
import { getStoreSessionInfo, sessionJson } from '../../../settings/kfp/session.ts';
import { parseProviders } from '../../../settings/kfp/providers.ts';
import { headerValue, listFixtures, loadYaml, readFixture } from '../../support/fixtures.ts';

describe('providers decoding, one fixture per behaviour', () => {
  for (const file of listFixtures('providers')) {
    it(file, () => {
      const text = readFixture('providers', file);
      const cm = loadYaml<{ data: Record<string, string> }>('providers', file);
      const config = readLauncherConfig(cm.data);
      const result = getStoreSessionInfo(config, headerValue(text, 'root') ?? config.defaultPipelineRoot);
      const session = headerValue(text, 'expect-session');
      const error = headerValue(text, 'expect-error');
      assert.ok((session === undefined) !== (error === undefined), 'fixture states exactly one expectation');
      if (session !== undefined) {
        assert.ok(result.ok, `expected a session, got: ${result.ok ? '' : result.error}`);
        assert.equal(sessionJson(result.session), session);
      } else {
        assert.ok(!result.ok, 'expected an error');
        assert.equal(result.error, error);
      }
    });
  }
});

describe('strict second pass', () => {
  it('reports unknown keys with their line and path, and keys matched only case-insensitively', () => {
    const cm = loadYaml<{ data: Record<string, string> }>('kfp-launcher', 'warn-01-misspelled-keys-silently-ignored.yaml');
    const r = parseProviders(cm.data.providers);
    assert.ok(r.ok);
    assert.deepEqual(
      r.unknownKeys.map((k) => [k.path, k.line]),
      [
        ['s3.default.credentials.secretRef.access_key_key', 8],
        ['s3.default.credentials.secretRef.secret_key_key', 9],
        ['s3.default.credentials.secretRef.secret_name', 7],
      ],
    );
    const upper = loadYaml<{ data: Record<string, string> }>('kfp-launcher', 'warn-06-case-insensitive-keys.yaml');
    const u = parseProviders(upper.data.providers);
    assert.ok(u.ok);
    assert.ok(u.caseMismatches.some((k) => k.path === 'S3' && k.canonical === 's3'));
    assert.ok(u.caseMismatches.some((k) => k.path === 'S3.overrides.KEYPREFIX' || k.path.endsWith('KEYPREFIX')));
    assert.ok(!u.caseMismatches.some((k) => k.path === 'S3.overrides'), "'overrides' is the documented spelling of Go's Overrides");
  });

  it('an empty providers value means no providers at all', () => {
    const r = parseProviders('');
    assert.ok(r.ok && r.value === undefined);
  });
});
