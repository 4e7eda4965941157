import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { escapeControlChars, escapeControlCharsKeepingLines, findControlChar } from '../../../settings/text/control-chars.ts';

describe('control characters', () => {
  it('escapes what a terminal acts on, as kubectl does for ESC and CR', () => {
    assert.equal(escapeControlChars('a\u001b]0;x\u0007b\r\n'), 'a^[]0;x\\x07b\\r\\n');
    assert.equal(escapeControlChars('\u009b2J'), '\\x9b2J');
    assert.equal(escapeControlChars('plain'), 'plain');
  });
  it('keeps line breaks of multi-line messages and escapes within each line', () => {
    assert.equal(escapeControlCharsKeepingLines('denied:\n- [KFS010] root \u001b[2J\n- two'), 'denied:\n- [KFS010] root ^[[2J\n- two');
  });
  it('names the first control character and where it is', () => {
    assert.deepEqual(findControlChar('ab\u001bc'), { index: 2, name: 'U+001B (ESC)' });
    assert.equal(findControlChar('abc'), undefined);
  });
});
