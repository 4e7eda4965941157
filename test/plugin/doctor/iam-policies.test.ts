// doctor --iam-policy-dir: IAM policy documents checked against the profiles' identities (KFS035),
// through the real kubectl, offline (-f) and live (test API server), with the StorePolicy that gives
// team-finance a role and an IRSA annotation that gives team-irsa one.
// Fixtures: test/fixtures/iam-policies/ (README there: one behaviour per file).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import type { KubeObject } from '../../support/kube-apiserver/index.ts';
import { fixturePath, readFixture } from '../../support/fixtures.ts';
import { seededCluster } from '../../support/live-cluster.ts';
import { kfstore } from '../../support/plugin.ts';

type Finding = { id: string; level: string; namespace?: string; object?: { kind: string; name: string }; message: string; fix: string };

const DIR = 'iam-policies';

async function doctor(policyDir: string): Promise<{ code: number | null; stderr: string; findings: Finding[] }> {
  const r = await kfstore([
    'doctor',
    '-f',
    fixturePath(DIR, 'manifests.yaml'),
    '--policy',
    fixturePath(DIR, 'policy.yaml'),
    '--iam-policy-dir',
    fixturePath(DIR, policyDir),
    '-A',
    '-o',
    'json',
    '--exit-zero',
  ]);
  return { code: r.code, stderr: r.stderr, findings: r.code === 0 ? (JSON.parse(r.stdout) as { findings: Finding[] }).findings : [] };
}

describe('doctor --iam-policy-dir: the username policy variable with role-based identity', () => {
  it('WARN for a profile with a role under a shared policy; INFO for a static-key profile’s own; none for literals', async () => {
    const { code, stderr, findings } = await doctor('dir');
    assert.equal(code, 0, stderr);
    const kfs035 = findings.filter((f) => f.id === 'KFS035').map((f) => `${f.level} ${f.namespace ?? '-'} ${f.object?.name}`);
    assert.deepEqual(kfs035.sort(), [
      'info team-a team-a.json',
      'warn team-finance shared-home-prefix.json',
      'warn team-irsa shared-home-prefix.json',
    ]);
    const irsa = findings.find((f) => f.id === 'KFS035' && f.namespace === 'team-irsa');
    assert.match(
      irsa?.message ?? '',
      /acts as role arn:aws:iam::123456789012:role\/kfp-team-irsa \(eks.amazonaws.com\/role-arn on ServiceAccount default-editor\)/,
    );
    const warn = findings.find((f) => f.id === 'KFS035' && f.namespace === 'team-finance');
    assert.match(
      warn?.message ?? '',
      /acts as role arn:aws:iam::123456789012:role\/kfp-team-finance .* statement ListOwnPrefix, OwnObjects scopes with \$\{aws:username\}/,
    );
    assert.match(warn?.fix ?? '', /private-artifacts\/team-finance\//);
  });

  it('a file that is not JSON: exit 2 naming it', async () => {
    const r = await kfstore(['doctor', '-f', fixturePath(DIR, 'manifests.yaml'), '--iam-policy-dir', fixturePath(DIR, 'not-json'), '-A']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /--iam-policy-dir .*not-json: team-a\.json is not JSON/);
  });

  it('live: the same verdicts, the IRSA annotation read from the cluster', async () => {
    const objects = parseAllDocuments(readFixture(DIR, 'manifests.yaml')).map((d) => d.toJS() as KubeObject);
    const { api, env } = await seededCluster(objects);
    try {
      const r = await kfstore(
        [
          'doctor',
          '-A',
          '--policy',
          fixturePath(DIR, 'policy.yaml'),
          '--iam-policy-dir',
          fixturePath(DIR, 'dir'),
          '-o',
          'json',
          '--exit-zero',
        ],
        env,
      );
      assert.equal(r.code, 0, r.stderr);
      const kfs035 = (JSON.parse(r.stdout) as { findings: Finding[] }).findings
        .filter((f) => f.id === 'KFS035')
        .map((f) => `${f.level} ${f.namespace ?? '-'}`);
      assert.deepEqual(kfs035.sort(), ['info team-a', 'warn team-finance', 'warn team-irsa']);
    } finally {
      await api.close();
    }
  });
});
