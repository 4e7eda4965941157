import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { REQUIREMENTS, atLeast, parseVersion } from '../../../scripts/prereqs/requirements.ts';

describe('test prerequisites', () => {
  it('parses kubectl and Debian versions to major.minor', () => {
    assert.deepEqual(parseVersion('v1.32.4-dispatcher'), { major: 1, minor: 32 });
    assert.deepEqual(parseVersion('v1.26.0'), { major: 1, minor: 26 });
    // Debian's "+really" names the version actually packaged.
    assert.deepEqual(parseVersion('1.20.5+really1.20.2-1.1+deb12u1'), { major: 1, minor: 20 });
    assert.deepEqual(parseVersion('1:1.32.3+ds-1'), { major: 1, minor: 32 });
    assert.equal(parseVersion('(none)'), undefined);
  });

  it('compares minor versions', () => {
    assert.ok(atLeast({ major: 1, minor: 26 }, { major: 1, minor: 26 }));
    assert.ok(atLeast({ major: 2, minor: 0 }, { major: 1, minor: 26 }));
    assert.ok(!atLeast({ major: 1, minor: 9 }, { major: 1, minor: 26 }));
  });

  it('names the Debian packages .ci/run used to install', () => {
    const packages = REQUIREMENTS.flatMap((r) => r.debian);
    for (const p of ['swift', 'swift-proxy', 'swift-account', 'swift-container', 'swift-object', 'rclone', 'kubernetes-client'])
      assert.ok(packages.includes(p), p);
  });
});
