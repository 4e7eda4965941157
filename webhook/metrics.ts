// Prometheus metrics, served on the plain-HTTP metrics port. Buckets start at 100 µs: the
// handler answers in well under a millisecond, and kube-apiserver's budget is the whole timeout.
import { Counter, Gauge, Registry, collectDefaultMetrics } from 'prom-client';
import { CounterSeries, HistogramSeries } from './metric-series.ts';
import type { CounterSlot, HistogramSlot } from './metric-series.ts';

export type Endpoint = 'mutate_pods' | 'validate_kfp_launcher' | 'validate_workflows';
export type Outcome = 'mutated' | 'allowed' | 'warned' | 'denied' | 'rejected';
/** A kfstore bound an admission reached: body size, validation deadline or queue, input sizes. */
export type Limit = 'body' | 'deadline' | 'queue' | 'worker' | 'containers' | string;
/** loaded: a new pair is served; refused: expired or not yet valid; unusable: unreadable or mismatched files. */
export type ReloadResult = 'loaded' | 'refused' | 'unusable';

export interface Metrics {
  registry: Registry;
  observe(endpoint: Endpoint, outcome: Outcome, seconds: number): void;
  warnings(endpoint: Endpoint, count: number): void;
  limit(endpoint: Endpoint, limit: Limit): void;
  connection(event: 'evicted' | 'refused' | 'timedOut'): void;
  /** The certificate now served (at start and after each reload). */
  servingCertificate(notAfter: Date): void;
  certificateReload(result: ReloadResult): void;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'kfstore_' });
  // Observed on every review: series that resolve their label sets once (metric-series.ts).
  const duration = new HistogramSeries({
    name: 'kfstore_admission_duration_seconds',
    help: 'Time to answer an admission request, from body read to response',
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    labelNames: ['endpoint'],
    registry,
  });
  const requests = new CounterSeries({
    name: 'kfstore_admission_requests_total',
    help: 'Admission requests by endpoint and outcome (rejected = not a well-formed AdmissionReview)',
    labelNames: ['endpoint', 'outcome'],
    registry,
  });
  const mutations = new CounterSeries({ name: 'kfstore_pod_mutations_total', help: 'Pods that received injected settings', registry }).slot(
    {},
  );
  const denials = new Counter({ name: 'kfstore_launcher_denials_total', help: 'kfp-launcher ConfigMaps denied', registers: [registry] });
  const warnings = new Counter({
    name: 'kfstore_launcher_warnings_total',
    help: 'Warnings returned for kfp-launcher ConfigMaps',
    registers: [registry],
  });
  const runDenials = new Counter({
    name: 'kfstore_run_denials_total',
    help: 'Workflows and ScheduledWorkflows denied (pinned root outside the profile)',
    registers: [registry],
  });
  const limits = new Counter({
    name: 'kfstore_admission_limits_total',
    help: 'Admissions that reached a kfstore bound (body, deadline, queue, worker, containers, providers, root_length)',
    labelNames: ['endpoint', 'limit'],
    registers: [registry],
  });
  const connections = new Counter({
    name: 'kfstore_connections_closed_total',
    help: 'Connections closed by the connection limits: evicted (idle, at the limit), refused (at the limit), timed_out (no request in time)',
    labelNames: ['reason'],
    registers: [registry],
  });
  for (const reason of ['evicted', 'refused', 'timed_out']) connections.labels({ reason });
  // What a monitoring overlay alerts on: kube-apiserver rejects every call once this passes.
  const expiry = new Gauge({
    name: 'kfstore_serving_certificate_expiry_timestamp_seconds',
    help: 'notAfter of the serving certificate in use, as a Unix time',
    registers: [registry],
  });
  const reloads = new Counter({
    name: 'kfstore_certificate_reloads_total',
    help: 'Certificate file changes by result (refused: expired or not yet valid, the previous certificate stays)',
    labelNames: ['result'],
    registers: [registry],
  });
  for (const result of ['loaded', 'refused', 'unusable']) reloads.inc({ result }, 0);
  // Label sets resolved up front: zeros instead of gaps on dashboards, and a review only adds.
  const ENDPOINTS: Endpoint[] = ['mutate_pods', 'validate_kfp_launcher', 'validate_workflows'];
  const timers = new Map<Endpoint, HistogramSlot>(ENDPOINTS.map((endpoint) => [endpoint, duration.slot({ endpoint })]));
  for (const limit of ['deadline', 'queue'])
    for (const endpoint of ['validate_kfp_launcher', 'validate_workflows']) limits.labels({ endpoint, limit });
  const OUTCOMES: Outcome[] = ['mutated', 'allowed', 'warned', 'denied', 'rejected'];
  const counts = new Map<Endpoint, Map<Outcome, CounterSlot>>(
    ENDPOINTS.map((endpoint) => [endpoint, new Map(OUTCOMES.map((outcome) => [outcome, requests.slot({ endpoint, outcome })]))]),
  );
  return {
    registry,
    observe(endpoint, outcome, seconds) {
      timers.get(endpoint)?.observe(seconds);
      counts.get(endpoint)?.get(outcome)?.inc();
      if (outcome === 'mutated') mutations.inc();
      if (outcome === 'denied' && endpoint === 'validate_kfp_launcher') denials.inc();
      if (outcome === 'denied' && endpoint === 'validate_workflows') runDenials.inc();
    },
    warnings(endpoint, count) {
      if (count > 0 && endpoint === 'validate_kfp_launcher') warnings.inc(count);
    },
    limit(endpoint, limit) {
      limits.inc({ endpoint, limit });
    },
    connection(event) {
      connections.inc({ reason: event === 'timedOut' ? 'timed_out' : event });
    },
    servingCertificate(notAfter) {
      expiry.set(notAfter.getTime() / 1000);
    },
    certificateReload(result) {
      reloads.inc({ result });
    },
  };
}
