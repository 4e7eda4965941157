// Executable formats read from real files: the running Node, a script, an empty file.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { executableTarget } from '../../../scripts/sea/exe-format.ts';
import { hostTarget } from '../../../scripts/sea/targets.ts';

const head = (file: string): Buffer => readFileSync(file).subarray(0, 4096);

describe('executableTarget', () => {
  it("recognises the running Node binary as the host's", () => {
    assert.deepEqual(executableTarget(head(process.execPath)), hostTarget());
  });

  it('a script or an empty file is no executable (a node shim cannot carry a SEA blob)', () => {
    assert.equal(executableTarget(head(new URL('../../../bin/kubectl-kfstore', import.meta.url).pathname)), undefined);
    assert.equal(executableTarget(Buffer.alloc(0)), undefined);
  });
});
