// Word wrapping and table layout: pure functions, checked on every width from 10 to 120.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatTable } from '../../../plugin/cli/output.ts';
import { terminalWidth, useColor } from '../../../plugin/cli/terminal.ts';
import { wrapText } from '../../../plugin/cli/wrap.ts';

const TEXT =
  "KFP's driver crashes for root s3://kubeflow-pipelines/v2/artifacts/team-b (panic: runtime error: invalid memory address or nil pointer dereference): providers s3.default.credentials.secretRef is missing while fromEnv is false";

describe('wrapText', () => {
  it('never exceeds the width, never splits a word that fits, keeps every character', () => {
    const words = TEXT.split(' ');
    for (let width = 10; width <= 120; width++) {
      const lines = wrapText(TEXT, width);
      for (const l of lines) assert.ok(l.length <= width, `${width}: ${l}`);
      assert.equal(lines.join('').replace(/\s/g, ''), TEXT.replace(/\s/g, ''));
      const tokens = new Set(lines.flatMap((l) => l.split(' ')));
      for (const w of words) if (w.length <= width) assert.ok(tokens.has(w), `${width}: "${w}" split`);
    }
  });
  it('a word longer than the line is cut after a "/" first', () => {
    assert.deepEqual(wrapText('s3://kubeflow-pipelines/v2/artifacts/team-b', 30), ['s3://kubeflow-pipelines/v2/', 'artifacts/team-b']);
  });
  it('keeps given line breaks', () => {
    assert.deepEqual(wrapText('a b\nc', 80), ['a b', 'c']);
  });
});

describe('formatTable', () => {
  const header = ['LEVEL', 'ID', 'MESSAGE'];
  const rows = [['ERROR', 'KFS014', TEXT]];
  it('without a width (a pipe) rows stay whole', () => {
    assert.equal(formatTable(header, rows).split('\n')[1], `ERROR   KFS014   ${TEXT}`);
  });
  it('with a width the wrap column wraps and the others keep their place', () => {
    const out = formatTable(header, rows, { style: { width: 60, color: false, headers: true, wide: false }, wrap: [2] });
    const lines = out.trimEnd().split('\n');
    for (const l of lines) assert.ok(l.length <= 60, l);
    assert.ok(
      lines.slice(2).every((l) => l.startsWith(' '.repeat(17))),
      out,
    );
  });
  it('control characters from files are escaped, not sent to the terminal', () => {
    const out = formatTable(['NAME'], [['a\x1b]0;pwned\x07b']]);
    assert.doesNotMatch(out, /\x1b|\x07/);
  });
  it('colour codes do not count toward the width', () => {
    const out = formatTable(header, [['WARN', 'KFS033', 'short']], {
      style: { color: true, headers: false, wide: false },
      tone: (_, c) => (c === 0 ? 'warn' : 'plain'),
    });
    assert.equal(out, '\x1b[33mWARN\x1b[0m    KFS033   short\n');
  });
});

describe('terminal decisions', () => {
  it('width: the TTY, else COLUMNS, else none for a pipe', () => {
    assert.equal(terminalWidth({ isTTY: true, columns: 100, env: { COLUMNS: '50' } }), 100);
    assert.equal(terminalWidth({ isTTY: false, env: { COLUMNS: '50' } }), 50);
    assert.equal(terminalWidth({ isTTY: false, env: { COLUMNS: 'wide' } }), undefined);
    assert.equal(terminalWidth({ isTTY: false, env: {} }), undefined);
  });
  it('colour: auto on a TTY unless NO_COLOR is non-empty or TERM=dumb; always and never decide', () => {
    assert.equal(useColor('auto', { isTTY: true, env: {} }), true);
    assert.equal(useColor('auto', { isTTY: true, env: { NO_COLOR: '0' } }), false);
    assert.equal(useColor('auto', { isTTY: true, env: { NO_COLOR: '' } }), true);
    assert.equal(useColor('auto', { isTTY: true, env: { TERM: 'dumb' } }), false);
    assert.equal(useColor('auto', { isTTY: false, env: {} }), false);
    assert.equal(useColor('always', { isTTY: false, env: { NO_COLOR: '1' } }), true);
    assert.equal(useColor('never', { isTTY: true, env: {} }), false);
  });
});
