// -o junit: one test suite per namespace, one test case per check that ran there. A check is the
// unit a CI dashboard should track: its name is stable across runs (a finding's message is not),
// checks that passed show as passed tests, and two findings of one check in one namespace are one
// failing test that lists both. A test case fails when a finding reaches --fail-on, as the exit
// status does; findings below it are in the test's output.
import type { DoctorFinding } from '../../settings/doctor/finding.ts';
import type { DoctorReport } from '../../settings/doctor/run.ts';
import { LEVEL_RANK } from '../../settings/findings.ts';
import type { Level } from '../../settings/findings.ts';
import { subject } from './rules.ts';

const CLUSTER = '(cluster)';

export function junit(report: DoctorReport, failOn: Exclude<Level, 'ok'>): string {
  const suites = new Map<string, Map<string, DoctorFinding[]>>();
  for (const f of report.findings) {
    const ns = f.namespace ?? CLUSTER;
    const checks = suites.get(ns) ?? new Map<string, DoctorFinding[]>();
    suites.set(ns, checks);
    checks.set(f.id, [...(checks.get(f.id) ?? []), f]);
  }
  let tests = 0;
  let failures = 0;
  const body: string[] = [];
  for (const [ns, checks] of [...suites].sort((a, b) => a[0].localeCompare(b[0]))) {
    const cases: string[] = [];
    let suiteFailures = 0;
    for (const [id, findings] of [...checks].sort((a, b) => a[0].localeCompare(b[0]))) {
      const problems = findings.filter((f) => f.level !== 'ok');
      const failing = problems.filter((f) => LEVEL_RANK[f.level] >= LEVEL_RANK[failOn]);
      const at = problems.find((f) => f.location !== undefined)?.location ?? findings.find((f) => f.location !== undefined)?.location;
      const attrs = `classname="${attr(`kfstore.doctor.${ns}`)}" name="${attr(id)}"${at !== undefined ? ` file="${attr(at.file)}" line="${at.line}"` : ''}`;
      const text = problems.map(line).join('\n');
      if (failing.length > 0) {
        suiteFailures += 1;
        const first = failing[0] as DoctorFinding;
        cases.push(
          `    <testcase ${attrs}>\n      <failure type="${first.level}" message="${attr(first.message)}">${escapeText(text)}</failure>\n    </testcase>`,
        );
      } else if (problems.length > 0) {
        cases.push(`    <testcase ${attrs}>\n      <system-out>${escapeText(text)}</system-out>\n    </testcase>`);
      } else {
        cases.push(`    <testcase ${attrs}/>`);
      }
    }
    tests += checks.size;
    failures += suiteFailures;
    body.push(
      `  <testsuite name="${attr(ns)}" tests="${checks.size}" failures="${suiteFailures}" errors="0" skipped="0">\n${cases.join('\n')}\n  </testsuite>`,
    );
  }
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="kfstore doctor" tests="${tests}" failures="${failures}" errors="0">\n${body.join('\n')}${body.length > 0 ? '\n' : ''}</testsuites>\n`;
}

function line(f: DoctorFinding): string {
  const where = f.location !== undefined ? ` (${f.location.file}:${f.location.line})` : '';
  return `${f.level.toUpperCase()} ${f.id} ${subject(f)}${where}: ${f.message}${f.fix !== '' ? `\nfix: ${f.fix}` : ''}`;
}

// XML 1.0 cannot carry most control characters at all, not even escaped.
function clean(s: string): string {
  return s.replace(/[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]/g, '\uFFFD');
}

function escapeText(s: string): string {
  return clean(s).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function attr(s: string): string {
  return escapeText(s).replace(/"/g, '&quot;').replace(/\n/g, '&#10;');
}
