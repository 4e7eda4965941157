// File-system failures reach the user as one line naming the path (or the flag), exit 2, never
// "internal error": dangling links, loops, a file where a directory belongs. Built in a temporary
// directory, since a repository cannot hold a symbolic link loop without tripping every tree walker.
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { fixturePath } from '../support/fixtures.ts';
import { kfstore } from '../support/plugin.ts';

const GITOPS = fixturePath('manifests', 'gitops');
const MIGRATE = ['migrate', '--to', 's3', '--bucket', 'bucket-x', '--endpoint', 'http://127.0.0.1:1', '-f', GITOPS];
let dir = '';

function userError(r: { code: number | null; stderr: string }, text: string): void {
  assert.equal(r.code, 2, r.stderr);
  assert.ok(r.stderr.includes(`error: ${text}`), r.stderr);
  assert.doesNotMatch(r.stderr, /internal error|\n\s+at /);
  assert.equal(r.stderr.trimEnd().split('\n').pop(), `error: ${text}`);
}

describe('file-system errors are user errors', () => {
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'kfstore-fs-'));
    mkdirSync(join(dir, 'dangling'));
    writeFileSync(join(dir, 'dangling', 'notes.txt'), 'not a manifest');
    symlinkSync(join(dir, 'nowhere.yaml'), join(dir, 'dangling', 'launcher.yaml'));
    symlinkSync(join(dir, 'nowhere.txt'), join(dir, 'dangling', 'readme.txt'));
    mkdirSync(join(dir, 'loop'));
    symlinkSync('.', join(dir, 'loop', 'self'));
    symlinkSync(join(dir, 'b'), join(dir, 'a'));
    symlinkSync(join(dir, 'a'), join(dir, 'b'));
    writeFileSync(join(dir, 'a-file'), '');
  });

  it('-f with a dangling link to a manifest in a directory (dangling links to other files are ignored)', async () => {
    userError(
      await kfstore(['doctor', '-f', join(dir, 'dangling')]),
      `${join(dir, 'dangling', 'launcher.yaml')}: dangling symbolic link (its target does not exist)`,
    );
  });
  it('-f with a directory that links back to itself', async () => {
    userError(
      await kfstore(['inspect', '-f', join(dir, 'loop')]),
      `${join(dir, 'loop', 'self')}: symbolic link loop (leads back to ${join(dir, 'loop')})`,
    );
  });
  it('-f with two links naming each other', async () => {
    userError(await kfstore(['doctor', '-f', join(dir, 'a')]), `${join(dir, 'a')}: symbolic link loop`);
  });
  it('--iam-policy-dir that is a file', async () => {
    userError(
      await kfstore([...MIGRATE, '--dry-run', '--iam-policy-dir', join(dir, 'a-file')]),
      `--iam-policy-dir ${join(dir, 'a-file')}: exists and is not a directory`,
    );
  });
  it('--iam-policy-dir that is a link loop', async () => {
    userError(
      await kfstore([...MIGRATE, '--dry-run', '--iam-policy-dir', join(dir, 'a')]),
      `--iam-policy-dir ${join(dir, 'a')}: symbolic link loop`,
    );
  });
  it('--out-dir that is a file', async () => {
    const r = await kfstore([...MIGRATE, '--yes', '--out-dir', join(dir, 'a-file')]);
    userError(r, `--out-dir ${join(dir, 'a-file')}: a path component is not a directory (${join(dir, 'a-file', 'kfp')})`);
  });
});

describe('--selector', () => {
  it('one error text, live and with -f', async () => {
    const offline = await kfstore(['doctor', '-f', GITOPS, '-l', 'a=(b']);
    const live = await kfstore(['doctor', '-A', '-l', 'a=(b']);
    userError(offline, "--selector: cannot parse label selector 'a=(b' near 'a=(b'");
    assert.equal(live.stderr, offline.stderr);
  });
});
