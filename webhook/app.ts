// The Hono app: health, and the admission endpoints behind one small admission handler
// (Content-Type, body cap). Pod reviews of a normal size are decided here, on the main thread;
// validation reviews and oversized pod reviews go to the workers (validate/pool.ts) as raw bytes.
// Decisions live in mutate/ and validate/ (decide.ts); this file only moves bytes, logs and counts.
import { performance } from 'node:perf_hooks';
import { Hono } from 'hono';
import type { Context } from 'hono';
import { secretUseFindings } from '../settings/lint/launcher-lint.ts';
import type { SecretLookup } from '../settings/lint/launcher-lint.ts';
import type { StorePolicy } from '../settings/policy/schema.ts';
import { readBody } from './admission/read-body.ts';
import { requestHeader } from './admission/node-request.ts';
import { sendJson } from './admission/send.ts';
import { deny, reviewOf } from './admission/review.ts';
import type { Logger } from './log.ts';
import type { Endpoint, Metrics } from './metrics.ts';
import { decider } from './validate/decide.ts';
import type { AdmissionEndpoint } from './validate/decide.ts';
import type { Validator } from './validate/pool.ts';
import { addWarnings } from './validate/respond.ts';
import { sniffUid } from './validate/sniff-uid.ts';

/** controller-runtime's limit: old + new object of at most 3 MB each, plus the envelope. */
export const MAX_BODY_BYTES = 7 * 1024 * 1024;
/**
 * Pod reviews up to this size are decided on the main thread (a KFP pod's review is about 10 KiB and
 * costs well under a millisecond); larger ones, which only a hostile or broken client sends, go to
 * the workers so that parsing megabytes never delays the pods behind them.
 */
export const INLINE_POD_BYTES = 256 * 1024;

export interface AppDeps {
  policy: StorePolicy;
  metrics: Metrics;
  logger: Logger;
  validator: Validator;
  /** Secret metadata per namespace, from the cluster cache; absent in --no-cluster mode. */
  secrets?: (namespace: string) => SecretLookup | undefined;
  draining?: () => boolean;
}

export function createApp(deps: AppDeps): Hono {
  const app = new Hono();
  const { metrics, logger } = deps;

  app.get('/healthz', (c) => c.text('ok'));
  app.get('/readyz', (c) => (deps.draining?.() ? c.text('draining', 503) : c.text('ok')));

  const inline = decider(deps.policy);

  const admission = (name: AdmissionEndpoint) => async (c: Context) => {
    const started = performance.now();
    // Content-Type and the body cap first: the body, or the answer.
    const type = requestHeader(c, 'content-type') ?? '';
    if (!/^application\/json\s*(;|$)/i.test(type))
      return reject(c, name, started, 415, 'UnsupportedMediaType', `Content-Type must be application/json, got '${type.slice(0, 100)}'`);
    const read = await readBody(c, MAX_BODY_BYTES);
    if (!read.ok) {
      metrics.limit(name, 'body');
      return reject(c, name, started, 413, 'RequestEntityTooLarge', `request body exceeds ${MAX_BODY_BYTES} bytes`);
    }
    const bytes = read.bytes;
    const isInline = name === 'mutate_pods' && bytes.byteLength <= INLINE_POD_BYTES;
    // Read before the bytes move to a worker: a review refused at a limit is still answered by uid.
    const uid = isInline ? undefined : sniffUid(bytes);
    const answer = isInline ? inline(name, bytes) : await deps.validator.validate(name, bytes);
    const seconds = (performance.now() - started) / 1000;
    if (answer.kind === 'rejected') return reject(c, name, started, answer.code, answer.reason, answer.message);
    if (answer.kind === 'limit') {
      metrics.limit(name, answer.limit);
      metrics.observe(name, 'denied', seconds);
      logger.warn(
        { uid, endpoint: name, limit: answer.limit, reason: answer.message, durationMs: ms(seconds) },
        'admission refused at a limit',
      );
      if (uid === undefined)
        return reject(c, name, started, 503, 'ServiceUnavailable', `kfstore could not decide this review: ${answer.message}`);
      return sendJson(c, reviewOf(deny(uid, limitMessage(name, answer.limit, answer.message), answer.limit === 'deadline' ? 422 : 429)));
    }
    let decided = { response: answer.response, outcome: answer.outcome };
    if (answer.secrets !== undefined && deps.secrets !== undefined) {
      const lookup = deps.secrets(answer.secrets.namespace);
      if (lookup !== undefined) decided = addWarnings(decided, secretUseFindings(answer.secrets.uses, lookup, 'admission'));
    }
    for (const limit of answer.limits) metrics.limit(name, limit);
    const warnings = decided.response.warnings?.length ?? 0;
    metrics.warnings(name, warnings);
    metrics.observe(name, decided.outcome, seconds);
    // Plain successes (a pod mutated, a review allowed) are counted in the metrics and logged at
    // debug: a line per pipeline pod at info cost a third of the CPU of a review. What an operator
    // acts on (denials, warnings, limits, rejected requests) is logged at info or warn.
    const plain = decided.outcome === 'allowed' || decided.outcome === 'mutated';
    if (!plain || logger.isLevelEnabled('debug')) {
      const entry = { endpoint: name, outcome: decided.outcome, durationMs: ms(seconds), warnings, ...answer.log };
      if (plain) logger.debug(entry, 'admission');
      else logger.info(entry, 'admission');
    }
    return sendJson(c, reviewOf(decided.response));
  };
  app.post('/mutate/pods', admission('mutate_pods'));
  app.post('/validate/kfp-launcher', admission('validate_kfp_launcher'));
  app.post('/validate/workflows', admission('validate_workflows'));

  app.notFound((c) => c.json(status(404, 'NotFound', `no route ${c.req.method} ${c.req.path}`), 404));
  app.onError((err, c) => {
    logger.error({ err: { message: err.message, name: err.name }, path: c.req.path }, 'unhandled error');
    return c.json(status(500, 'InternalError', 'internal error'), 500);
  });

  function reject(c: Context, endpoint: Endpoint, started: number, code: 400 | 413 | 415 | 503, reason: string, message: string): Response {
    metrics.observe(endpoint, 'rejected', (performance.now() - started) / 1000);
    logger.warn({ endpoint, code, reason, message }, 'rejected request');
    return sendJson(c, status(code, reason, message), code);
  }
  return app;
}

function limitMessage(endpoint: AdmissionEndpoint, limit: 'deadline' | 'queue' | 'worker', detail: string): string {
  const what = endpoint === 'validate_kfp_launcher' ? 'this kfp-launcher' : endpoint === 'validate_workflows' ? 'this run' : 'this pod';
  switch (limit) {
    case 'deadline':
      return `kfstore stopped validating ${what}: ${detail} (its limit per review). Keep providers small and plain (under 32 KiB, few aliases), or check it with kubectl kfstore doctor -f`;
    case 'queue':
      return `kfstore is validating too many changes at once (${detail}); retry in a moment`;
    default:
      return `kfstore could not validate ${what}: ${detail}; retry, and if it persists check the webhook's logs`;
  }
}

function ms(seconds: number): number {
  return Math.round(seconds * 1e6) / 1e3;
}

/** A metav1.Status body, what Kubernetes clients expect from an error response. */
function status(code: number, reason: string, message: string) {
  return { apiVersion: 'v1', kind: 'Status', status: 'Failure', code, reason, message };
}
