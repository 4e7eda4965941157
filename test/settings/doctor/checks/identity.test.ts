// Identity checks under a StorePolicy, one fixture each: KFS034 (static keys or a JSON key that
// shadow a role or Workload Identity; pods the webhook left without a role, their
// kfstore.dev/skipped annotation from the webhook's own plan run on a pod fixture, not written by
// hand) and KFS037 for GKE Workload Identity (the service account's binding).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadManifests } from '../../../../plugin/manifests/load.ts';
import { SKIPPED_ANNOTATION, planPod } from '../../../../settings/injection/plan.ts';
import type { PodView } from '../../../../settings/injection/plan.ts';
import { runDoctor } from '../../../../settings/doctor/run.ts';
import { resolveProfile } from '../../../../settings/policy/resolve.ts';
import { loadPolicy } from '../../../../settings/policy/load.ts';
import type { StorePolicy } from '../../../../settings/policy/schema.ts';
import { fixturePath, headerValue, listFixtures, loadYaml, readFixture } from '../../../support/fixtures.ts';

const DIR = 'doctor-identity';
function policyFile(name: string): StorePolicy {
  const loaded = loadPolicy(readFixture('policies', name));
  if (!loaded.ok) throw new Error(loaded.errors.join('\n'));
  return loaded.policy;
}
const policy = policyFile('web-identity.yaml');

type PodFixture = {
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec: { containers: { name: string; env?: { name: string }[]; envFrom?: { secretRef?: unknown }[] }[] };
};

function admitted(path: string): { metadata: { name: string; namespace: string; annotations: Record<string, string> } } {
  const pod = loadYaml<PodFixture>(...path.split('/'));
  const view: PodView = {
    labels: pod.metadata.labels ?? {},
    annotations: pod.metadata.annotations ?? {},
    containers: pod.spec.containers.map((c) => ({
      name: c.name,
      env: c.env ?? [],
      envFromSecret: (c.envFrom ?? []).some((e) => e.secretRef !== undefined),
    })),
  };
  const decision = planPod(view, resolveProfile(policy, 'team-a'), policy.inject);
  assert.ok(decision.inject && decision.plan.skipped !== undefined, 'the webhook skips the role on this pod');
  return {
    metadata: {
      name: pod.metadata.name,
      namespace: 'team-a',
      annotations: { ...pod.metadata.annotations, [SKIPPED_ANNOTATION]: decision.plan.skipped },
    },
  };
}

describe('identity under a StorePolicy, one fixture each', () => {
  for (const file of listFixtures(DIR)) {
    const text = readFixture(DIR, file);
    it(file, () => {
      const set = loadManifests([fixturePath(DIR, file)], 'default');
      const pod = headerValue(text, 'admit-pod');
      if (pod !== undefined) set.snapshot.pods = [admitted(pod)];
      const report = runDoctor(set.snapshot, {
        namespaces: ['team-a'],
        policy: policyFile(headerValue(text, 'policy') ?? 'web-identity.yaml'),
      });
      const listing = report.findings.map((f) => `${f.id} ${f.level} ${f.message}`).join('\n');
      const [id, level, ...rest] = (headerValue(text, 'expect') ?? '').split(' ');
      const found = report.findings.filter((f) => f.id === id && f.level === level && f.message.includes(rest.join(' ')));
      assert.equal(found.length, 1, `expected ${id} ${level} ${rest.join(' ')} in\n${listing}`);
      for (const f of found) if (f.level !== 'ok') assert.ok(f.fix.length > 0);
    });
  }

  it('no policy, or a profile with secret auth: no KFS034 at all', () => {
    const set = loadManifests([fixturePath(DIR, 'launcher-reads-secret.yaml')], 'default');
    assert.ok(!runDoctor(set.snapshot, { namespaces: ['team-a'] }).findings.some((f) => f.id === 'KFS034'));
    const example = loadPolicy(readFixture('policies', 'example.yaml'));
    assert.ok(example.ok);
    assert.ok(!runDoctor(set.snapshot, { namespaces: ['team-a'], policy: example.policy }).findings.some((f) => f.id === 'KFS034'));
  });
});
