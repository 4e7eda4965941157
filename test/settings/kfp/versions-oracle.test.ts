// Every root KFP evaluated, per release, for every kfp-launcher fixture: kfstore's session (or
// error, or panic) under that release's rules must be KFP's own, byte for byte.
// test/fixtures/kfp-versions/<tag>/verdicts.json is the output of KFP's code at <tag> (README there).
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { describe, it } from 'node:test';
import { readLauncherConfig } from '../../../settings/kfp/launcher-config.ts';
import { KFP_PANIC, getStoreSessionInfo, sessionJson } from '../../../settings/kfp/session.ts';
import { kfpRules, parseKfpVersion } from '../../../settings/kfp/versions.ts';
import { fixturePath, listFixtures, loadYaml, readFixture } from '../../support/fixtures.ts';

interface Verdict {
  root: string;
  kind: 'OK' | 'ERROR' | 'PANIC' | 'K8S-DECODE-ERROR';
  text: string;
}

const tags = readdirSync(fixturePath('kfp-versions')).filter((d) => parseKfpVersion(d) !== undefined);

describe('store sessions per KFP release, as KFP computes them', () => {
  it('holds verdicts for the releases kfstore claims', () => {
    for (const tag of ['2.2.0', '2.4.0', '2.5.0', '2.15.0', '2.16.0', '2.17.0']) assert.ok(tags.includes(tag), tag);
  });

  for (const tag of tags) {
    const { kfp, files } = JSON.parse(readFixture('kfp-versions', tag, 'verdicts.json')) as {
      kfp: string;
      files: Record<string, Verdict[]>;
    };
    const version = parseKfpVersion(kfp);
    it(`${tag}: every fixture has KFP's verdict`, () => {
      const expected = [
        ...listFixtures('kfp-launcher').map((f) => `kfp-launcher/${f}`),
        ...listFixtures('kfp-versions/launchers').map((f) => `launchers/${f}`),
      ];
      assert.deepEqual(Object.keys(files).sort(), expected.sort());
    });
    it(`${tag}: every root's session matches KFP ${kfp}`, () => {
      assert.ok(version !== undefined);
      const rules = kfpRules(version);
      let roots = 0;
      for (const [key, verdicts] of Object.entries(files)) {
        const [dir, file] = key.split('/') as [string, string];
        const cm = loadYaml<{ data?: Record<string, unknown> }>(dir === 'launchers' ? 'kfp-versions/launchers' : dir, file);
        if (verdicts[0]?.kind === 'K8S-DECODE-ERROR') {
          assert.ok(
            Object.values(cm.data ?? {}).some((v) => typeof v !== 'string'),
            `${key}: data values are not all strings`,
          );
          continue;
        }
        const config = readLauncherConfig(cm.data as Record<string, string> | undefined, rules);
        assert.equal(config.defaultPipelineRoot, verdicts[0]?.root, `${key}: first root is the default`);
        for (const v of verdicts) {
          roots += 1;
          const got = getStoreSessionInfo(config, v.root);
          const where = `${key} ${v.root}`;
          if (v.kind === 'OK') {
            assert.ok(got.ok, `${where}: expected a session, got ${got.ok ? '' : got.error}`);
            assert.equal(sessionJson(got.session), v.text, where);
          } else {
            assert.ok(!got.ok, `${where}: expected ${v.kind}, got ${got.ok ? sessionJson(got.session) : ''}`);
            assert.equal(got.panic, v.kind === 'PANIC', where);
            assert.equal(got.error, v.kind === 'PANIC' ? KFP_PANIC : v.text, where);
            if (v.kind === 'PANIC') assert.equal(v.text, KFP_PANIC);
          }
        }
      }
      assert.ok(roots > 50, `${roots} roots compared`);
    });
  }
});
