// Every root KFP 2.17.0 evaluated for the 24 fixture ConfigMaps: our session (or error) must be
// KFP's, byte for byte (KFP-2.17.0-RESULTS.txt was produced by running KFP's own parsing code).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readLauncherConfig } from '../../../settings/kfp/launcher-config.ts';
import { KFP_PANIC, getStoreSessionInfo, sessionJson } from '../../../settings/kfp/session.ts';
import { kfpResults, listFixtures, loadYaml } from '../../support/fixtures.ts';

const results = kfpResults();

describe('store session for every fixture root, as KFP 2.17.0 computes it', () => {
  it('covers all 24 fixtures', () => {
    assert.equal(listFixtures('kfp-launcher').length, 24);
    assert.deepEqual([...results.keys()].sort(), listFixtures('kfp-launcher'));
  });

  for (const file of listFixtures('kfp-launcher')) {
    const verdicts = results.get(file);
    if (verdicts === 'K8S-DECODE-ERROR') {
      it(`${file}: Kubernetes refuses it before KFP (data values must be strings)`, () => {
        const cm = loadYaml<{ data: Record<string, unknown> }>('kfp-launcher', file);
        assert.ok(Object.values(cm.data).some((v) => typeof v !== 'string'));
      });
      continue;
    }
    it(`${file}: ${verdicts?.length ?? 0} roots match KFP`, () => {
      assert.ok(verdicts !== undefined && verdicts.length > 0, 'KFP results list this file');
      const cm = loadYaml<{ data?: Record<string, string> }>('kfp-launcher', file);
      const config = readLauncherConfig(cm.data);
      assert.equal(config.defaultPipelineRoot, verdicts[0]?.root, 'first KFP root is the defaultPipelineRoot');
      for (const v of verdicts) {
        const got = getStoreSessionInfo(config, v.root);
        if (v.kind === 'OK') {
          assert.ok(got.ok, `${v.root}: expected a session, got ${got.ok ? '' : got.error}`);
          assert.equal(sessionJson(got.session), v.text, v.root);
        } else {
          assert.ok(!got.ok, `${v.root}: expected ${v.kind}`);
          assert.equal(got.panic, v.kind === 'PANIC', v.root);
          assert.equal(got.error, v.text, v.root);
          if (v.kind === 'PANIC') assert.equal(got.error, KFP_PANIC);
        }
      }
    });
  }
});
