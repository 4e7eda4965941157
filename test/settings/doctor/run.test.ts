// doctor's offline checks, one manifest file per behaviour, read with the plugin's manifest loader.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { runDoctor } from '../../../settings/doctor/run.ts';
import { loadManifests } from '../../../plugin/manifests/load.ts';
import { fixturePath, headerValue, listFixtures, readFixture } from '../../support/fixtures.ts';

describe('doctor checks, one fixture each', () => {
  for (const file of listFixtures('doctor')) {
    const text = readFixture('doctor', file);
    it(file, () => {
      const set = loadManifests([fixturePath('doctor', file)], 'default');
      const report = runDoctor(set.snapshot, { namespaces: (headerValue(text, 'namespaces') ?? 'team-a').split(',') });
      const expect = headerValue(text, 'expect');
      const absent = headerValue(text, 'expect-absent');
      const none = headerValue(text, 'expect-none');
      const listing = report.findings.map((f) => `${f.id} ${f.level} ${f.namespace} ${f.message}`).join('\n');
      // A fixture without either header would test nothing.
      assert.ok(
        expect !== undefined || absent !== undefined || none !== undefined,
        `${file} states no '# expect:', '# expect-absent:' or '# expect-none:' header`,
      );
      if (expect !== undefined) {
        const [id, level, ns, ...rest] = expect.split(' ');
        const message = rest.join(' ');
        assert.ok(
          report.findings.some((f) => f.id === id && f.level === level && f.namespace === ns && f.message.includes(message)),
          `expected ${expect} in\n${listing}`,
        );
      }
      // Not reported at all (as opposed to skipped): `ID NAMESPACE; ID NAMESPACE ...`.
      for (const pair of none?.split(';') ?? []) {
        const [id, ns] = pair.trim().split(' ');
        assert.ok(!report.findings.some((f) => f.id === id && f.namespace === ns), `${pair.trim()} should not be reported:\n${listing}`);
      }
      if (absent !== undefined) {
        const [id, ns] = absent.split(' ');
        assert.ok(!report.findings.some((f) => f.id === id && f.namespace === ns), `${absent} should be skipped:\n${listing}`);
        assert.ok(report.summary.skipped > 0);
      }
    });
  }
});
