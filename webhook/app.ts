// The Hono app: health, and the two admission endpoints behind one small admission handler
// (Content-Type, 7 MiB body cap, JSON, AdmissionReview envelope). Decisions live in mutate/ and
// validate/; this file only moves bytes, logs and counts.
import { Hono } from 'hono';
import type { Context } from 'hono';
import type { SecretLookup } from '../settings/lint/launcher-lint.ts';
import { resolveProfile } from '../settings/policy/resolve.ts';
import type { ProfileStore } from '../settings/policy/resolve.ts';
import type { StorePolicy } from '../settings/policy/schema.ts';
import { readBody } from './admission/read-body.ts';
import { admissionReviewSchema, describeIssues, reviewOf } from './admission/review.ts';
import type { AdmissionRequest, AdmissionResponse } from './admission/review.ts';
import type { Logger } from './log.ts';
import type { Endpoint, Metrics, Outcome } from './metrics.ts';
import { mutatePod } from './mutate/mutate-pod.ts';
import { cachedLint } from './validate/lint-cache.ts';
import { validateLauncher } from './validate/validate-launcher.ts';

/** controller-runtime's limit: old + new object of at most 3 MB each, plus the envelope. */
export const MAX_BODY_BYTES = 7 * 1024 * 1024;
const PROFILE_CACHE_LIMIT = 4096;

export interface AppDeps {
  policy: StorePolicy;
  metrics: Metrics;
  logger: Logger;
  /** Secret metadata per namespace, from the cluster cache; absent in --no-cluster mode. */
  secrets?: (namespace: string) => SecretLookup | undefined;
  draining?: () => boolean;
}

interface Decision {
  response: AdmissionResponse;
  outcome: Outcome;
  log: Record<string, unknown>;
}

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  const profile = profileCache(deps.policy);
  const lint = cachedLint();

  app.get('/healthz', (c) => c.text('ok'));
  app.get('/readyz', (c) => (deps.draining?.() ? c.text('draining', 503) : c.text('ok')));

  const endpoint = (name: Endpoint, decide: (req: AdmissionRequest) => Decision) => async (c: Context) => {
    const started = performance.now();
    const type = c.req.header('content-type') ?? '';
    if (!/^application\/json\s*(;|$)/i.test(type)) return reject(c, deps, name, 415, 'UnsupportedMediaType', `Content-Type must be application/json, got '${type.slice(0, 100)}'`);
    const read = await readBody(c, MAX_BODY_BYTES);
    if (!read.ok) return reject(c, deps, name, 413, 'RequestEntityTooLarge', `request body exceeds ${MAX_BODY_BYTES} bytes`);
    let body: unknown;
    try {
      body = JSON.parse(read.text);
    } catch {
      return reject(c, deps, name, 400, 'BadRequest', 'request body is not valid JSON');
    }
    const review = admissionReviewSchema.safeParse(body);
    if (!review.success) return reject(c, deps, name, 400, 'BadRequest', `not an admission.k8s.io/v1 AdmissionReview request: ${describeIssues('review', review.error.issues)}`);
    const req = review.data.request;
    const decision = decide(req);
    const seconds = (performance.now() - started) / 1000;
    deps.metrics.observe(name, decision.outcome, seconds);
    const entry = { uid: req.uid, endpoint: name, namespace: req.namespace, name: req.name, operation: req.operation, outcome: decision.outcome, durationMs: Math.round(seconds * 1e6) / 1e3, ...decision.log };
    if (decision.outcome === 'allowed') deps.logger.debug(entry, 'admission');
    else deps.logger.info(entry, 'admission');
    return c.json(reviewOf(decision.response));
  };

  app.post(
    '/mutate/pods',
    endpoint('mutate_pods', (req) => {
      const r = mutatePod(req, deps.policy, profile);
      return { response: r.response, outcome: r.outcome, log: { detail: r.detail } };
    }),
  );
  app.post(
    '/validate/kfp-launcher',
    endpoint('validate_kfp_launcher', (req) => {
      const r = validateLauncher(req, deps.policy, profile, lint, deps.secrets);
      const warnings = r.response.warnings?.length ?? 0;
      deps.metrics.warnings(warnings);
      const outcome: Outcome = r.outcome;
      return { response: r.response, outcome, log: { findings: r.findings.map((f) => `${f.level}:${f.id}`), warnings } };
    }),
  );
  app.notFound((c) => c.json(status(404, 'NotFound', `no route ${c.req.method} ${c.req.path}`), 404));
  app.onError((err, c) => {
    deps.logger.error({ err: { message: err.message, name: err.name }, path: c.req.path }, 'unhandled error');
    return c.json(status(500, 'InternalError', 'internal error'), 500);
  });
  return app;
}

function reject(c: Context, deps: AppDeps, endpoint: Endpoint, code: 400 | 413 | 415, reason: string, message: string): Response {
  deps.metrics.observe(endpoint, 'rejected', 0);
  deps.logger.warn({ endpoint, code, reason, message }, 'rejected request');
  return c.json(status(code, reason, message), code);
}

/** A metav1.Status body, what Kubernetes clients expect from an error response. */
function status(code: number, reason: string, message: string) {
  return { apiVersion: 'v1', kind: 'Status', status: 'Failure', code, reason, message };
}

// The policy never changes while the process runs, so each namespace resolves once.
function profileCache(policy: StorePolicy): (namespace: string) => ProfileStore {
  const cache = new Map<string, ProfileStore>();
  return (namespace) => {
    let store = cache.get(namespace);
    if (store === undefined) {
      if (cache.size >= PROFILE_CACHE_LIMIT) cache.clear();
      store = resolveProfile(policy, namespace);
      cache.set(namespace, store);
    }
    return store;
  };
}
