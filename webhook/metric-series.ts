// The per-review series (a counter and a histogram by endpoint), kept in plain numbers and handed
// to prom-client's registry only when it is scraped. prom-client's own labelled metrics check and
// hash their label object on every call, and every review made two such calls; here a label set
// is resolved once to a slot, and a review only adds to numbers. The exposition is prom-client's
// (the registry formats what get() returns), so dashboards see the same series.
import type { Metric, Registry } from 'prom-client';

type Labels = Record<string, string>;
interface Sample {
  value: number;
  labels: Record<string, string | number>;
  metricName?: string;
}
interface Collected {
  name: string;
  help: string;
  type: 'counter' | 'histogram';
  aggregator: 'sum';
  values: Sample[];
}

export interface CounterSlot {
  inc(by?: number): void;
}
export interface HistogramSlot {
  observe(value: number): void;
}

abstract class Series<S> {
  readonly aggregator = 'sum';
  readonly name: string;
  readonly help: string;
  readonly type: 'counter' | 'histogram';
  /** As prom-client's metrics name them: every slot has exactly these labels. */
  readonly labelNames: readonly string[];
  readonly #slots = new Map<string, { labels: Labels; slot: S }>();
  protected constructor(name: string, help: string, type: 'counter' | 'histogram', labelNames: readonly string[], registry: Registry) {
    this.name = name;
    this.help = help;
    this.type = type;
    this.labelNames = [...labelNames];
    // The registry reads a metric through get() and reset() only; this is not one of its classes.
    registry.registerMetric(this as unknown as Metric);
  }
  /** The slot for a label set, created at zero: resolve it once, outside the per-review path. */
  slot(labels: Labels): S {
    const names = Object.keys(labels);
    if (names.length !== this.labelNames.length || names.some((n) => !this.labelNames.includes(n)))
      throw new Error(`${this.name}: labels ${names.join(',') || '(none)'}, declared ${this.labelNames.join(',') || '(none)'}`);
    const key = JSON.stringify(this.labelNames.map((n) => labels[n]));
    let found = this.#slots.get(key);
    if (found === undefined) {
      found = { labels: { ...labels }, slot: this.create() };
      this.#slots.set(key, found);
    }
    return found.slot;
  }
  protected abstract create(): S;
  protected abstract samples(labels: Labels, slot: S): Sample[];
  async get(): Promise<Collected> {
    const values = [...this.#slots.values()].flatMap(({ labels, slot }) => this.samples(labels, slot));
    return { name: this.name, help: this.help, type: this.type, aggregator: this.aggregator, values };
  }
  reset(): void {
    for (const { slot } of this.#slots.values()) this.clear(slot);
  }
  protected abstract clear(slot: S): void;
}

class CounterValue implements CounterSlot {
  value = 0;
  inc(by = 1): void {
    this.value += by;
  }
}

export class CounterSeries extends Series<CounterValue> {
  constructor(opts: { name: string; help: string; labelNames?: readonly string[]; registry: Registry }) {
    super(opts.name, opts.help, 'counter', opts.labelNames ?? [], opts.registry);
  }
  protected create(): CounterValue {
    return new CounterValue();
  }
  protected samples(labels: Labels, slot: CounterValue): Sample[] {
    return [{ value: slot.value, labels }];
  }
  protected clear(slot: CounterValue): void {
    slot.value = 0;
  }
}

class HistogramValue implements HistogramSlot {
  /** Per bucket, not cumulative; the last counts what exceeds every bound (+Inf). */
  readonly counts: Float64Array;
  sum = 0;
  count = 0;
  readonly #bounds: readonly number[];
  constructor(bounds: readonly number[]) {
    this.#bounds = bounds;
    this.counts = new Float64Array(bounds.length + 1);
  }
  observe(value: number): void {
    if (!Number.isFinite(value)) return;
    const bounds = this.#bounds;
    let i = 0;
    while (i < bounds.length && value > (bounds[i] as number)) i++;
    this.counts[i] = (this.counts[i] as number) + 1;
    this.sum += value;
    this.count++;
  }
}

export class HistogramSeries extends Series<HistogramValue> {
  readonly #bounds: readonly number[];
  constructor(opts: { name: string; help: string; buckets: readonly number[]; labelNames?: readonly string[]; registry: Registry }) {
    super(opts.name, opts.help, 'histogram', opts.labelNames ?? [], opts.registry);
    this.#bounds = [...opts.buckets].sort((a, b) => a - b);
  }
  protected create(): HistogramValue {
    return new HistogramValue(this.#bounds);
  }
  protected samples(labels: Labels, slot: HistogramValue): Sample[] {
    const out: Sample[] = [];
    let cumulative = 0;
    this.#bounds.forEach((le, i) => {
      cumulative += slot.counts[i] as number;
      out.push({ metricName: `${this.name}_bucket`, labels: { le, ...labels }, value: cumulative });
    });
    out.push({ metricName: `${this.name}_bucket`, labels: { le: '+Inf', ...labels }, value: slot.count });
    out.push({ metricName: `${this.name}_sum`, labels, value: slot.sum });
    out.push({ metricName: `${this.name}_count`, labels, value: slot.count });
    return out;
  }
  protected clear(slot: HistogramValue): void {
    slot.counts.fill(0);
    slot.sum = 0;
    slot.count = 0;
  }
}
