// The UI's path to each profile namespace's artifacts (KFS050-052), decided on one fixture per behaviour
// under test/fixtures/installation/ui/: each file's `# expect:` header lists the ids, in order. The
// release is the one of the file's ml-pipeline image; RBAC is evaluated on the file's RBAC objects.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { indexSnapshot } from '../../../settings/cluster/snapshot.ts';
import { installationSettings } from '../../../settings/installation/settings.ts';
import { artifactUiChecks } from '../../../settings/installation/ui-checks.ts';
import { profileUiPaths } from '../../../settings/installation/ui-paths.ts';
import { detectKfpVersion } from '../../../settings/kfp/version-source.ts';
import { loadManifests } from '../../../plugin/manifests/load.ts';
import { manifestReaderAnswers } from '../../../plugin/doctor/ui-reach.ts';
import { fixturePath, headerValue, listFixtures, readFixture } from '../../support/fixtures.ts';

function judge(file: string) {
  const { snapshot } = loadManifests([fixturePath('installation', 'ui', file)], 'kubeflow');
  const r = detectKfpVersion({ deployments: snapshot.deployments.filter((d) => d.metadata.name === 'ml-pipeline') });
  assert.ok(r.ok);
  snapshot.kfp = r.info;
  const index = indexSnapshot(snapshot);
  const settings = installationSettings(snapshot, 'kubeflow');
  const paths = profileUiPaths(index, settings);
  return { paths, findings: artifactUiChecks(index, settings, manifestReaderAnswers(index, paths)) };
}

describe('the UI path to profile artifacts: one fixture per behaviour', () => {
  for (const file of listFixtures('installation/ui')) {
    it(file, () => {
      const expected = headerValue(readFixture('installation', 'ui', file), 'expect');
      assert.ok(expected !== undefined, `${file} has an # expect: header`);
      const { findings } = judge(file);
      assert.deepEqual(
        findings.map((f) => f.id),
        expected === 'none' ? [] : expected.split(','),
        JSON.stringify(findings, null, 1),
      );
    });
  }
});

describe('levels and texts by release', () => {
  it('KFS050 is an ERROR on 2.17 (providerInfo dropped) and a WARN on 2.15 (the UI reads the Secret itself)', () => {
    const [f17] = judge('store-without-proxy-2.17.yaml').findings;
    assert.equal(f17?.level, 'error');
    assert.equal(f17?.namespace, 'team-a');
    assert.match(f17?.message ?? '', /minio\.storage\.example\.com:9000, Secret team-a-store\) is not the UI's own \(s3\.amazonaws\.com/);
    assert.match(f17?.fix ?? '', /ARTIFACTS_PROXY_ENABLED: "true"/);
    assert.equal(judge('store-without-proxy-2.15.yaml').findings[0]?.level, 'warn');
  });
  it('who reads the Secret: ml-pipeline-ui on 2.15 without proxy, the proxy on 2.17, nobody on 2.17 without', () => {
    assert.deepEqual(judge('ui-cannot-read-secret-2.15.yaml').paths[0]?.secretReader?.serviceAccount, {
      namespace: 'kubeflow',
      name: 'ml-pipeline-ui',
    });
    assert.deepEqual(judge('proxy-istio-allowed.yaml').paths[0]?.secretReader?.serviceAccount, {
      namespace: 'team-a',
      name: 'default-editor',
    });
    assert.equal(judge('same-store-2.17.yaml').paths[0]?.secretReader, undefined);
  });
  it('the RBAC finding names the missing permission and the kubectl command to check it', () => {
    const [f] = judge('ui-cannot-read-secret-2.15.yaml').findings;
    assert.equal(f?.level, 'error');
    assert.match(f?.message ?? '', /missing: get on secrets for system:serviceaccount:kubeflow:ml-pipeline-ui/);
    assert.match(
      f?.fix ?? '',
      /kubectl auth can-i get secrets\/mlpipeline-minio-artifact -n team-a --as=system:serviceaccount:kubeflow:ml-pipeline-ui/,
    );
  });
  it('Istio: the refusing policy is the object, the principal is in the fix', () => {
    const [f] = judge('proxy-istio-denied.yaml').findings;
    assert.deepEqual(f?.object, { kind: 'AuthorizationPolicy', name: 'ns-owner-access-istio' });
    assert.match(f?.message ?? '', /RBAC: access denied/);
    assert.match(f?.fix ?? '', /cluster\.local\/ns\/kubeflow\/sa\/ml-pipeline-ui/);
  });
  it('KFS052 for a multi-user UI before 2.17 is an ERROR on the UI Deployment', () => {
    const [f] = judge('multi-user-2.15.yaml').findings;
    assert.equal(f?.level, 'error');
    assert.deepEqual(f?.object, { kind: 'Deployment', name: 'ml-pipeline-ui' });
  });
});
