// A validation worker thread: decides reviews posted by the pool (validate/pool.ts) one at a time.
// The webhook's single bundle starts itself as this worker, so the image needs no second file.
import { readlinkSync } from 'node:fs';
import { setPriority } from 'node:os';
import { isMainThread, parentPort, workerData } from 'node:worker_threads';
import type { StorePolicy } from '../../settings/policy/schema.ts';
import { decider } from './decide.ts';
import type { AdmissionEndpoint, Decider } from './decide.ts';

export const WORKER_ROLE = 'kfstore-validation-worker';

export interface WorkerData {
  role: typeof WORKER_ROLE;
  policy: StorePolicy;
}

export interface Job {
  id: number;
  endpoint: AdmissionEndpoint;
  body: Uint8Array;
}

function isWorkerData(v: unknown): v is WorkerData {
  return typeof v === 'object' && v !== null && (v as { role?: unknown }).role === WORKER_ROLE;
}

if (!isMainThread && parentPort !== null && isWorkerData(workerData)) {
  const port = parentPort;
  lowerPriority();
  const decide = decider(workerData.policy);
  warmUp(decide);
  port.postMessage({ ready: true });
  port.on('message', (job: Job) => {
    const before = process.threadCpuUsage();
    const decided = decide(job.endpoint, job.body);
    const cpu = process.threadCpuUsage(before);
    // This thread's CPU time for the review: the figure its budget is stated in.
    if (decided.kind === 'review') decided.log.workerCpuMs = Math.round((cpu.user + cpu.system) / 10) / 100;
    port.postMessage({ id: job.id, decided });
  });
}

// A fresh thread runs the parser unoptimised: the first reviews would cost several times what later
// ones do. Decide a few typical ones (distinct, so the lint cache does not answer) before the first.
function warmUp(decide: Decider): void {
  const encoder = new TextEncoder();
  for (let i = 0; i < 20; i++) {
    const providers = `s3:\n  default:\n    region: us-east-1\n    credentials: {fromEnv: false, secretRef: {secretName: s${i}, accessKeyKey: a, secretKeyKey: b}}\n  overrides:\n    - {bucketName: b, keyPrefix: p${i}/, credentials: {fromEnv: true}}\n`;
    const object = { metadata: { name: 'kfp-launcher', namespace: 'warm-up' }, data: { defaultPipelineRoot: `s3://b/p${i}`, providers } };
    const review = {
      apiVersion: 'admission.k8s.io/v1',
      kind: 'AdmissionReview',
      request: {
        uid: `warm-up-${i}`,
        kind: { group: '', version: 'v1', kind: 'ConfigMap' },
        namespace: 'warm-up',
        operation: 'CREATE',
        object,
      },
    };
    decide('validate_kfp_launcher', encoder.encode(JSON.stringify(review)));
  }
}

/**
 * On Linux a thread can be niced on its own: the workers yield the CPU to the main thread, which
 * mutates every pipeline pod, whenever both want it (a pod's CPU limit is shared by all threads).
 * Raising one's own nice value needs no privilege; elsewhere this is skipped.
 */
function lowerPriority(): void {
  try {
    const tid = Number(readlinkSync('/proc/thread-self').split('/').pop());
    if (Number.isInteger(tid) && tid > 0) setPriority(tid, 10);
  } catch {
    // Not Linux, or /proc not mounted: equal priority, still isolated from the event loop.
  }
}
