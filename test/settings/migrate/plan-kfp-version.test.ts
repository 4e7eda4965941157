// planNamespace follows the cluster's KFP release (the snapshot's, as doctor judges by): the same target
// is planned differently where KFP's rules differ, and every planned kfp-launcher gives, under that
// release's own rules, the session migrate intends.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { manifestKfpVersion } from '../../../plugin/cluster-read/kfp-version.ts';
import { loadManifests } from '../../../plugin/manifests/load.ts';
import { indexSnapshot } from '../../../settings/cluster/snapshot.ts';
import { readLauncherConfig } from '../../../settings/kfp/launcher-config.ts';
import { getStoreSessionInfo } from '../../../settings/kfp/session.ts';
import { rulesOf } from '../../../settings/kfp/version-source.ts';
import { resolveTarget } from '../../../settings/migrate/migration-target.ts';
import type { TargetInput } from '../../../settings/migrate/migration-target.ts';
import { planNamespace } from '../../../settings/migrate/plan.ts';
import type { NamespacePlan } from '../../../settings/migrate/plan.ts';
import { fixturePath, headerValue, readFixture } from '../../support/fixtures.ts';
import { kfstore } from '../../support/plugin.ts';

const DIR = 'migrate/plans-kfp-version';

/** The plan for a fixture as migrate makes it on a cluster running `version` (--kfp-version). */
function planAt(file: string, version: string | undefined, flags: Partial<TargetInput> = {}): NamespacePlan {
  const text = readFixture(DIR, file);
  const snapshot = loadManifests([fixturePath(DIR, file)], 'default').snapshot;
  snapshot.kfp = manifestKfpVersion(snapshot, version);
  const target = resolveTarget({ ...(parse(headerValue(text, 'target') ?? '{}') as TargetInput), ...flags });
  assert.ok(target.ok, target.ok ? '' : target.errors.join('\n'));
  return planNamespace(indexSnapshot(snapshot), 'team-a', target.target);
}

function launcherData(plan: NamespacePlan): Record<string, string> {
  const data = plan.changes.find((c) => c.name === 'kfp-launcher')?.after.data;
  assert.ok(data !== undefined);
  return data;
}

const ids = (plan: NamespacePlan): string[] => plan.launcherFindings.map((f) => `${f.id} ${f.level}`);

describe('migrate plans with the cluster release', () => {
  it('forcePathStyle only where KFP reads it (2.4 on); before, path style is always on and the key would be unknown', () => {
    const old = parse(launcherData(planAt('seaweedfs-profile.yaml', '2.3')).providers ?? '') as { s3: { default: object } };
    const current = parse(launcherData(planAt('seaweedfs-profile.yaml', '2.15')).providers ?? '') as { s3: { default: object } };
    assert.ok(!('forcePathStyle' in old.s3.default), JSON.stringify(old));
    assert.equal((current.s3.default as { forcePathStyle?: boolean }).forcePathStyle, true);
    for (const version of ['2.2', '2.3', '2.4', '2.15', '2.16', '2.17']) {
      const plan = planAt('seaweedfs-profile.yaml', version, { rootTemplate: 's3://{bucket}/private-artifacts/{profile}/v2/artifacts' });
      assert.deepEqual(ids(plan), [], `${version}: ${JSON.stringify(plan.launcherFindings)}`);
      const rules = rulesOf(manifestKfpVersion(loadManifests([fixturePath(DIR, 'seaweedfs-profile.yaml')], 'default').snapshot, version));
      const session = getStoreSessionInfo(readLauncherConfig(launcherData(plan), rules), plan.layout.root);
      assert.ok(session.ok, `${version}: ${session.ok ? '' : session.error}`);
      assert.equal(session.session.params.secretName, 'kfstore-object-store--team-a', version);
    }
  });

  it('KFP 2.0/2.1 read no providers: the planned kfp-launcher says so instead of looking correct', () => {
    const plan = planAt('seaweedfs-profile.yaml', '2.1');
    const ignored = plan.launcherFindings.find((f) => f.message.includes('ignores providers'));
    assert.equal(ignored?.level, 'warn', JSON.stringify(plan.launcherFindings));
  });

  it('2.17: a layout the UI cannot attribute is a KFS020 warning naming the root template that fits; not for an assumed release', () => {
    const plan = planAt('seaweedfs-profile.yaml', '2.17');
    const kfs020 = plan.launcherFindings.find((f) => f.id === 'KFS020');
    assert.equal(kfs020?.level, 'warn');
    assert.match(kfs020?.fix ?? '', /--root-template s3:\/\/\{bucket\}\/private-artifacts\/\{profile\}\/v2\/artifacts/);
    assert.deepEqual(ids(planAt('seaweedfs-profile.yaml', '2.16')), []);
    assert.deepEqual(ids(planAt('seaweedfs-profile.yaml', undefined)), [], 'assumed 2.17');
  });

  it('the command plans with --kfp-version (real kubectl running the plugin, -f --dry-run)', async () => {
    const providers = async (version: string): Promise<string> => {
      const r = await kfstore([
        'migrate',
        '-f',
        fixturePath(DIR, 'seaweedfs-profile.yaml'),
        '--to',
        's3',
        '--endpoint',
        'http://minio.storage.svc:9000',
        '--bucket',
        'kfp-artifacts',
        '--dry-run',
        '--kfp-version',
        version,
        '-o',
        'json',
      ]);
      assert.equal(r.code, 0, r.stderr);
      const plan = JSON.parse(r.stdout) as { namespaces: NamespacePlan[] };
      return launcherData(plan.namespaces[0] as NamespacePlan).providers ?? '';
    };
    assert.doesNotMatch(await providers('2.3'), /forcePathStyle/);
    assert.match(await providers('2.4'), /forcePathStyle: true/);
  });
});
