// Pinned pipeline roots and caching, read from Workflow and ScheduledWorkflow files.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { workflowSummary } from '../../../settings/cluster/workflow-summary.ts';
import type { KubeObject } from '../../../settings/cluster/snapshot.ts';
import { runSettings } from '../../../settings/kfp/run-settings.ts';

const pinnedRoots = (obj: unknown): string[] => runSettings(obj).pinnedRoots;
import { readFixture } from '../../support/fixtures.ts';

const docs = parseAllDocuments(readFixture('migrate', 'plans', 'pinned-root-runs.yaml')).map(
  (d) => d.toJS() as KubeObject & { kind: string; spec?: unknown },
);
const named = (name: string): KubeObject & { spec?: unknown } => {
  const d = docs.find((o) => o.metadata.name === name);
  assert.ok(d !== undefined, name);
  return d;
};

describe('run settings', () => {
  it("finds gcsOutputDirectory inside the root driver's runtime-config JSON string", () => {
    assert.deepEqual(pinnedRoots(named('train-4kq9z').spec), ['minio://mlpipeline/v2/artifacts']);
    assert.deepEqual(pinnedRoots(named('nightly-train').spec), ['minio://mlpipeline/v2/artifacts']);
  });

  it('finds nothing in a run that follows kfp-launcher, or in strings that are not JSON', () => {
    assert.deepEqual(pinnedRoots(named('train-follows-launcher').spec), []);
    assert.deepEqual(pinnedRoots({ script: '{ echo gcsOutputDirectory; }', nested: [{ gcsOutputDirectory: '' }] }), []);
  });

  it('reads the field at any depth and through JSON nested in JSON, once per root', () => {
    const inner = JSON.stringify({ gcsOutputDirectory: 's3://b/x' });
    assert.deepEqual(
      pinnedRoots({
        a: [{ value: JSON.stringify({ wrapped: inner, gcsOutputDirectory: 's3://b/x' }) }],
        b: { gcsOutputDirectory: 'minio://m/y' },
      }),
      ['minio://m/y', 's3://b/x'],
    );
  });

  it("sees caching in a driver's task JSON (cachingOptions.enableCache), and only when true", () => {
    assert.equal(runSettings(named('train-4kq9z').spec).cacheEnabled, true);
    assert.equal(runSettings(named('train-follows-launcher').spec).cacheEnabled, false);
    assert.equal(runSettings({ v: JSON.stringify({ cachingOptions: { enableCache: false } }) }).cacheEnabled, false);
  });

  it('a summary keeps identity, phase, pinned roots and caching, not the spec', () => {
    const s = workflowSummary(named('train-4kq9z'));
    assert.deepEqual(s, {
      metadata: named('train-4kq9z').metadata,
      status: { phase: 'Succeeded' },
      pinnedRoots: ['minio://mlpipeline/v2/artifacts'],
      cacheEnabled: true,
    });
  });
});
