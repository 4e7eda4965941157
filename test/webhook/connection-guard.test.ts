// Connection limits on the admission port, each slow-client class cut in bounded time: a TCP
// connection that never starts TLS, a handshake followed by silence, headers sent slowly, a body
// sent slowly; and at the connection limit, idle keep-alive connections make room for new ones.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent, request } from 'node:https';
import { connect as tcpConnect } from 'node:net';
import type { Socket } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { connect as tlsConnect } from 'node:tls';
import type { TLSSocket } from 'node:tls';
import { generateCA, issueServingCert } from '../../certs/ca.ts';
import { writePairAtomically } from '../../certs/files.ts';
import { startHttpsServer } from '../../webhook/tls-server.ts';
import type { HttpsServerHandle } from '../../webhook/tls-server.ts';

const HOST = '127.0.0.1';
const IDLE_MS = 400;
const REQUEST_MS = 600;
/** How much later than its limit a cut may come: Node checks request timers once a second. */
const SLACK_MS = 1500;

let dir: string;
let handle: HttpsServerHandle;
let caPem: string;

before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kfstore-conn-'));
  const ca = await generateCA({ commonName: 'connection test CA', validityDays: 2, now: new Date() });
  caPem = ca.certPem;
  const leaf = await issueServingCert({
    ca,
    commonName: 'localhost',
    dnsNames: ['localhost'],
    ipAddresses: [HOST],
    validityDays: 1,
    now: new Date(),
  });
  const { certFile, keyFile } = await writePairAtomically(dir, leaf);
  handle = await startHttpsServer({
    certFile,
    keyFile,
    host: HOST,
    port: 0,
    pollIntervalMs: 600_000,
    connections: { maxConnections: 6, maxPendingPerIp: 4, idleMs: IDLE_MS },
    requestTimeoutMs: REQUEST_MS,
    listener: (req, res) => {
      req.resume();
      req.on('end', () => res.end('ok'));
    },
  });
});
after(async () => {
  await handle.close();
  await rm(dir, { recursive: true, force: true });
});

/** Milliseconds until the server closes `socket`. */
function closedAfter(socket: Socket, started: number): Promise<number> {
  return new Promise((resolve) => {
    socket.on('error', () => {});
    socket.once('close', () => resolve(performance.now() - started));
  });
}

function tls(): Promise<TLSSocket> {
  return new Promise((resolve, reject) => {
    const s = tlsConnect({ host: HOST, port: handle.port, servername: 'localhost', ca: caPem }, () => resolve(s));
    s.once('error', reject);
  });
}

function get(agent: Agent): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request({ host: HOST, port: handle.port, servername: 'localhost', ca: caPem, agent, path: '/' }, (res) => {
      res.resume();
      res.on('end', () => resolve(res.statusCode ?? 0));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('connection limits', () => {
  it('a TCP connection that never starts TLS is closed within the idle timeout', async () => {
    const started = performance.now();
    const s = tcpConnect(handle.port, HOST);
    const ms = await closedAfter(s, started);
    assert.ok(ms >= IDLE_MS * 0.8 && ms < IDLE_MS + SLACK_MS, `${ms} ms`);
  });

  it('a completed handshake followed by silence is closed within the idle timeout (counted from accept)', async () => {
    const started = performance.now();
    const s = await tls();
    const ms = await closedAfter(s, started);
    assert.ok(ms < IDLE_MS + SLACK_MS, `${ms} ms`);
  });

  it('headers sent a byte at a time are cut within the idle timeout', async () => {
    const s = await tls();
    const started = performance.now();
    const closed = closedAfter(s, started);
    const drip = setInterval(() => s.writable && s.write('X'), 50);
    s.write('POST /mutate/pods HTTP/1.1\r\nHost: x\r\nX-Slow: ');
    const ms = await closed;
    clearInterval(drip);
    assert.ok(ms < IDLE_MS + SLACK_MS, `${ms} ms`);
  });

  it('a body sent slowly is cut at the request timeout', async () => {
    const s = await tls();
    const started = performance.now();
    const closed = closedAfter(s, started);
    let reply = '';
    s.on('data', (d: Buffer) => (reply += d.toString()));
    s.write('POST /mutate/pods HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000000\r\n\r\n{');
    const drip = setInterval(() => s.writable && s.write(' '), 50);
    const ms = await closed;
    clearInterval(drip);
    assert.ok(ms < REQUEST_MS + SLACK_MS, `${ms} ms`);
    assert.match(reply, /^HTTP\/1\.1 408/);
  });

  it('at the limit, the longest-idle keep-alive connection makes room for a new one', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 6 });
    // Six keep-alive connections, each idle after one request.
    await Promise.all(Array.from({ length: 6 }, () => get(agent)));
    assert.equal(handle.connections().open, 6);
    const before = handle.connections().evicted;
    const fresh = new Agent({ keepAlive: false });
    assert.equal(await get(fresh), 200);
    assert.ok(handle.connections().evicted > before, JSON.stringify(handle.connections()));
    agent.destroy();
    fresh.destroy();
  });

  it('one address may hold only a few connections that have not sent a request; more are refused at once', async () => {
    const sockets = Array.from({ length: 4 }, () => tcpConnect(handle.port, HOST));
    await new Promise((r) => setTimeout(r, 100));
    const refusedBefore = handle.connections().refused;
    const extra = tcpConnect(handle.port, HOST);
    const ms = await closedAfter(extra, performance.now());
    assert.ok(ms < IDLE_MS, `refused at once, not timed out (${ms} ms)`);
    assert.ok(handle.connections().refused > refusedBefore);
    for (const s of sockets) s.destroy();
  });
});
