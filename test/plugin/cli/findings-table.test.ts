// The findings table doctor and migrate share, on findings from a file: columns by format, the
// LOCATION column when findings carry a file and line, and every width from 60 to 200.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DoctorFinding } from '../../../settings/doctor/finding.ts';
import { findingsTable } from '../../../plugin/cli/findings-table.ts';
import type { TableStyle } from '../../../plugin/cli/terminal.ts';
import { loadYaml } from '../../support/fixtures.ts';

const FINDINGS = loadYaml<DoctorFinding[]>('findings', 'located.yaml');
const style = (over: Partial<TableStyle> = {}): TableStyle => ({ color: false, headers: true, wide: false, ...over });
const header = (text: string): string => text.split('\n')[0] ?? '';

describe('findingsTable', () => {
  it('default: LEVEL ID NAMESPACE OBJECT MESSAGE, fix on the next line, ok hidden, no location', () => {
    const text = findingsTable(FINDINGS, style());
    assert.match(header(text), /^LEVEL\s+ID\s+NAMESPACE\s+OBJECT\s+MESSAGE$/);
    assert.match(text, /^ERROR\s+KFS014\s+team-b\s+ConfigMap\/kfp-launcher\s+KFP's driver crashes/m);
    assert.match(text, /^\s+fix: add s3\.default\.credentials\.secretRef/m);
    assert.match(text, /^INFO\s+KFS033\s+team-a\s+-\s+team-a shares its access key with team-c$/m);
    assert.doesNotMatch(text, /KFS011|kfstore-migrate|profiles\//);
  });
  it('wide: LOCATION (file:line, or the file alone) and PATH columns, the fix in its own column', () => {
    const text = findingsTable(FINDINGS, style({ wide: true }));
    assert.match(header(text), /^LEVEL\s+ID\s+NAMESPACE\s+OBJECT\s+LOCATION\s+PATH\s+MESSAGE\s+FIX$/);
    assert.match(
      text,
      /^ERROR\s+KFS014\s+team-b\s+ConfigMap\/kfp-launcher\s+profiles\/team-b\/kfp-launcher\.yaml:7\s+s3\.default\.credentials\.secretRef\s+KFP's/m,
    );
    assert.match(
      text,
      /^WARN\s+KFS040\s+team-b\s+ConfigMap\/artifact-repositories\s+profiles\/team-b\/kustomization\.yaml\s+-\s+team-b has/m,
    );
    assert.match(text, /^INFO\s+KFS033\s+team-a\s+-\s+-\s+-\s+team-a shares its access key with team-c$/m);
  });
  it('wide without locations or paths has neither column', () => {
    const bare = FINDINGS.map(({ id, level, namespace, message, fix }) => ({
      id,
      level,
      message,
      fix,
      ...(namespace !== undefined ? { namespace } : {}),
    }));
    assert.match(header(findingsTable(bare, style({ wide: true }))), /^LEVEL\s+ID\s+NAMESPACE\s+OBJECT\s+MESSAGE\s+FIX$/);
  });
  it('wide in a narrow terminal: location and path stack under the row with message and fix', () => {
    const text = findingsTable(FINDINGS, style({ width: 80, wide: true }));
    assert.match(header(text), /^LEVEL\s+ID\s+NAMESPACE\s+OBJECT$/);
    assert.match(text, /^ {8}location: profiles\/team-b\/kfp-launcher\.yaml:7\n {8}path: s3\.default\.credentials\.secretRef$/m);
  });
  it('--no-headers drops the header line only', () => {
    const text = findingsTable(FINDINGS, style({ headers: false }));
    assert.match(text, /^ERROR\s+KFS014/);
  });
  it('nothing to show: empty', () => {
    assert.equal(
      findingsTable(
        FINDINGS.filter((f) => f.level === 'ok'),
        style(),
      ),
      '',
    );
  });
  it('every width from 60 to 200, plain and wide: no line wider, no word that fits a line split', () => {
    const words = FINDINGS.filter((f) => f.level !== 'ok')
      .flatMap((f) => `${f.message} ${f.fix}`.split(/\s+/))
      .filter((w) => w !== '' && w.length <= 30);
    for (const wide of [false, true]) {
      for (let width = 60; width <= 200; width++) {
        const text = findingsTable(FINDINGS, style({ width, wide }));
        for (const line of text.split('\n')) assert.ok(line.length <= width, `${wide ? 'wide ' : ''}${width}: ${line}`);
        const tokens = new Set(text.split(/\s+/));
        for (const w of words) assert.ok(tokens.has(w), `${wide ? 'wide ' : ''}${width}: "${w}" split`);
      }
    }
  });
});
