// doctor's release-dependent checks, one manifest file per behaviour, judged by the release the
// fixture names (`# kfp-version:`, as --kfp-version) or the ml-pipeline Deployment it holds.
// Headers: `# expect: ID LEVEL NAMESPACE message part` (any number), `# expect-fix: ID NAMESPACE fix part`,
// `# expect-none: ID NAMESPACE; ...` (an ID-level pair such as KFS020-warn names one level only).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { manifestKfpVersion } from '../../../plugin/cluster-read/kfp-version.ts';
import { loadManifests } from '../../../plugin/manifests/load.ts';
import type { DoctorFinding } from '../../../settings/doctor/finding.ts';
import { runDoctor } from '../../../settings/doctor/run.ts';
import { fixturePath, headerValue, listFixtures, readFixture } from '../../support/fixtures.ts';

const DIR = 'doctor-versioned';

function headers(text: string, name: string): string[] {
  return [...text.matchAll(new RegExp(`^# ${name}: (.*)$`, 'gm'))].map((m) => (m[1] ?? '').trim());
}

/** doctor -f on one fixture, as the plugin runs it. */
function doctorOnFixture(file: string): DoctorFinding[] {
  const text = readFixture(DIR, file);
  const set = loadManifests([fixturePath(DIR, file)], 'default');
  set.snapshot.kfp = manifestKfpVersion(set.snapshot, headerValue(text, 'kfp-version'));
  return runDoctor(set.snapshot, { namespaces: (headerValue(text, 'namespaces') ?? 'team-a').split(',') }).findings;
}

describe('release-dependent doctor checks, one fixture each', () => {
  for (const file of listFixtures(DIR)) {
    const text = readFixture(DIR, file);
    it(file, () => {
      const findings = doctorOnFixture(file);
      const listing = findings.map((f) => `${f.id} ${f.level} ${f.namespace} ${f.message} | fix: ${f.fix}`).join('\n');
      const expects = headers(text, 'expect');
      const fixes = headers(text, 'expect-fix');
      const nones = headers(text, 'expect-none').flatMap((h) => h.split(';'));
      assert.ok(expects.length + fixes.length + nones.length > 0, `${file} states no expectation header`);
      for (const e of expects) {
        const [id, level, ns, ...rest] = e.split(' ');
        const part = rest.join(' ');
        assert.ok(
          findings.some((f) => f.id === id && f.level === level && (f.namespace ?? '-') === ns && f.message.includes(part)),
          `expected ${e} in\n${listing}`,
        );
      }
      for (const e of fixes) {
        const [id, ns, ...rest] = e.split(' ');
        const part = rest.join(' ');
        assert.ok(
          findings.some((f) => f.id === id && (f.namespace ?? '-') === ns && f.fix.includes(part)),
          `expected fix ${e} in\n${listing}`,
        );
      }
      for (const pair of nones) {
        const [which, ns] = pair.trim().split(' ');
        const [id, level] = (which ?? '').split('-');
        assert.ok(
          !findings.some((f) => f.id === id && (level === undefined || f.level === level) && (f.namespace ?? '-') === ns),
          `${pair.trim()} should not be reported:\n${listing}`,
        );
      }
    });
  }
});
