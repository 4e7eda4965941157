// resolveTarget: one fixture per provider rule (test/fixtures/migrate/targets/).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { resolveTarget } from '../../../settings/migrate/migration-target.ts';
import type { TargetInput } from '../../../settings/migrate/migration-target.ts';
import { headerValue, listFixtures, loadYaml, readFixture } from '../../support/fixtures.ts';

describe('migrate target, one fixture each', () => {
  for (const file of listFixtures('migrate/targets')) {
    const text = readFixture('migrate/targets', file);
    it(file, () => {
      const result = resolveTarget(loadYaml<TargetInput>('migrate/targets', file));
      const error = headerValue(text, 'expect-error');
      if (error !== undefined) {
        assert.equal(result.ok, false, `expected an error containing ${error}`);
        if (!result.ok)
          assert.ok(
            result.errors.some((e) => e.includes(error)),
            `expected ${error} in\n${result.errors.join('\n')}`,
          );
        return;
      }
      assert.ok(result.ok, result.ok ? '' : result.errors.join('\n'));
      const t = result.target;
      const expect: [string, string][] = [
        ['expect-endpoint', t.endpoint],
        ['expect-host', t.host],
        ['expect-region', t.region],
        ['expect-path-style', String(t.forcePathStyle)],
        ['expect-disable-ssl', String(t.disableSSL)],
      ];
      let checked = 0;
      for (const [header, actual] of expect) {
        const want = headerValue(text, header);
        if (want === undefined) continue;
        assert.equal(actual, want, header);
        checked++;
      }
      assert.ok(checked > 0, 'a fixture states at least one expectation');
    });
  }

  it('defaults: root template, Secret name and keys', () => {
    const r = resolveTarget({ to: 's3', endpoint: 'http://minio:9000', bucket: 'kfp' });
    assert.ok(r.ok);
    assert.equal(r.target.rootTemplate, 's3://kfp/v2/artifacts/{profile}');
    assert.deepEqual(r.target.secret, {
      nameTemplate: 'kfstore-object-store--{profile}',
      accessKeyKey: 'AWS_ACCESS_KEY_ID',
      secretKeyKey: 'AWS_SECRET_ACCESS_KEY',
    });
  });

  it('reports every problem at once, each naming its flag', () => {
    const r = resolveTarget({ to: 's3', endpoint: 'aws', bucket: 'B', secret: { accessKeyKey: 'k', secretKeyKey: 'k' } });
    assert.equal(r.ok, false);
    if (r.ok) return;
    assert.equal(r.errors.length, 3, r.errors.join('\n'));
    assert.ok(r.errors.every((e) => e.startsWith('--')));
  });
});
