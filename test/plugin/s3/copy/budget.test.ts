// The byte budget the copy workers share.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ByteBudget } from '../../../../plugin/s3/copy/budget.ts';

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

describe('ByteBudget', () => {
  it('never lets reservations exceed the limit', async () => {
    const budget = new ByteBudget(100);
    let held = 0;
    let peak = 0;
    await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const size = 10 + (i % 5) * 10;
        const release = await budget.reserve(size);
        held += size;
        peak = Math.max(peak, held);
        await tick();
        held -= size;
        release();
      }),
    );
    assert.ok(peak <= 100, `peak ${peak}`);
    assert.ok(peak >= 50, `no concurrency: peak ${peak}`);
  });

  it('serves waiters in order, so a large reservation is not starved by small ones', async () => {
    const budget = new ByteBudget(100);
    const order: string[] = [];
    const first = await budget.reserve(60);
    const big = budget.reserve(80).then((r) => {
      order.push('big');
      return r;
    });
    const small = budget.reserve(10).then((r) => {
      order.push('small');
      return r;
    });
    await tick();
    assert.deepEqual(order, []);
    first();
    (await big)();
    (await small)();
    assert.deepEqual(order, ['big', 'small']);
  });

  it('runs a reservation larger than the budget alone, and release is idempotent', async () => {
    const budget = new ByteBudget(10);
    const huge = await budget.reserve(50);
    let other = false;
    const next = budget.reserve(1).then((r) => {
      other = true;
      return r;
    });
    await tick();
    assert.equal(other, false);
    huge();
    huge();
    (await next)();
    assert.equal(other, true);
  });
});
