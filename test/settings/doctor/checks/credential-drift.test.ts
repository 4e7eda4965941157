// credentialDrift's pure parts: when a Secret last changed (fixture files, one per behaviour) and which
// S3 error codes mean rejected credentials. End to end against Swift: test/plugin/doctor/credential-drift.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import type { ObjectMeta } from '../../../../settings/cluster/snapshot.ts';
import { rejectionIn, secretChangedAt } from '../../../../settings/doctor/checks/credential-drift.ts';
import { headerValue, listFixtures, readFixture } from '../../../support/fixtures.ts';

describe('credential drift', () => {
  for (const file of listFixtures('credential-drift'))
    it(`last change of ${file}`, () => {
      const text = readFixture('credential-drift', file);
      const expected = headerValue(text, 'changed');
      assert.ok(expected !== undefined, `${file} states no '# changed:' header`);
      assert.equal(secretChangedAt((parse(text) as { metadata: ObjectMeta }).metadata), expected);
    });

  it("AWS's InvalidAccessKeyId and a signature mismatch are rejections; a denial or a network error is not", () => {
    assert.equal(rejectionIn({ HeadBucket: '403 Forbidden', ListObjectsV2: '403 InvalidAccessKeyId' }), 'InvalidAccessKeyId');
    assert.equal(rejectionIn({ ListObjectsV2: '403 SignatureDoesNotMatch' }), 'SignatureDoesNotMatch');
    assert.equal(rejectionIn({ HeadBucket: '403 AccessDenied' }), undefined);
    assert.equal(rejectionIn({ HeadBucket: 'ECONNREFUSED' }), undefined);
  });
});
