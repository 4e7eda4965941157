// Open-loop load: requests sent on a fixed schedule whether or not earlier ones finished (as
// kube-apiserver sends admission reviews), each timed from when it was due.
import { Agent, request } from 'node:https';

export interface OpenLoopResult {
  answered: number;
  failed: number;
  p50: number;
  p99: number;
  max: number;
}

export async function openLoop(
  url: string,
  ca: string,
  body: string,
  rate: number,
  seconds: number,
  ok: (status: number, text: string) => boolean,
): Promise<OpenLoopResult> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const times: number[] = [];
  let failed = 0;
  const started = performance.now();
  const pending: Promise<void>[] = [];
  for (let i = 0; i < rate * seconds; i++) {
    const due = started + (i * 1000) / rate;
    const wait = due - performance.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    pending.push(
      post(url, ca, agent, body).then(
        ({ status, text }) => {
          // From when it was due, so a stalled client counts against the server too.
          if (ok(status, text)) times.push(performance.now() - due);
          else failed++;
        },
        () => void failed++,
      ),
    );
  }
  await Promise.all(pending);
  agent.destroy();
  times.sort((a, b) => a - b);
  const at = (q: number): number => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? Number.NaN;
  return { answered: times.length, failed, p50: at(0.5), p99: at(0.99), max: times[times.length - 1] ?? Number.NaN };
}

function post(url: string, ca: string, agent: Agent, body: string): Promise<{ status: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(
      url,
      {
        method: 'POST',
        ca,
        agent,
        servername: 'localhost',
        headers: { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(body)) },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (d: string) => (text += d));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}
