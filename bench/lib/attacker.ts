// A worker thread of the attack bench: sends the worst-case validation reviews in a loop on its
// own connections, so building and sending megabytes never delays the measuring thread.
import { readlinkSync } from 'node:fs';
import { Agent, request } from 'node:https';
import { setPriority } from 'node:os';
import { parentPort, workerData } from 'node:worker_threads';

interface AttackerData {
  url: string;
  ca: string;
  bodies: { path: string; body: string }[];
  concurrency: number;
}

const data = workerData as AttackerData;
// In a cluster the attacker runs on other nodes: here it yields this machine's CPUs to the webhook.
try {
  setPriority(Number(readlinkSync('/proc/thread-self').split('/').pop()), 19);
} catch {
  // not Linux: the attacker competes for the CPU, which only makes the figures worse
}
const agent = new Agent({ keepAlive: true, maxSockets: data.concurrency });
let stop = false;
let sent = 0;
let refused = 0;
parentPort?.on('message', (m: string) => {
  if (m === 'stop') stop = true;
});

function send(path: string, body: string): Promise<void> {
  return new Promise((resolve) => {
    const req = request(
      `${data.url}${path}`,
      {
        method: 'POST',
        ca: data.ca,
        agent,
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d.length < 512 ? d : ''));
        res.on('end', () => {
          sent++;
          if (/"code":(422|429)/.test(text)) refused++;
          resolve();
        });
      },
    );
    req.on('error', () => resolve());
    req.end(body);
  });
}

await Promise.all(
  Array.from({ length: data.concurrency }, async (_, i) => {
    for (let n = i; !stop; n += data.concurrency) {
      const b = data.bodies[n % data.bodies.length];
      if (b !== undefined) await send(b.path, b.body);
    }
  }),
);
agent.destroy();
parentPort?.postMessage({ sent, refused });
