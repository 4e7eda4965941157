// KFS066 from an upload listing: none is ok, recent ones are in progress (info), any older than a
// day is stale (warn), and the fix names the re-run only when migrate recorded some of them.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { incompleteUploads, STALE_AFTER_MS } from '../../../../settings/doctor/checks/uploads.ts';

const NOW = Date.parse('2026-11-22T12:00:00Z');
const base = { namespace: 'team-a', where: 's3://kfp/v2/artifacts/team-a/', recorded: 0, truncated: false };

describe('KFS066 incomplete multipart uploads', () => {
  it('none: ok', () => {
    assert.equal(incompleteUploads({ ...base, uploads: [] }, NOW).level, 'ok');
  });

  it("started within 24 h: in progress (info), kfstore's counted", () => {
    const f = incompleteUploads({ ...base, uploads: [NOW - 60_000, NOW - STALE_AFTER_MS + 1], recorded: 1 }, NOW);
    assert.deepEqual([f.id, f.level], ['KFS066', 'info']);
    assert.equal(
      f.message,
      '2 multipart uploads under s3://kfp/v2/artifacts/team-a/ are in progress (started within 24 h); 1 of them started by kubectl kfstore migrate --copy-artifacts',
    );
  });

  it('older than 24 h (or of unknown age): stale (warn) with the oldest start; the re-run is named only for recorded ones', () => {
    const stale = incompleteUploads({ ...base, uploads: [NOW - 3 * STALE_AFTER_MS, NOW - 1000, undefined], truncated: true }, NOW);
    assert.deepEqual([stale.level, stale.evidence], ['warn', { uploads: '3', recorded: '0' }]);
    assert.match(
      stale.message,
      /^2 of at least 3 incomplete multipart uploads under s3:\/\/kfp\/v2\/artifacts\/team-a\/ were started more than 24 h ago \(oldest started 2026-11-19T12:00:00\.000Z\): the store keeps \(and bills\) their parts/,
    );
    assert.doesNotMatch(stale.fix, /re-run/);
    const ours = incompleteUploads({ ...base, uploads: [NOW - 2 * STALE_AFTER_MS], recorded: 1 }, NOW);
    assert.match(
      ours.fix,
      /^re-run kubectl kfstore migrate --copy-artifacts for team-a to abort the 1 it started; .*AbortIncompleteMultipartUpload/,
    );
  });
});
