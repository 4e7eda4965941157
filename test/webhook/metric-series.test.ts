// The hand-kept series must expose exactly what prom-client's own Counter and Histogram would for
// the same observations: dashboards and alerts read these names.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { Counter, Histogram, Registry } from 'prom-client';
import { CounterSeries, HistogramSeries } from '../../webhook/metric-series.ts';
import { Random } from '../support/random.ts';

const BUCKETS = [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1];

describe('metric series', () => {
  it('a histogram exposes the same text as prom-client’s Histogram, bounds inclusive', async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const series = new HistogramSeries({ name: 'h_seconds', help: 'h', buckets: BUCKETS, labelNames: ['endpoint'], registry: ours });
    const reference = new Histogram({ name: 'h_seconds', help: 'h', buckets: BUCKETS, labelNames: ['endpoint'], registers: [theirs] });
    const rnd = new Random(7);
    for (const endpoint of ['a', 'b']) {
      const slot = series.slot({ endpoint });
      reference.zero({ endpoint });
      // Every bound exactly (le is inclusive), then spread values, some past the last bound.
      for (const value of [...BUCKETS, ...Array.from({ length: 500 }, () => rnd.int(2_000_000) / 1e6)]) {
        slot.observe(value);
        reference.observe({ endpoint }, value);
      }
    }
    assert.equal(await ours.metrics(), await theirs.metrics());
    ours.resetMetrics();
    theirs.resetMetrics();
    for (const endpoint of ['a', 'b']) reference.zero({ endpoint });
    assert.equal(await ours.metrics(), await theirs.metrics());
  });

  it('a counter exposes the same text as prom-client’s Counter; one slot per label set', async () => {
    const ours = new Registry();
    const theirs = new Registry();
    const series = new CounterSeries({ name: 'c_total', help: 'c', labelNames: ['endpoint', 'outcome'], registry: ours });
    const reference = new Counter({ name: 'c_total', help: 'c', labelNames: ['endpoint', 'outcome'], registers: [theirs] });
    for (const [endpoint, outcome, n] of [
      ['a', 'allowed', 3],
      ['a', 'denied', 1],
      ['b', 'allowed', 2],
    ] as const) {
      for (let i = 0; i < n; i++) series.slot({ endpoint, outcome }).inc();
      reference.inc({ endpoint, outcome }, n);
    }
    assert.equal(series.slot({ endpoint: 'a', outcome: 'allowed' }), series.slot({ endpoint: 'a', outcome: 'allowed' }));
    const plain = new CounterSeries({ name: 'p_total', help: 'p', registry: ours }).slot({});
    const plainReference = new Counter({ name: 'p_total', help: 'p', registers: [theirs] });
    plain.inc();
    plain.inc(2);
    plainReference.inc(3);
    assert.equal(await ours.metrics(), await theirs.metrics());
  });

  it('a slot with other labels than declared is refused', () => {
    const series = new CounterSeries({ name: 'c_total', help: 'c', labelNames: ['endpoint'], registry: new Registry() });
    assert.throws(() => series.slot({ endpoint: 'a', extra: 'b' }), /labels endpoint,extra, declared endpoint/);
    assert.throws(() => series.slot({}), /labels \(none\), declared endpoint/);
    assert.equal(series.slot({ endpoint: 'a' }), series.slot({ endpoint: 'a' }));
  });

  it('a value that is not a finite number is not observed', async () => {
    const registry = new Registry();
    const series = new HistogramSeries({ name: 'h_seconds', help: 'h', buckets: [1], labelNames: ['endpoint'], registry });
    const slot = series.slot({ endpoint: 'a' });
    slot.observe(Number.NaN);
    slot.observe(Number.POSITIVE_INFINITY);
    slot.observe(0.5);
    assert.match(await registry.metrics(), /h_seconds_count\{endpoint="a"\} 1\n/);
  });
});
