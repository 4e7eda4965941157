// `kubectl kfstore checks` and id completion, through the real kubectl and the built plugin.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { CHECK_LIST } from '../../../settings/checks/registry.ts';
import { kfstore, kubectl } from '../../support/plugin.ts';

type CheckList = { kind: string; checks: { id: string; title: string; levels: string[]; detects: string; doc: string }[] };

describe('kubectl kfstore checks', () => {
  it('-o json lists the registry: every id with its levels and doc text', async () => {
    const r = await kfstore(['checks', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const doc = JSON.parse(r.stdout) as CheckList;
    assert.equal(doc.kind, 'CheckList');
    assert.deepEqual(
      doc.checks.map((c) => c.id),
      CHECK_LIST.map((c) => c.id),
    );
    const kfs010 = doc.checks.find((c) => c.id === 'KFS010');
    assert.deepEqual(kfs010?.levels, ['warn', 'ok']);
    assert.ok((kfs010?.doc.length ?? 0) > 0);
  });
  it('-o yaml is the same document', async () => {
    const json = JSON.parse((await kfstore(['checks', '-o', 'json'])).stdout) as CheckList;
    const yaml = parse((await kfstore(['checks', '-o', 'yaml'])).stdout) as CheckList;
    assert.deepEqual(yaml, json);
  });
  it('the table has one row per id', async () => {
    const r = await kfstore(['checks']);
    assert.equal(r.code, 0, r.stderr);
    const lines = r.stdout.trimEnd().split('\n');
    assert.match(lines[0] ?? '', /^ID +LEVELS +AREA +REPORTED BY +TITLE$/);
    assert.equal(lines.length, CHECK_LIST.length + 1);
    assert.ok(
      lines.some((l) => /^KFS024 +error +launcher +webhook,doctor +Root outside the profile's own root/.test(l)),
      r.stdout,
    );
  });
  it('a bad -o and --help', async () => {
    const bad = await kfstore(['checks', '-o', 'wide']);
    assert.equal(bad.code, 2);
    assert.match(bad.stderr, /--output must be table, json or yaml, got 'wide'/);
    assert.match((await kfstore(['checks', '--help'])).stdout, /kubectl kfstore checks \[-o table\|json\|yaml\]/);
  });
  it('doctor refuses an id that is not registered, and names the command that lists them', async () => {
    const r = await kfstore(['doctor', '--skip', 'KFS999', '-f', '/nonexistent']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /'KFS999' is not a check id; kubectl kfstore checks lists them/);
  });
});

describe('completion', () => {
  it('--only and --skip complete ids with their titles, after a comma too', async () => {
    const r = await kubectl(['__complete', 'kfstore', 'doctor', '--only', 'KFS01']);
    assert.match(r.stdout, /^KFS010\tkfp-launcher missing or empty/m, r.stdout + r.stderr);
    assert.doesNotMatch(r.stdout, /^KFS030/m);
    const list = await kubectl(['__complete', 'kfstore', 'doctor', '--skip', 'KFS010,KFS01']);
    assert.match(list.stdout, /^KFS010,KFS011\t/m, list.stdout);
    assert.doesNotMatch(list.stdout, /^KFS010,KFS010/m);
  });
  it("each command completes its own flags, not doctor's", async () => {
    const flags = async (command: string): Promise<string[]> =>
      (await kubectl(['__complete', 'kfstore', command, '--'])).stdout.split('\n').filter((l) => l.startsWith('--'));
    const inspect = await flags('inspect');
    assert.ok(inspect.includes('--namespace'), inspect.join(' '));
    assert.ok(!inspect.includes('--probe') && !inspect.includes('--fail-on'), inspect.join(' '));
    const migrate = await flags('migrate');
    assert.ok(migrate.includes('--to') && !migrate.includes('--probe'), migrate.join(' '));
    assert.ok((await flags('doctor')).includes('--probe'));
    assert.deepEqual(await flags('checks'), ['--output', '--help']);
  });
});
