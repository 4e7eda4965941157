// lifecycle (KFS065): GetBucketLifecycleConfiguration's answer against a namespace's prefix, one fixture per
// behaviour (test/fixtures/lifecycle: the prefix, the answer in the S3 API's shape, and `# expect: LEVEL text`).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { checkId } from '../../../../settings/checks/registry.ts';
import { lifecycleFinding } from '../../../../settings/doctor/checks/lifecycle.ts';
import type { LifecycleAnswer } from '../../../../settings/doctor/checks/lifecycle.ts';
import { headerValue, listFixtures, loadYaml, readFixture } from '../../../support/fixtures.ts';

describe('lifecycle, one fixture each', () => {
  for (const file of listFixtures('lifecycle')) {
    it(file, () => {
      const expect = headerValue(readFixture('lifecycle', file), 'expect');
      assert.ok(expect !== undefined, `${file} states no '# expect: LEVEL text' header`);
      const [level, ...text] = expect.split(' ');
      const { prefix, answer } = loadYaml<{ prefix: string; answer: LifecycleAnswer }>('lifecycle', file);
      const f = lifecycleFinding('team-a', 'kfp', prefix, answer);
      assert.equal(f.id, checkId('lifecycle'));
      assert.equal(f.level, level, f.message);
      assert.ok(f.message.includes(text.join(' ')), `expected "${text.join(' ')}" in "${f.message}"`);
      assert.deepEqual(f.object, { kind: 'Bucket', name: 'kfp' });
    });
  }
});
