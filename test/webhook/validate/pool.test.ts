// The validation pool: decisions from real worker threads, a deadline that stops even a worker
// stuck in a loop, a bounded queue, and a replacement for a worker that dies.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { inlineValidator, validationPool } from '../../../webhook/validate/pool.ts';
import type { PoolOptions, Validator } from '../../../webhook/validate/pool.ts';
import { policyFixture, review } from '../../support/admission.ts';
import { loadYaml } from '../../support/fixtures.ts';

const policy = policyFixture('example.yaml');
const REAL = new URL('../../../webhook/validate/worker.ts', import.meta.url);
const SCRIPTED = new URL('../../support/workers/scripted-worker.ts', import.meta.url);
const pools: Validator[] = [];
after(() => Promise.all(pools.map((p) => p.close())));

function pool(opts: Partial<PoolOptions> & { script: URL }): Validator {
  const p = validationPool({ policy, workers: 1, deadlineMs: 2000, maxQueue: 8, maxQueuedBytes: 1 << 20, heapMb: 64, ...opts });
  pools.push(p);
  return p;
}
const bytes = (v: unknown): Uint8Array => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));

describe('validation pool', () => {
  it('a worker thread decides exactly as the same decision in-process', async () => {
    const body = review(
      'ConfigMap',
      'team-a',
      loadYaml('kfp-launcher', 'invalid-08-default-secretref-missing-panics.yaml'),
      'CREATE',
      'kfp-launcher',
    );
    const inWorker = await pool({ script: REAL }).validate('validate_kfp_launcher', bytes(body));
    const inline = await inlineValidator(policy).validate('validate_kfp_launcher', bytes(body));
    assert.equal(inWorker.kind, 'review');
    assert.equal(inline.kind, 'review');
    // The worker also reports its CPU time for the review.
    assert.equal(typeof inWorker.log.workerCpuMs, 'number');
    delete inWorker.log.workerCpuMs;
    assert.deepEqual(inWorker, inline);
  });

  it('a review still running at its deadline is answered with the limit, and the worker is replaced', async () => {
    const p = pool({ script: SCRIPTED, deadlineMs: 300 });
    const started = performance.now();
    const stuck = await p.validate('validate_kfp_launcher', bytes('spin'));
    assert.equal(stuck.kind === 'limit' && stuck.limit, 'deadline');
    assert.ok(performance.now() - started < 2000, 'answered near its deadline');
    const next = await p.validate('validate_kfp_launcher', bytes('after'));
    assert.equal(next.kind === 'rejected' && next.message, 'echo after');
  });

  it('no review waits past its deadline behind a stuck one', async () => {
    const p = pool({ script: SCRIPTED, deadlineMs: 300 });
    const started = performance.now();
    const answers = await Promise.all(['spin', 'spin', 'spin'].map((b) => p.validate('validate_kfp_launcher', bytes(b))));
    for (const a of answers) assert.equal(a.kind === 'limit' && a.limit, 'deadline');
    // Each is stopped at its own deadline once it runs; none waits for all those before it.
    assert.ok(performance.now() - started < 3 * 300 + 2000, `${performance.now() - started} ms`);
  });

  it('a full queue refuses at once, in reviews and in bytes', async () => {
    const p = pool({ script: SCRIPTED, deadlineMs: 1500, maxQueue: 2, maxQueuedBytes: 64 });
    const running = p.validate('validate_kfp_launcher', bytes('spin'));
    const waiting = [p.validate('validate_kfp_launcher', bytes('a')), p.validate('validate_kfp_launcher', bytes('b'))];
    const refused = await p.validate('validate_kfp_launcher', bytes('c'));
    assert.equal(refused.kind === 'limit' && refused.limit, 'queue');
    await Promise.all([running, ...waiting]);
    const big = pool({ script: SCRIPTED, deadlineMs: 1500, maxQueuedBytes: 64 });
    const busy = big.validate('validate_kfp_launcher', bytes('spin'));
    const tooBig = await big.validate('validate_kfp_launcher', bytes('x'.repeat(65)));
    assert.equal(tooBig.kind === 'limit' && tooBig.limit, 'queue');
    await busy;
  });

  it('a worker that dies answers its review as a worker failure, and the next review is served', async () => {
    const p = pool({ script: SCRIPTED });
    const died = await p.validate('validate_kfp_launcher', bytes('crash'));
    assert.equal(died.kind === 'limit' && died.limit, 'worker');
    const next = await p.validate('validate_kfp_launcher', bytes('fine'));
    assert.equal(next.kind === 'rejected' && next.message, 'echo fine');
  });

  it('a body that parses into more than the worker heap is a worker failure, not a crash of the webhook', async () => {
    const p = pool({ script: REAL, heapMb: 16, deadlineMs: 4000, maxQueuedBytes: 16 << 20 });
    const huge = `[${Array.from({ length: 600_000 }, () => '{"a":[1]}').join(',')}]`;
    const r = await p.validate('validate_kfp_launcher', bytes(huge));
    assert.ok(r.kind === 'limit' && (r.limit === 'worker' || r.limit === 'deadline'), JSON.stringify(r).slice(0, 200));
    const ok = await p.validate(
      'validate_kfp_launcher',
      bytes(review('ConfigMap', 'team-a', { metadata: { name: 'other' } }, 'CREATE', 'other')),
    );
    assert.equal(ok.kind, 'review');
  });
});
