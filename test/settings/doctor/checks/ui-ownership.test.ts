// uiKeyLayout (KFS020) with rootNotNamespaced (KFS019) on the same fixtures: the root either fix
// suggests is one neither check (nor the tenant rule, KFS024) then reports, and the UI's prefix is
// read as its server reads it. Behaviours per fixture: test/settings/doctor/versioned-fixtures.test.ts.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { manifestKfpVersion } from '../../../../plugin/cluster-read/kfp-version.ts';
import { loadManifests } from '../../../../plugin/manifests/load.ts';
import type { ClusterSnapshot } from '../../../../settings/cluster/snapshot.ts';
import { indexSnapshot } from '../../../../settings/cluster/snapshot.ts';
import { uiOwnership } from '../../../../settings/doctor/checks/ui-ownership.ts';
import { runDoctor } from '../../../../settings/doctor/run.ts';
import { loadPolicy } from '../../../../settings/policy/load.ts';
import { fixturePath, headerValue, listFixtures, readFixture } from '../../../support/fixtures.ts';

const FIXTURES = [
  ...listFixtures('doctor-versioned').map((f) => ['doctor-versioned', f] as const),
  ...listFixtures('doctor').map((f) => ['doctor', f] as const),
];

function snapshotOf(dir: string, file: string): ClusterSnapshot {
  const set = loadManifests([fixturePath(dir, file)], 'default');
  set.snapshot.kfp = manifestKfpVersion(set.snapshot, headerValue(readFixture(dir, file), 'kfp-version'));
  return set.snapshot;
}

/** The root a fix proposes for the pipeline root, if it proposes one. */
function proposedRoot(fix: string): string | undefined {
  return /use (?:a )?root (?:such as )?([a-z0-9]+:\/\/[^\s;]+)/.exec(fix)?.[1];
}

function withRoot(snapshot: ClusterSnapshot, namespace: string, root: string): ClusterSnapshot {
  const copy = structuredClone(snapshot);
  const launcher = copy.configMaps.find((c) => c.metadata.name === 'kfp-launcher' && c.metadata.namespace === namespace);
  // No kfp-launcher (KFP's default root): the fix is to create one.
  if (launcher === undefined) copy.configMaps.push({ metadata: { name: 'kfp-launcher', namespace }, data: { defaultPipelineRoot: root } });
  else launcher.data = { ...launcher.data, defaultPipelineRoot: root };
  return copy;
}

describe('KFS019 and KFS020 fixes agree', () => {
  it('every suggested root passes both checks', () => {
    let applied = 0;
    for (const [dir, file] of FIXTURES) {
      const snapshot = snapshotOf(dir, file);
      const namespaces = (headerValue(readFixture(dir, file), 'namespaces') ?? 'team-a').split(',');
      for (const f of runDoctor(snapshot, { namespaces }).findings) {
        if ((f.id !== 'KFS019' && f.id !== 'KFS020') || f.namespace === undefined) continue;
        const root = proposedRoot(f.fix);
        if (root === undefined) continue;
        applied += 1;
        const after = runDoctor(withRoot(snapshot, f.namespace, root), { namespaces }).findings.filter(
          (g) =>
            g.namespace === f.namespace &&
            (g.id === 'KFS019' || (g.id === 'KFS020' && g.level === 'warn' && g.message.startsWith('root '))),
        );
        assert.deepEqual(
          after.map((g) => `${g.id} ${g.message}`),
          [],
          `${dir}/${file}: ${f.id}'s root ${root} is reported again`,
        );
      }
    }
    assert.ok(applied >= 3, `only ${applied} suggested roots were tried`);
  });

  it("under a StorePolicy: KFS024 accepts the suggestion, KFS020 asks to change the policy's root of the other layout", () => {
    const snapshot = snapshotOf('doctor-versioned', 'kfs020-v2-artifacts-layout.yaml');
    const loaded = loadPolicy(readFixture('doctor-versioned', 'policies', 'profile-root-v2-layout.yaml'));
    assert.ok(loaded.ok, loaded.ok ? '' : loaded.errors.join('; '));
    const policy = loaded.policy;
    const findings = runDoctor(snapshot, { namespaces: ['team-a'], policy }).findings;
    const kfs020 = findings.find((f) => f.id === 'KFS020');
    assert.equal(kfs020?.level, 'warn');
    assert.match(
      kfs020?.fix ?? '',
      /change the StorePolicy's root for team-a \(s3:\/\/acme-kfp-artifacts\/v2\/artifacts\/team-a\) to one under/,
    );
    assert.match(kfs020?.fix ?? '', / to one under private-artifacts\/team-a\//);
    assert.ok(!findings.some((f) => f.id === 'KFS024'), JSON.stringify(findings.filter((f) => f.id === 'KFS024')));
  });

  it("reads the prefix as the UI's server does: trimmed, slashes stripped, an empty value is the default", () => {
    const index = indexSnapshot(snapshotOf('doctor-versioned', 'kfs020-custom-prefix.yaml'));
    assert.equal(uiOwnership(index).prefix, 'tenants');
    assert.match(uiOwnership(index).from, /ConfigMap pipeline-install-config key ARTIFACT_NAMESPACE_KEY_PREFIX/);
    const unset = indexSnapshot(snapshotOf('doctor-versioned', 'kfs020-mlmd-only.yaml'));
    assert.deepEqual([uiOwnership(unset).prefix, uiOwnership(unset).mlmdOnly], ['private-artifacts', true]);
  });
});
