// KFS001: the release the checks judge by, how it was learnt, the stock storage layout of that
// release, and a StorePolicy whose kfpVersion (what the webhook judges by) is another release.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { DeploymentObject } from '../../../../settings/cluster/snapshot.ts';
import { runDoctor } from '../../../../settings/doctor/run.ts';
import type { DoctorFinding } from '../../../../settings/doctor/finding.ts';
import { detectKfpVersion } from '../../../../settings/kfp/version-source.ts';
import { loadManifests } from '../../../../plugin/manifests/load.ts';
import { fixturePath, loadYaml } from '../../../support/fixtures.ts';
import { policyFixture } from '../../../support/admission.ts';

function kfs001(flag: string | undefined, policy?: string): DoctorFinding[] {
  const set = loadManifests([fixturePath('kfp-versions', 'stock-2.15')], 'default');
  const r = detectKfpVersion({
    ...(flag !== undefined ? { flag } : {}),
    deployments: [loadYaml<DeploymentObject>('kfp-versions', 'stock-2.15', 'kubeflow-ml-pipeline.yaml')],
  });
  assert.ok(r.ok);
  set.snapshot.kfp = r.info;
  return runDoctor(set.snapshot, {
    namespaces: ['team-a'],
    ...(policy !== undefined ? { policy: policyFixture(policy) } : {}),
  }).findings.filter((f) => f.id === 'KFS001');
}

describe('KFS001', () => {
  it('names the release, its source and the stock storage of that release', () => {
    const cases: [string | undefined, RegExp][] = [
      [
        '2.14',
        /^KFP 2\.14\.0 \(from --kfp-version\); stock storage: MinIO at minio-service\.kubeflow:9000, one key pair for every profile/,
      ],
      [undefined, /^KFP 2\.15\.0 \(from image .*\); stock storage: SeaweedFS at minio-service\.kubeflow:9000, a key pair per profile/],
      ['2.16', /stock storage: SeaweedFS at seaweedfs\.kubeflow:9000, a key pair per profile from the profile controller$/],
      ['2.17', /stock storage: SeaweedFS at seaweedfs\.kubeflow:9000, a key pair per profile, listing confined by bucket policy$/],
    ];
    for (const [flag, message] of cases) {
      const found = kfs001(flag);
      assert.equal(found.length, 1);
      assert.equal(found[0]?.level, 'info');
      assert.match(found[0]?.message ?? '', message);
    }
  });

  it("warns when the StorePolicy's kfpVersion is not the cluster's release", () => {
    const mismatch = kfs001(undefined, 'kfp-2.14.yaml').filter((f) => f.level === 'warn');
    assert.equal(mismatch.length, 1);
    assert.match(mismatch[0]?.message ?? '', /kfpVersion is 2\.14\.0 but the checks run for KFP 2\.15\.0/);
    assert.match(mismatch[0]?.fix ?? '', /kfpVersion: "2\.15\.0"/);
    assert.deepEqual(
      kfs001(undefined, 'kfp-2.15.yaml').filter((f) => f.level === 'warn'),
      [],
    );
  });
});
