// KFS073/KFS074 from a listing of a namespace's current store.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { copyPlanFinding, leftBehindFinding, unlistedFinding } from '../../../settings/migrate/store-findings.ts';

const listing = {
  namespace: 'team-a',
  from: 's3://mlpipeline/private-artifacts/team-a/',
  to: 's3://new/private-artifacts/team-a/',
  objects: 412,
  bytes: 3 * 1024 * 1024,
  multipart: 0,
  secretName: 'mlpipeline-minio-artifact',
};

describe('store findings', () => {
  it('KFS074 states counts, size and where the objects go', () => {
    const f = copyPlanFinding(listing);
    assert.deepEqual([f.id, f.level, f.namespace], ['KFS074', 'info', 'team-a']);
    assert.equal(
      f.message,
      '412 objects (3.0 MiB) under s3://mlpipeline/private-artifacts/team-a/ will be copied to s3://new/private-artifacts/team-a/ under the same keys',
    );
    assert.deepEqual(f.evidence, { objects: '412', bytes: String(3 * 1024 * 1024) });
  });

  it('a count that stopped early is a lower bound', () => {
    assert.match(copyPlanFinding({ ...listing, truncated: true }).message, /^at least 412 objects/);
    assert.match(leftBehindFinding({ ...listing, truncated: true }).message, /^at least 412 objects/);
  });

  it('KFS074 says multipart objects are verified by SHA-256, not ETag', () => {
    assert.match(
      copyPlanFinding({ ...listing, multipart: 3 }).message,
      /3 have multipart ETags .* verified by size and SHA-256 while streaming, not by ETag/,
    );
  });

  it('KFS073 warns that objects and their URIs stay behind, naming the Secret to keep', () => {
    const f = leftBehindFinding(listing);
    assert.deepEqual([f.id, f.level], ['KFS073', 'warn']);
    assert.match(f.message, /412 objects .* stay in the old store; .* absolute URI/);
    assert.equal(
      f.fix,
      'keep the old store and Secret mlpipeline-minio-artifact readable until they are no longer needed, or add --copy-artifacts',
    );
    const { secretName: _s, ...noSecret } = listing;
    assert.match(leftBehindFinding(noSecret).fix, /^keep the old store readable/);
  });

  it('KFS073 is ok for an empty store; an unlisted store is reported, not guessed', () => {
    assert.equal(leftBehindFinding({ ...listing, objects: 0, bytes: 0 }).level, 'ok');
    const u = unlistedFinding('team-a', 'copyPlan', 'Secret x is not readable');
    assert.deepEqual([u.id, u.level, u.message], ['KFS074', 'info', 'the current store could not be listed: Secret x is not readable']);
  });
});
