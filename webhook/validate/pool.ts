// Validation runs in a small pool of worker threads, never on the thread that mutates pods: a
// kfp-launcher or run review is tenant-controlled and parse-heavy, pod mutation is every pipeline
// pod and trivially cheap, and both webhooks fail closed. Each review has a deadline from its
// arrival; a worker still busy at the deadline is terminated (which stops even a runaway loop)
// and replaced, and the review is answered with the limit it hit. The queue is bounded in reviews
// and bytes, so a flood is refused at once instead of piling up memory.
import { Worker } from 'node:worker_threads';
import type { StorePolicy } from '../../settings/policy/schema.ts';
import { decider } from './decide.ts';
import type { AdmissionEndpoint, Decided } from './decide.ts';
import { WORKER_ROLE } from './worker.ts';
import type { Job, WorkerData } from './worker.ts';

export type LimitHit = { kind: 'limit'; limit: 'deadline' | 'queue' | 'worker'; message: string };
export type ValidationAnswer = Decided | LimitHit;

export interface Validator {
  validate(endpoint: AdmissionEndpoint, body: Uint8Array): Promise<ValidationAnswer>;
  /** Resolves once every worker has started and warmed up (serve only then). */
  ready(): Promise<void>;
  close(): Promise<void>;
}

export interface PoolOptions {
  /** The script that starts as a validation worker (validate/worker.ts, or the webhook bundle). */
  script: URL;
  policy: StorePolicy;
  workers: number;
  deadlineMs: number;
  /** Reviews waiting for a worker, at most. */
  maxQueue: number;
  /** Bytes of waiting review bodies, at most. */
  maxQueuedBytes: number;
  /** Heap per worker: a body that parses into more is answered as a worker failure. */
  heapMb: number;
}

/** Decides in the calling thread: for tests of the decisions, not for serving. */
export function inlineValidator(policy: StorePolicy): Validator {
  const decide = decider(policy);
  return { validate: async (endpoint, body) => decide(endpoint, body), ready: async () => {}, close: async () => {} };
}

interface Pending {
  id: number;
  job: Job;
  resolve: (answer: ValidationAnswer) => void;
  timer: NodeJS.Timeout;
  slot?: Slot;
}

interface Slot {
  worker: Worker;
  /** Set once the worker has warmed up; jobs wait for it. */
  warm: boolean;
  running?: Pending;
}

export function validationPool(opts: PoolOptions): Validator {
  const slots: (Slot | undefined)[] = Array.from({ length: opts.workers }, () => undefined);
  const queue: Pending[] = [];
  let queuedBytes = 0;
  let nextId = 1;
  let closed = false;
  const waiting: (() => void)[] = [];

  const finish = (p: Pending, answer: ValidationAnswer): void => {
    clearTimeout(p.timer);
    p.resolve(answer);
  };

  const spawn = (index: number): Slot => {
    const data: WorkerData = { role: WORKER_ROLE, policy: opts.policy };
    const worker = new Worker(opts.script, {
      workerData: data,
      resourceLimits: { maxOldGenerationSizeMb: opts.heapMb, maxYoungGenerationSizeMb: Math.max(4, Math.floor(opts.heapMb / 8)) },
    });
    const slot: Slot = { worker, warm: false };
    worker.on('message', (msg: { id: number; decided: Decided } | { ready: true }) => {
      if ('ready' in msg) {
        slot.warm = true;
        if (slots.every((s) => s?.warm === true)) for (const resolve of waiting.splice(0)) resolve();
        pump();
        return;
      }
      const p = slot.running;
      if (p === undefined || p.id !== msg.id) return;
      slot.running = undefined;
      finish(p, msg.decided);
      pump();
    });
    const lost = (why: string): void => {
      if (slots[index] !== slot) return;
      slots[index] = undefined;
      const p = slot.running;
      slot.running = undefined;
      if (p !== undefined) finish(p, { kind: 'limit', limit: 'worker', message: why });
      if (!closed) spawn(index);
      pump();
    };
    worker.on('error', (err) => lost(err.message));
    worker.on('exit', (code) => lost(`validation worker exited (${code})`));
    slots[index] = slot;
    return slot;
  };

  const pump = (): void => {
    while (!closed && queue.length > 0) {
      const index = slots.findIndex((s) => s?.warm && s.running === undefined);
      if (index < 0) return;
      const p = queue.shift() as Pending;
      queuedBytes -= p.job.body.byteLength;
      const slot = slots[index] as Slot;
      slot.running = p;
      p.slot = slot;
      slot.worker.postMessage(p.job, [p.job.body.buffer as ArrayBuffer]);
    }
  };

  const expire = (p: Pending): void => {
    const slot = p.slot;
    if (slot === undefined) {
      const at = queue.indexOf(p);
      if (at >= 0) {
        queue.splice(at, 1);
        queuedBytes -= p.job.body.byteLength;
      }
      p.resolve({ kind: 'limit', limit: 'deadline', message: `waited ${opts.deadlineMs} ms for a validation worker` });
      return;
    }
    // Terminating is the one way to stop JavaScript that is still running; the slot respawns.
    slot.running = undefined;
    const index = slots.indexOf(slot);
    if (index >= 0) slots[index] = undefined;
    slot.worker.removeAllListeners('exit');
    void slot.worker.terminate();
    p.resolve({ kind: 'limit', limit: 'deadline', message: `validation took longer than ${opts.deadlineMs} ms` });
    if (index >= 0 && !closed) spawn(index);
    pump();
  };

  // Started now, so that the first review does not wait for a worker to load.
  for (let i = 0; i < opts.workers; i++) spawn(i);

  return {
    ready: () => (slots.every((s) => s?.warm === true) ? Promise.resolve() : new Promise((resolve) => waiting.push(resolve))),
    validate(endpoint, body) {
      if (closed) return Promise.resolve({ kind: 'limit', limit: 'worker', message: 'shutting down' });
      if (queue.length >= opts.maxQueue || queuedBytes + body.byteLength > opts.maxQueuedBytes) {
        return Promise.resolve({
          kind: 'limit',
          limit: 'queue',
          message: `${queue.length} reviews (${queuedBytes} bytes) already wait for validation`,
        });
      }
      return new Promise((resolve) => {
        // Transfer needs a buffer of its own: Node's small Buffers share one pooled ArrayBuffer.
        const own = body.byteOffset === 0 && body.byteLength === body.buffer.byteLength ? body : new Uint8Array(body);
        const p: Pending = {
          id: nextId++,
          job: { id: 0, endpoint, body: own },
          resolve,
          timer: setTimeout(() => expire(p), opts.deadlineMs),
        };
        p.job.id = p.id;
        queue.push(p);
        queuedBytes += own.byteLength;
        pump();
      });
    },
    async close() {
      closed = true;
      for (const p of queue.splice(0)) finish(p, { kind: 'limit', limit: 'worker', message: 'shutting down' });
      await Promise.all(
        slots.map(async (slot) => {
          if (slot === undefined) return;
          slot.worker.removeAllListeners('exit');
          if (slot.running !== undefined) finish(slot.running, { kind: 'limit', limit: 'worker', message: 'shutting down' });
          await slot.worker.terminate();
        }),
      );
    },
  };
}
