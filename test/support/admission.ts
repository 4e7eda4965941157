// Building AdmissionReviews and calling the Hono app in-process, with logs captured for inspection.
import { Writable } from 'node:stream';
import type { Hono } from 'hono';
import { loadPolicy } from '../../settings/policy/load.ts';
import type { StorePolicy } from '../../settings/policy/schema.ts';
import { createApp } from '../../webhook/app.ts';
import type { AppDeps } from '../../webhook/app.ts';
import { createLogger } from '../../webhook/log.ts';
import { createMetrics } from '../../webhook/metrics.ts';
import { inlineValidator } from '../../webhook/validate/pool.ts';
import { readFixture } from './fixtures.ts';

export function policyFixture(name: string): StorePolicy {
  const loaded = loadPolicy(readFixture('policies', name));
  if (!loaded.ok) throw new Error(`fixture policy ${name}: ${loaded.errors.join('; ')}`);
  return loaded.policy;
}

export interface TestApp {
  app: Hono;
  logs: () => string;
  deps: AppDeps;
}

export function testApp(policy: StorePolicy, extra: Partial<AppDeps> = {}): TestApp {
  const chunks: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      chunks.push(chunk.toString());
      done();
    },
  });
  const deps: AppDeps = {
    policy,
    metrics: createMetrics(),
    logger: createLogger('debug', sink),
    validator: inlineValidator(policy),
    ...extra,
  };
  return { app: createApp(deps), logs: () => chunks.join(''), deps };
}

let counter = 0;

export function review(kind: 'Pod' | 'ConfigMap', namespace: string, object: unknown, operation = 'CREATE', name?: string) {
  counter += 1;
  const resource = kind === 'Pod' ? 'pods' : 'configmaps';
  const request: Record<string, unknown> = {
    uid: `00000000-0000-4000-8000-${String(counter).padStart(12, '0')}`,
    kind: { group: '', version: 'v1', kind },
    resource: { group: '', version: 'v1', resource },
    requestKind: { group: '', version: 'v1', kind },
    namespace,
    operation,
    userInfo: { username: 'system:serviceaccount:kubeflow:argo', groups: ['system:serviceaccounts'] },
    object,
    dryRun: false,
  };
  if (name !== undefined) request.name = name;
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request };
}

export interface ReviewResponse {
  uid: string;
  allowed: boolean;
  status?: { code: number; message: string };
  patchType?: string;
  patch?: string;
  warnings?: string[];
}

export async function post(
  app: Hono,
  path: string,
  body: unknown,
  contentType = 'application/json',
): Promise<{ status: number; json: Record<string, unknown> }> {
  const res = await app.request(path, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

/** POSTs a review and returns its response, asserting the envelope KFP's API server requires. */
export async function admit(app: Hono, path: string, body: ReturnType<typeof review>): Promise<ReviewResponse> {
  const { status, json } = await post(app, path, body);
  if (status !== 200) throw new Error(`HTTP ${status}: ${JSON.stringify(json)}`);
  if (json.apiVersion !== 'admission.k8s.io/v1' || json.kind !== 'AdmissionReview')
    throw new Error(`bad envelope ${JSON.stringify(json).slice(0, 200)}`);
  const response = json.response as ReviewResponse;
  if (response.uid !== body.request.uid) throw new Error('uid not echoed');
  return response;
}

export function decodePatch(response: ReviewResponse): { op: string; path: string; value?: unknown }[] {
  if (response.patch === undefined) return [];
  if (response.patchType !== 'JSONPatch') throw new Error(`patchType ${response.patchType}`);
  return JSON.parse(Buffer.from(response.patch, 'base64').toString('utf8')) as { op: string; path: string; value?: unknown }[];
}
