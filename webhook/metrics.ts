// Prometheus metrics, served on the plain-HTTP metrics port. Buckets start at 100 µs: the
// handler answers in well under a millisecond, and kube-apiserver's budget is the whole timeout.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export type Endpoint = 'mutate_pods' | 'validate_kfp_launcher';
export type Outcome = 'mutated' | 'allowed' | 'warned' | 'denied' | 'rejected';
/** loaded: a new pair is served; refused: expired or not yet valid; unusable: unreadable or mismatched files. */
export type ReloadResult = 'loaded' | 'refused' | 'unusable';

export interface Metrics {
  registry: Registry;
  observe(endpoint: Endpoint, outcome: Outcome, seconds: number): void;
  warnings(count: number): void;
  /** The certificate now served (at start and after each reload). */
  servingCertificate(notAfter: Date): void;
  certificateReload(result: ReloadResult): void;
}

export function createMetrics(): Metrics {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'kfstore_' });
  const duration = new Histogram({
    name: 'kfstore_admission_duration_seconds',
    help: 'Time to answer an admission request, from body read to response',
    labelNames: ['endpoint'],
    buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
    registers: [registry],
  });
  const requests = new Counter({
    name: 'kfstore_admission_requests_total',
    help: 'Admission requests by endpoint and outcome (rejected = not a well-formed AdmissionReview)',
    labelNames: ['endpoint', 'outcome'],
    registers: [registry],
  });
  const mutations = new Counter({ name: 'kfstore_pod_mutations_total', help: 'Pods that received injected settings', registers: [registry] });
  const denials = new Counter({ name: 'kfstore_launcher_denials_total', help: 'kfp-launcher ConfigMaps denied', registers: [registry] });
  const warnings = new Counter({ name: 'kfstore_launcher_warnings_total', help: 'Warnings returned for kfp-launcher ConfigMaps', registers: [registry] });
  // What a monitoring overlay alerts on: kube-apiserver rejects every call once this passes.
  const expiry = new Gauge({ name: 'kfstore_serving_certificate_expiry_timestamp_seconds', help: 'notAfter of the serving certificate in use, as a Unix time', registers: [registry] });
  const reloads = new Counter({ name: 'kfstore_certificate_reloads_total', help: 'Certificate file changes by result (refused: expired or not yet valid, the previous certificate stays)', labelNames: ['result'], registers: [registry] });
  // Pre-create the label sets so dashboards see zeros instead of gaps.
  for (const endpoint of ['mutate_pods', 'validate_kfp_launcher']) duration.zero({ endpoint });
  for (const result of ['loaded', 'refused', 'unusable']) reloads.inc({ result }, 0);
  return {
    registry,
    observe(endpoint, outcome, seconds) {
      duration.observe({ endpoint }, seconds);
      requests.inc({ endpoint, outcome });
      if (outcome === 'mutated') mutations.inc();
      if (outcome === 'denied' && endpoint === 'validate_kfp_launcher') denials.inc();
    },
    warnings(count) {
      if (count > 0) warnings.inc(count);
    },
    servingCertificate(notAfter) {
      expiry.set(notAfter.getTime() / 1000);
    },
    certificateReload(result) {
      reloads.inc({ result });
    },
  };
}
