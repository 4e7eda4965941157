// planNamespace, diff, IAM and pre-flight over manifest fixtures (test/fixtures/migrate/plans/):
// the header names the namespaces and the target, and states the expectations.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { loadManifests } from '../../../plugin/manifests/load.ts';
import { readArtifactRepository } from '../../../settings/argo/artifact-repository.ts';
import { indexSnapshot } from '../../../settings/cluster/snapshot.ts';
import type { ClusterSnapshot } from '../../../settings/cluster/snapshot.ts';
import { readLauncherConfig } from '../../../settings/kfp/launcher-config.ts';
import { parsePipelineRoot } from '../../../settings/kfp/pipeline-root.ts';
import { getStoreSessionInfo } from '../../../settings/kfp/session.ts';
import { lintLauncher } from '../../../settings/lint/launcher-lint.ts';
import { diffChanges } from '../../../settings/migrate/diff.ts';
import { namespacePolicy, policyJson } from '../../../settings/migrate/iam.ts';
import { planNamespace } from '../../../settings/migrate/plan.ts';
import type { NamespacePlan, ObjectChange } from '../../../settings/migrate/plan.ts';
import { refusedWrites } from '../../../settings/migrate/api-limits.ts';
import { blocks, preflight } from '../../../settings/migrate/preflight.ts';
import { resolveTarget } from '../../../settings/migrate/migration-target.ts';
import type { MigrationTarget, TargetInput } from '../../../settings/migrate/migration-target.ts';
import { fixturePath, headerValue, listFixtures, readFixture } from '../../support/fixtures.ts';

const DIR = 'migrate/plans';

function headerValues(text: string, name: string): string[] {
  return [...text.matchAll(new RegExp(`^# ${name}: (.*)$`, 'gm'))].map((m) => (m[1] ?? '').trim());
}

function load(file: string): { text: string; snapshot: ClusterSnapshot; namespaces: string[]; target: MigrationTarget } {
  const text = readFixture(DIR, file);
  const snapshot = loadManifests([fixturePath(DIR, file)], 'default').snapshot;
  const namespaces = (headerValue(text, 'namespaces') ?? '').split(',');
  const resolved = resolveTarget(parse(headerValue(text, 'target') ?? '{}') as TargetInput);
  assert.ok(resolved.ok, resolved.ok ? '' : resolved.errors.join('\n'));
  return { text, snapshot, namespaces, target: resolved.target };
}

/** The cluster after the edge applied a plan (and filled the Secret's values). */
function applied(snapshot: ClusterSnapshot, plans: NamespacePlan[]): ClusterSnapshot {
  const next: ClusterSnapshot = { ...snapshot, configMaps: [...snapshot.configMaps], secrets: [...snapshot.secrets] };
  for (const plan of plans) {
    for (const c of plan.changes) {
      const same = (o: { metadata: { name: string; namespace?: string } }): boolean =>
        o.metadata.name === c.name && o.metadata.namespace === plan.namespace;
      const metadata = { ...c.after.metadata, resourceVersion: `${Number(c.resourceVersion ?? 0) + 1}` };
      if (c.kind === 'ConfigMap') {
        next.configMaps = [...next.configMaps.filter((o) => !same(o)), { metadata, data: { ...c.after.data } }];
      } else {
        const keys = [...Object.keys(c.after.data ?? {}), ...Object.keys(c.after.stringData ?? {})];
        const values = Object.fromEntries(keys.map((k) => [k, { fingerprint: `fp-${k}`, empty: false }]));
        next.secrets = [...next.secrets.filter((o) => !same(o)), { metadata, values, invalidKeys: [] }];
      }
    }
  }
  return next;
}

function byName(plan: NamespacePlan, name: string): ObjectChange {
  const c = plan.changes.find((x) => x.name === name);
  assert.ok(c, `no change for ${name}`);
  return c;
}

describe('migrate plan, one fixture each', () => {
  for (const file of listFixtures(DIR)) {
    it(file, () => {
      const { text, snapshot, namespaces, target } = load(file);
      const index = indexSnapshot(snapshot);
      const plans = namespaces.map((ns) => planNamespace(index, ns, target));
      const plan = plans[0];
      assert.ok(plan);

      const actions = headerValue(text, 'expect-actions');
      if (actions !== undefined) assert.equal(plan.changes.map((c) => `${c.name}=${c.action}`).join(' '), actions);

      // The planned kfp-launcher lints clean and KFP's driver computes a session on the target.
      const launcher = byName(plan, 'kfp-launcher');
      assert.deepEqual(lintLauncher(launcher.after.data, { namespace: plan.namespace, profileRoot: plan.layout.root }).findings, []);
      assert.deepEqual(plan.launcherFindings, []);
      const config = readLauncherConfig(launcher.after.data);
      const session = getStoreSessionInfo(config, config.defaultPipelineRoot);
      assert.ok(session.ok, JSON.stringify(session));
      const root = parsePipelineRoot(config.defaultPipelineRoot);
      assert.ok(root.ok && root.value.bucket === target.bucket, config.defaultPipelineRoot);
      assert.equal(session.session.params.endpoint, target.endpoint);
      assert.equal(session.session.params.secretName, plan.secretName);
      const expectSession = headerValue(text, 'expect-session');
      if (expectSession !== undefined) {
        for (const pair of expectSession.split(' ')) {
          const [k, v] = pair.split('=');
          assert.equal(k === 'provider' ? session.session.provider : session.session.params[k ?? ''], v, `session ${k}`);
        }
      }

      const expectArgo = headerValue(text, 'expect-argo');
      if (expectArgo !== undefined) {
        const [key, ...pairs] = expectArgo.split(' ');
        const argo = byName(plan, 'artifact-repositories');
        const repo = readArtifactRepository({ metadata: argo.after.metadata, data: argo.after.data ?? {} });
        assert.ok(repo.ok, JSON.stringify(repo));
        assert.equal(repo.key, key);
        for (const pair of pairs) {
          const [k, v] = pair.split('=');
          assert.equal(String((repo.repository.s3 as Record<string, unknown> | undefined)?.[k ?? '']), v, `argo s3.${k}`);
        }
        assert.equal(repo.repository.s3?.accessKeySecret?.name, plan.secretName);
      }

      for (const kept of headerValues(text, 'expect-kept')) {
        const [name = '', rest = ''] = kept.split(/ (.*)/s);
        const at = rest.indexOf('=');
        assert.equal(byName(plan, name).after.data?.[rest.slice(0, at)], rest.slice(at + 1), kept);
      }
      for (const [header, field] of [
        ['expect-label', 'labels'],
        ['expect-annotation', 'annotations'],
      ] as const) {
        for (const want of headerValues(text, header)) {
          const [name = '', rest = ''] = want.split(/ (.*)/s);
          const at = rest.indexOf('=');
          assert.equal(byName(plan, name).after.metadata[field]?.[rest.slice(0, at)], rest.slice(at + 1), want);
        }
      }

      const diff = plans.map((p) => diffChanges(p.changes, p.namespace)).join('');
      for (const want of headerValues(text, 'expect-diff-contains')) assert.ok(diff.includes(want), `diff lacks ${want}:\n${diff}`);
      // Secret values in the manifests never reach a diff.
      for (const value of text.matchAll(/(?:accesskey|secretkey): ([\w-]+)/g))
        assert.ok(!diff.includes(value[1] ?? '\u0000'), 'a Secret value leaked into the diff');

      const iamFile = headerValue(text, 'expect-iam-file');
      if (iamFile !== undefined) assert.equal(policyJson(namespacePolicy(target, plan.namespace)), readFixture(DIR, iamFile));

      const findings = [...preflight(index, namespaces, target), ...plans.flatMap(refusedWrites)];
      const listing = findings.map((f) => `${f.id} ${f.level} ${f.namespace ?? '-'} ${f.message}`).join('\n');
      const expectPreflight = headerValue(text, 'expect-preflight');
      if (expectPreflight === undefined) {
        assert.equal(blocks(findings), false, listing);
      } else {
        const [id, level, ns, ...rest] = expectPreflight.split(' ');
        assert.ok(
          findings.some((f) => f.id === id && f.level === level && (f.namespace ?? '-') === ns && f.message.includes(rest.join(' '))),
          `expected ${expectPreflight} in\n${listing}`,
        );
        assert.equal(blocks(findings), true);
      }
      for (const want of headerValues(text, 'expect-finding')) {
        const [id, level, ns, ...rest] = want.split(' ');
        assert.ok(
          findings.some((f) => f.id === id && f.level === level && (f.namespace ?? '-') === ns && f.message.includes(rest.join(' '))),
          `expected ${want} in\n${listing}`,
        );
      }
      for (const unwanted of headerValues(text, 'expect-no-finding')) {
        const [id, level, ns, ...rest] = unwanted.split(' ');
        assert.ok(
          !findings.some((f) => f.id === id && f.level === level && (f.namespace ?? '-') === ns && f.message.includes(rest.join(' '))),
          `unexpected ${unwanted} in\n${listing}`,
        );
      }
      const forced = headerValue(text, 'expect-preflight-forced');
      if (forced !== undefined) {
        const [id, level, ns] = forced.split(' ');
        const again = preflight(index, namespaces, target, { force: true });
        assert.ok(again.some((f) => f.id === id && f.level === level && f.namespace === ns));
        assert.equal(blocks(again), false);
      }

      // Running the migration again on its result changes nothing.
      const after = indexSnapshot(applied(snapshot, plans));
      for (const ns of namespaces) {
        const again = planNamespace(after, ns, target);
        assert.deepEqual(
          again.changes.map((c) => c.action),
          ['unchanged', 'unchanged', 'unchanged'],
          diffChanges(again.changes, ns),
        );
        for (const c of again.changes)
          assert.equal(c.resourceVersion, `${Number(byName(plans[namespaces.indexOf(ns)] ?? plan, c.name).resourceVersion ?? 0) + 1}`);
      }
    });
  }
});
