// Which KFP release applies: the flag or the StorePolicy, else the ml-pipeline Deployment (image
// tag, then version label), else the newest release kfstore knows, said out loud. One Deployment
// fixture per case, each saying what it must yield.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeploymentObject } from '../../../settings/cluster/snapshot.ts';
import { describeKfp, detectKfpVersion, explicitVersion } from '../../../settings/kfp/version-source.ts';
import { NEWEST_SUPPORTED, formatVersion, kfpRules, parseKfpVersion } from '../../../settings/kfp/versions.ts';
import { loadPolicy } from '../../../settings/policy/load.ts';
import { headerValue, listFixtures, loadYaml, readFixture } from '../../support/fixtures.ts';

const DIR = 'kfp-versions/deployments';

describe('KFP release from the ml-pipeline Deployment', () => {
  for (const file of listFixtures(DIR)) {
    const text = readFixture(DIR, file);
    it(file, () => {
      const r = detectKfpVersion({ deployments: [loadYaml<DeploymentObject>(DIR, file)] });
      const error = headerValue(text, 'expect-error');
      if (error !== undefined) {
        assert.ok(!r.ok, 'refused');
        assert.match(r.error, new RegExp(error));
        assert.match(r.error, /--kfp-version/);
        return;
      }
      assert.ok(r.ok, r.ok ? '' : r.error);
      const [version, source] = (headerValue(text, 'expect') ?? '').split(' ');
      if (version === 'assumed') {
        assert.equal(r.info.source, 'assumed');
        assert.equal(r.info.version, formatVersion(NEWEST_SUPPORTED));
        assert.match(
          describeKfp(r.info),
          /assumed: .*names no release.*assuming the newest release kfstore knows, 2\.17\.0; set --kfp-version/,
        );
        return;
      }
      assert.equal(r.info.version, version);
      assert.equal(r.info.source, source);
      assert.deepEqual(r.rules, kfpRules(parseKfpVersion(version ?? '') ?? NEWEST_SUPPORTED));
      assert.match(describeKfp(r.info), new RegExp(`^KFP ${version?.replaceAll('.', '\\.')} \\(from (image|label) `));
      if (version === '2.18.0') assert.match(r.info.note ?? '', /newer than 2\.17\.0/);
    });
  }

  it('the flag wins over the Deployment', () => {
    const r = detectKfpVersion({ flag: '2.5', deployments: [loadYaml<DeploymentObject>(DIR, 'ml-pipeline-2.15.0.yaml')] });
    assert.ok(r.ok);
    assert.deepEqual([r.info.version, r.info.source], ['2.5.0', 'flag']);
    assert.equal(r.rules.gocloudSdkV2Query, true);
    assert.equal(r.rules.maxRetries, false);
  });

  it('no Deployment, or one that could not be read: the newest release, with the reason', () => {
    const none = detectKfpVersion({ deployments: [] });
    assert.ok(none.ok);
    assert.match(none.info.detail, /^no Deployment ml-pipeline found in kubeflow: assuming the newest/);
    const refused = detectKfpVersion({ deployments: [], unreadable: 'deployments.apps "ml-pipeline" is forbidden' });
    assert.ok(refused.ok);
    assert.match(refused.info.detail, /forbidden: assuming the newest/);
  });

  it('a bad flag is an error naming the flag', () => {
    for (const [flag, why] of [
      ['latest', /not a KFP release/],
      ['1.8', /not a KFP v2 release/],
      ['2', /not a KFP release/],
    ] as const) {
      const r = explicitVersion(flag, 'flag');
      assert.ok(!r.ok, flag);
      assert.match(r.error, /^--kfp-version: /);
      assert.match(r.error, why);
    }
  });
});

describe('StorePolicy kfpVersion', () => {
  const policy = (version: string): string =>
    `apiVersion: kfstore.dev/v1alpha1\nkind: StorePolicy\nkfpVersion: "${version}"\nstore:\n  bucket: kfp\n  auth: {fromEnv: {}}\n`;
  it('accepts a release and keeps it', () => {
    const r = loadPolicy(policy('2.15'));
    assert.ok(r.ok, r.ok ? '' : r.errors.join('\n'));
    assert.equal(r.policy.kfpVersion, '2.15');
  });
  it('refuses what is no release, naming the field', () => {
    const r = loadPolicy(policy('v1.8.5'));
    assert.ok(!r.ok);
    assert.match(r.errors.join('\n'), /kfpVersion.*not a KFP v2 release/);
  });
});
