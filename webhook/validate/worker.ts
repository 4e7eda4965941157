// A validation worker thread: decides reviews posted by the pool (validate/pool.ts) one at a time.
// The webhook's single bundle starts itself as this worker, so the image needs no second file.
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { StorePolicy } from '../../settings/policy/schema.ts';
import { decider } from './decide.ts';
import type { ValidationEndpoint } from './decide.ts';

export const WORKER_ROLE = 'kfstore-validation-worker';

export interface WorkerData {
  role: typeof WORKER_ROLE;
  policy: StorePolicy;
}

export interface Job {
  id: number;
  endpoint: ValidationEndpoint;
  body: Uint8Array;
}

function isWorkerData(v: unknown): v is WorkerData {
  return typeof v === 'object' && v !== null && (v as { role?: unknown }).role === WORKER_ROLE;
}

if (!isMainThread && parentPort !== null && isWorkerData(workerData)) {
  const port = parentPort;
  const decide = decider(workerData.policy);
  port.on('message', (job: Job) => {
    port.postMessage({ id: job.id, decided: decide(job.endpoint, job.body) });
  });
}
