// A stand-in validation worker for pool tests: answers at once, spins forever on a body holding
// "spin", and exits on one holding "crash". It speaks the pool's protocol (validate/worker.ts).
import { parentPort } from 'node:worker_threads';

const port = parentPort;
if (port !== null) {
  port.postMessage({ ready: true });
  port.on('message', (job: { id: number; body: Uint8Array }) => {
    const text = new TextDecoder().decode(job.body);
    if (text.includes('crash')) process.exit(3);
    if (text.includes('spin')) for (;;);
    port.postMessage({ id: job.id, decided: { kind: 'rejected', code: 400, reason: 'BadRequest', message: `echo ${text}` } });
  });
}
