// Reading GitOps trees: file and line of every object, kustomization namespaces, Secrets produced
// by ExternalSecret/SealedSecret, Helm templates skipped, --exclude, duplicates named by file.
import assert from 'node:assert/strict';
import { relative } from 'node:path';
import { describe, it } from 'node:test';
import { indexSnapshot } from '../../../settings/cluster/snapshot.ts';
import { runDoctor } from '../../../settings/doctor/run.ts';
import { loadManifests } from '../../../plugin/manifests/load.ts';
import { locateFindings, locationKey } from '../../../plugin/manifests/locations.ts';
import { fixturePath, readFixture } from '../../support/fixtures.ts';

const rel = (...parts: string[]): string => relative(process.cwd(), fixturePath(...parts));

describe('loadManifests', () => {
  it('keeps the file and line of each object, also inside a multi-document file', () => {
    const set = loadManifests([fixturePath('gitops', 'duplicates')], 'default');
    assert.deepEqual(set.locations.get(locationKey('Namespace', undefined, 'team-d')), [
      { file: rel('gitops', 'duplicates', 'second.yaml'), line: 2 },
    ]);
    assert.deepEqual(set.locations.get(locationKey('ConfigMap', 'team-d', 'kfp-launcher')), [
      { file: rel('gitops', 'duplicates', 'first.yaml'), line: 1 },
      { file: rel('gitops', 'duplicates', 'second.yaml'), line: 6 },
    ]);
    assert.ok(
      set.notes.includes(
        `ConfigMap team-d/kfp-launcher: defined more than once (${rel('gitops', 'duplicates', 'first.yaml')}:1, ${rel('gitops', 'duplicates', 'second.yaml')}:6); the last definition counts (as with kubectl apply)`,
      ),
      set.notes.join('\n'),
    );
  });

  it('a finding points at the definition that counts, or at its namespace', () => {
    const set = loadManifests([fixturePath('gitops', 'generated-secrets')], 'default');
    const report = runDoctor(set.snapshot, { namespaces: ['team-x', 'team-y'] });
    const located = locateFindings(report.findings, set.locations);
    const launcher = located.find((f) => f.namespace === 'team-y' && f.object?.kind === 'ConfigMap' && f.object.name === 'kfp-launcher');
    assert.deepEqual(launcher?.location, { file: rel('gitops', 'generated-secrets', 'team-y.yaml'), line: 5 });
    assert.ok(
      located.every((f) => f.location !== undefined),
      JSON.stringify(located.filter((f) => f.location === undefined)),
    );
  });

  it('a kustomization’s namespace applies to the tree under it', () => {
    const set = loadManifests([fixturePath('gitops', 'kustomize-namespace')], 'default');
    const launchers = set.snapshot.configMaps.map((c) => `${c.metadata.namespace}/${c.metadata.name}`).sort();
    assert.deepEqual(launchers, ['team-k1/kfp-launcher', 'team-k2/kfp-launcher']);
    assert.deepEqual(set.notes, [], 'kustomization files are read for their namespace, not reported as non-objects');
  });

  it('ExternalSecret and SealedSecret stand for the Secrets they produce, with their key names', () => {
    const set = loadManifests([fixturePath('gitops', 'generated-secrets')], 'default');
    const index = indexSnapshot(set.snapshot);
    assert.deepEqual(Object.keys(index.secret('team-x', 'team-x-s3')?.values ?? {}).sort(), ['AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']);
    assert.deepEqual(Object.keys(index.secret('team-y', 'team-y-s3')?.values ?? {}), ['AWS_ACCESS_KEY_ID']);
    assert.equal(index.secret('team-x', 'team-x-credentials'), undefined, 'the ExternalSecret’s own name is not a Secret');
    assert.ok(Object.values(index.secret('team-x', 'team-x-s3')?.values ?? {}).every((v) => !v.empty && v.wellKnown === undefined));
    assert.deepEqual(set.locations.get(locationKey('Secret', 'team-x', 'team-x-s3')), [
      { file: rel('gitops', 'generated-secrets', 'team-x.yaml'), line: 22 },
    ]);
    const text = readFixture('gitops', 'generated-secrets', 'team-y.yaml');
    assert.ok(!JSON.stringify(set.snapshot).includes('AgBy3i4OJSWK'), 'no sealed value kept');
    assert.ok(text.includes('AgBy3i4OJSWK'));
  });

  it('Helm templates are skipped with a note; --exclude leaves files out', () => {
    const set = loadManifests([fixturePath('gitops', 'helm-chart')], 'default');
    assert.deepEqual(
      set.snapshot.configMaps.map((c) => `${c.metadata.namespace}/${c.metadata.name}`),
      ['team-h/kfp-launcher'],
    );
    assert.ok(
      set.notes.some((n) => /skipped .*helm-chart\/chart: a Helm chart/.test(n)),
      set.notes.join('\n'),
    );
    assert.ok(
      set.notes.some((n) => /skipped .*loose-template\.yaml: a template \(\{\{ \.\.\. \}\}\), not a manifest/.test(n)),
      set.notes.join('\n'),
    );
    const excluded = loadManifests([fixturePath('gitops', 'helm-chart')], 'default', { exclude: ['loose-*.yaml', 'chart'] });
    assert.deepEqual(excluded.notes, []);
    assert.deepEqual(excluded.files, [fixturePath('gitops', 'helm-chart', 'teams', 'team-h.yaml')]);
    const byPath = loadManifests([fixturePath('gitops', 'helm-chart')], 'default', { exclude: ['teams/**'] });
    assert.equal(byPath.snapshot.configMaps.length, 0);
  });

  it('-f - reads stdin; no Kubernetes objects is counted as none', () => {
    const set = loadManifests(['-'], 'team-s', { stdin: () => readFixture('gitops', 'duplicates', 'first.yaml') });
    assert.equal(set.objects, 1);
    assert.deepEqual(set.locations.get(locationKey('ConfigMap', 'team-d', 'kfp-launcher')), [{ file: '<stdin>', line: 1 }]);
    const none = loadManifests([fixturePath('gitops', 'no-objects')], 'default');
    assert.equal(none.objects, 0);
    assert.equal(none.files.length, 2);
  });

  it('two ExternalSecrets reading the same remote key share it (KFS033); dataFrom is noted', () => {
    const set = loadManifests([fixturePath('gitops', 'external-secrets-shared-key')], 'default');
    const report = runDoctor(set.snapshot, { namespaces: ['team-a', 'team-b'] });
    const shared = report.findings.filter((f) => f.id === 'KFS033').map((f) => `${f.namespace}: ${f.message}`);
    assert.ok(shared.includes('team-a: team-a shares its access key with team-b'), shared.join('\n'));
    const from = loadManifests([fixturePath('gitops', 'external-secret-datafrom')], 'default');
    assert.deepEqual(from.notes, [
      'ExternalSecret team-z/team-z-s3 also takes keys from dataFrom: Secret team-z-s3 may hold keys the files do not name',
    ]);
  });
});
