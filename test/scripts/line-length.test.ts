// The line-length ratchet: the pure rules on fixture files, and the CLI run as a process on a fixture tree.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { budgetFor, judge, longLines, report } from '../../scripts/line-length/ratchet.ts';

const SCRIPT = new URL('../../scripts/line-length.ts', import.meta.url).pathname;
const FIXTURES = new URL('../fixtures/line-length/', import.meta.url).pathname;
const TREE = join(FIXTURES, 'tree');
const work = mkdtempSync(join(tmpdir(), 'kfstore-line-length-'));
after(() => rmSync(work, { recursive: true, force: true }));

function run(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [SCRIPT, ...args], { encoding: 'utf8', timeout: 60_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('longLines', () => {
  it('counts lines over 140 characters, not one of exactly 140', () => {
    assert.deepEqual(longLines(readFileSync(join(TREE, 'src/wide.ts'), 'utf8')), [3, 5]);
    assert.deepEqual(longLines(readFileSync(join(TREE, 'src/narrow.mjs'), 'utf8')), []);
  });

  it('counts characters, not UTF-16 units or bytes', () => {
    assert.deepEqual(longLines('é'.repeat(140)), []);
    assert.deepEqual(longLines('🙂'.repeat(140)), []);
    assert.deepEqual(longLines(`a\r\n${'🙂'.repeat(141)}`), [2]);
  });
});

describe('judge', () => {
  const found = { 'src/wide.ts': [3, 5] };
  it('passes a file at its budget and reports a file under it as slack', () => {
    assert.deepEqual(judge({ 'src/wide.ts': 2 }, found), { over: [], slack: [] });
    assert.deepEqual(judge({ 'src/wide.ts': 3, 'src/gone.ts': 1 }, found).slack, ['src/gone.ts', 'src/wide.ts']);
  });

  it('fails a file over its budget, and a file with no budget at all, per file not in total', () => {
    // The total (2) is within the sum of budgets (2), but each file is judged alone.
    const v = judge({ 'src/wide.ts': 1, 'src/other.ts': 1 }, found);
    assert.deepEqual(v.over, [{ file: 'src/wide.ts', allowed: 1, lines: [3, 5] }]);
    assert.deepEqual(judge({}, found).over, [{ file: 'src/wide.ts', allowed: 0, lines: [3, 5] }]);
  });

  it('reports file:line for every long line of a file over budget', () => {
    assert.deepEqual(report([{ file: 'src/wide.ts', allowed: 1, lines: [3, 5] }]), [
      'src/wide.ts: 2 lines longer than 140 characters, budget 1:',
      '  src/wide.ts:3',
      '  src/wide.ts:5',
    ]);
  });

  it('builds the exact budget, sorted, without files that have none', () => {
    assert.deepEqual(Object.entries(budgetFor({ 'b.ts': [1], 'a.ts': [2, 9], 'c.ts': [] })), [
      ['a.ts', 2],
      ['b.ts', 1],
    ]);
  });
});

describe('scripts/line-length.ts', () => {
  it('passes at the budget, skipping test/fixtures', () => {
    const r = run('--root', TREE, '--budget', join(FIXTURES, 'budget-exact.json'));
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /line-length: 2 long lines, within budget\n/);
  });

  it('says when the budget can be lowered, and still passes', () => {
    const r = run('--root', TREE, '--budget', join(FIXTURES, 'budget-slack.json'));
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /2 files are under budget, run with --update to lower it/);
  });

  it('fails over the budget, naming file:line', () => {
    const r = run('--root', TREE, '--budget', join(FIXTURES, 'budget-tighter.json'));
    assert.equal(r.status, 1);
    assert.match(r.stderr, /src\/wide\.ts: 2 lines longer than 140 characters, budget 1:\n {2}src\/wide\.ts:3\n {2}src\/wide\.ts:5\n/);
  });

  it('skips node_modules and dist wherever they are', () => {
    const root = join(work, 'vendored');
    cpSync(TREE, root, { recursive: true });
    cpSync(join(TREE, 'src/wide.ts'), join(root, 'node_modules/pkg/wide.ts'));
    cpSync(join(TREE, 'src/wide.ts'), join(root, 'src/dist/wide.ts'));
    assert.equal(run('--root', root, '--budget', join(FIXTURES, 'budget-exact.json')).status, 0);
  });

  it('exits 2 naming the file for a budget that is not file → count, or is missing', () => {
    const bad = run('--root', TREE, '--budget', join(FIXTURES, 'budget-invalid.json'));
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /budget-invalid\.json: expected an object of file → count of long lines/);
    const missing = run('--root', TREE, '--budget', join(work, 'absent.json'));
    assert.equal(missing.status, 2);
    assert.match(missing.stderr, /cannot read the budget .*absent\.json \(create it with --update\)/);
  });

  it('--update writes the exact budget', () => {
    const budget = join(work, 'budget.json');
    assert.equal(run('--root', TREE, '--budget', budget, '--update').status, 0);
    assert.deepEqual(JSON.parse(readFileSync(budget, 'utf8')), { 'src/wide.ts': 2 });
  });
});
