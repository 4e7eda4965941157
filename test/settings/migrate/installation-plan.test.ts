// planInstallation over KFP's own rendered manifests (test/fixtures/installation/<tag>/stock.yaml) and
// one-behaviour fixtures (test/fixtures/migrate-installation/): what is planned per release, that the
// migrated state plans to nothing, and that no credential is ever in a diff.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadManifests } from '../../../plugin/manifests/load.ts';
import { manifestKfpVersion } from '../../../plugin/cluster-read/kfp-version.ts';
import type { ClusterSnapshot, DeploymentObject } from '../../../settings/cluster/snapshot.ts';
import { diffChanges } from '../../../settings/migrate/diff.ts';
import { diffDeployment } from '../../../settings/migrate/installation-diff.ts';
import { withEnv } from '../../../settings/migrate/installation-env.ts';
import { planInstallation } from '../../../settings/migrate/installation-plan.ts';
import type { InstallationPlan } from '../../../settings/migrate/installation-plan.ts';
import { resolveTarget } from '../../../settings/migrate/migration-target.ts';
import type { MigrationTarget, TargetInput } from '../../../settings/migrate/migration-target.ts';
import { isWrite } from '../../../settings/migrate/plan.ts';
import { fixturePath } from '../../support/fixtures.ts';

function target(input: Omit<TargetInput, 'to'>): MigrationTarget {
  const r = resolveTarget({ to: 's3', ...input });
  assert.ok(r.ok);
  return r.target;
}

const AWS = target({ bucket: 'kfp-art', region: 'us-east-2' });

function snapshotOf(...parts: string[]): ClusterSnapshot {
  const { snapshot } = loadManifests([fixturePath(...parts)], 'kubeflow');
  snapshot.kfp = manifestKfpVersion(snapshot, undefined);
  return snapshot;
}

function text(plan: InstallationPlan): string {
  return diffChanges(plan.changes, plan.namespace) + plan.deployments.map((d) => diffDeployment(d, plan.namespace)).join('');
}

/** The snapshot with the plan's writes made, as the API server would hold them after apply. */
function applied(snapshot: ClusterSnapshot, plan: InstallationPlan): ClusterSnapshot {
  const deployments = snapshot.deployments.map((d): DeploymentObject => {
    const c = plan.deployments.find((x) => x.name === d.metadata.name && x.action === 'update');
    return c === undefined ? d : withEnv(d, c.container, c.env);
  });
  const configMaps = snapshot.configMaps.map((m) => {
    const c = plan.changes.find((x) => x.kind === 'ConfigMap' && x.name === m.metadata.name && isWrite(x));
    return c === undefined ? m : { ...m, data: { ...c.after.data } };
  });
  const secret = {
    metadata: { name: plan.secretName, namespace: plan.namespace },
    invalidKeys: [],
    values: { AWS_ACCESS_KEY_ID: { fingerprint: 'a', empty: false }, AWS_SECRET_ACCESS_KEY: { fingerprint: 'b', empty: false } },
  };
  return { ...snapshot, deployments, configMaps, secrets: [...snapshot.secrets, secret] };
}

describe('planInstallation on stock KFP installs', () => {
  for (const version of ['2.5.0', '2.15.0', '2.17.0']) {
    it(`${version}: the API server, the UI, Argo's default repository, the bucket key and the Secret; the result plans to nothing`, () => {
      const snapshot = snapshotOf('installation', version, 'stock.yaml');
      const plan = planInstallation(snapshot, 'kubeflow', AWS);
      assert.equal(plan.kfpVersion, version);
      assert.deepEqual(
        [...plan.changes.map((c) => `${c.action} ${c.kind}/${c.name}`), ...plan.deployments.map((d) => `${d.action} ${d.kind}/${d.name}`)],
        [
          'create Secret/kfstore-object-store--kubeflow',
          'update ConfigMap/pipeline-install-config',
          'update ConfigMap/workflow-controller-configmap',
          'update Deployment/ml-pipeline',
          'update Deployment/ml-pipeline-ui',
        ],
      );
      const diff = text(plan);
      assert.match(diff, /\+ data\.bucketName: kfp-art/);
      assert.match(diff, /- env OBJECTSTORECONFIG_ACCESSKEY: \(Secret mlpipeline-minio-artifact key accesskey\)/);
      assert.match(diff, /\+ env OBJECTSTORECONFIG_ACCESSKEY: \(Secret kfstore-object-store--kubeflow key AWS_ACCESS_KEY_ID\)/);
      // Argo's repository is edited, not rewritten: KFP's comments and keyFormat stay.
      const argo = plan.changes.find((c) => c.name === 'workflow-controller-configmap')?.after.data?.artifactRepository ?? '';
      assert.match(argo, /# keyFormat is a format pattern/);
      assert.match(argo, /keyFormat: "(private-)?artifacts\//);
      assert.match(argo, /endpoint: "s3\.us-east-2\.amazonaws\.com"/);
      const again = planInstallation(applied(snapshot, plan), 'kubeflow', AWS);
      assert.deepEqual(
        [...again.changes.filter(isWrite), ...again.deployments.filter((d) => d.action !== 'unchanged')].map((c) => `${c.kind}/${c.name}`),
        [],
      );
      assert.doesNotMatch(diff, /minio123/);
    });
  }

  it('what an unset variable meant depends on the release: Service links up to 2.14, required from 2.15', () => {
    const old = text(planInstallation(snapshotOf('installation', '2.5.0', 'stock.yaml'), 'kubeflow', AWS));
    assert.match(
      old,
      /- env OBJECTSTORECONFIG_HOST: \(unset: KFP 2\.5\.0 uses MINIO_SERVICE_SERVICE_HOST \(minio-service's Service links, up to 2\.14\)\)/,
    );
    const current = text(planInstallation(snapshotOf('installation', '2.17.0', 'stock.yaml'), 'kubeflow', AWS));
    assert.match(current, /- env OBJECTSTORECONFIG_HOST: seaweedfs\.kubeflow/);
    assert.match(current, /- env OBJECTSTORECONFIG_REGION: \(unset: KFP 2\.17\.0: us-east-1 from 2\.15\)/);
  });
});

describe('planInstallation on one-behaviour fixtures', () => {
  it('literal keys in the env are never shown; a literal bucket is set in the env; the UI note names a non-default port', () => {
    const snapshot = snapshotOf('migrate-installation', 'literal-keys.yaml');
    const plan = planInstallation(snapshot, 'kubeflow', target({ bucket: 'kfp-art', endpoint: 'https://ceph.example:8443' }));
    const diff = text(plan);
    assert.doesNotMatch(diff, /CANARY/);
    assert.match(diff, /- env OBJECTSTORECONFIG_SECRETACCESSKEY: \(a literal value, not shown\)/);
    assert.match(diff, /\+ env OBJECTSTORECONFIG_BUCKETNAME: kfp-art/);
    assert.match(diff, /\+ env OBJECTSTORECONFIG_PORT: 8443/);
    assert.match(diff, /\+ env AWS_S3_ENDPOINT: ceph\.example/);
    assert.ok(
      plan.notes.some((n) => n.includes('reached on port 443, not 8443')),
      plan.notes.join('\n'),
    );
    assert.ok(
      plan.notes.some((n) => n.includes('no ConfigMap workflow-controller-configmap')),
      plan.notes.join('\n'),
    );
  });

  it('nothing of an installation in the namespace: an empty plan', () => {
    const plan = planInstallation(snapshotOf('migrate-installation', 'literal-keys.yaml'), 'elsewhere', AWS);
    assert.deepEqual([plan.changes, plan.deployments], [[], []]);
  });
});
