import assert from 'node:assert/strict';
import { mkdir, mkdtemp, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { Agent, request, type AgentOptions } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { connect, type TLSSocket } from 'node:tls';
import { certificateInfo, generateCA, issueServingCert, type KeyPairPem } from '../../certs/ca.ts';
import { writePairAtomically } from '../../certs/files.ts';
import { startHttpsServer, type HttpsServerHandle, type ReloadEvent } from '../../webhook/tls-server.ts';

const HOST = '127.0.0.1';
// Long enough that only fs.watch or reload() can explain a rotation within a test.
const NO_POLL_MS = 10 * 60 * 1000;

const tempDirs: string[] = [];
after(async () => {
  await Promise.all(tempDirs.map((d) => rm(d, { recursive: true, force: true })));
});

const ca = await generateCA({ commonName: 'tls-server test CA', validityDays: 2, now: new Date() });

function issueLeaf(): Promise<KeyPairPem> {
  return issueServingCert({
    ca,
    commonName: 'localhost',
    dnsNames: ['localhost'],
    ipAddresses: [HOST],
    validityDays: 1,
    now: new Date(),
  });
}

const serialOf = (pair: KeyPairPem): string => certificateInfo(pair.certPem).serial;
const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

async function newDir(): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'kfstore-tls-'));
  tempDirs.push(dir);
  return dir;
}

/** Replaces a single file atomically, e.g. to simulate a rotation that is half done. */
async function replaceFile(path: string, contents: string): Promise<void> {
  await writeFile(`${path}.tmp`, contents, { mode: 0o600 });
  await rename(`${path}.tmp`, path);
}

type Response = {
  status: number | undefined;
  body: string;
  serial: string | undefined;
  localPort: number | undefined;
  connection: string | undefined;
};

function get(port: number, opts: { agent: Agent | false; ca?: string; path?: string }): Promise<Response> {
  return new Promise((resolve, reject) => {
    const req = request(
      { host: HOST, port, path: opts.path ?? '/', servername: 'localhost', agent: opts.agent, ca: opts.ca, timeout: 15_000 },
      (res) => {
        const socket = res.socket as TLSSocket;
        // Undefined on a resumed TLS 1.3 session: Node has no peer certificate then.
        const serial: string | undefined = socket.getPeerCertificate().serialNumber;
        const localPort = socket.localPort;
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode, body, serial, localPort, connection: res.headers.connection }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end();
  });
}

/** The serial a new connection is served, without judging the certificate (the test clock is not the real one). */
function servedSerial(port: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: HOST, port, servername: 'localhost', rejectUnauthorized: false }, () => {
      const serial = socket.getPeerCertificate().serialNumber.toUpperCase();
      socket.end();
      resolve(serial);
    });
    socket.once('error', reject);
  });
}

const newAgent = (opts: AgentOptions = {}): Agent => new Agent({ ca: ca.certPem, ...opts });

/** Collects onReload events and lets a test wait for one. */
function reloadEvents() {
  const events: ReloadEvent[] = [];
  const waiters: Array<{ match: (e: ReloadEvent) => boolean; resolve: (e: ReloadEvent) => void }> = [];
  return {
    events,
    onReload(event: ReloadEvent): void {
      events.push(event);
      for (const w of [...waiters]) {
        if (w.match(event)) {
          waiters.splice(waiters.indexOf(w), 1);
          w.resolve(event);
        }
      }
    },
    waitFor(match: (e: ReloadEvent) => boolean, timeoutMs = 5_000): Promise<ReloadEvent> {
      const seen = events.find(match);
      if (seen) return Promise.resolve(seen);
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`no matching reload event; got ${JSON.stringify(events)}`)), timeoutMs);
        waiters.push({
          match,
          resolve: (e) => {
            clearTimeout(timer);
            resolve(e);
          },
        });
      });
    },
  };
}

async function start(
  certFile: string,
  keyFile: string,
  extra: { onReload?: (e: ReloadEvent) => void; pollIntervalMs?: number; now?: () => Date } = {},
): Promise<HttpsServerHandle> {
  return startHttpsServer({
    certFile,
    keyFile,
    now: extra.now,
    port: 0,
    host: HOST,
    pollIntervalMs: extra.pollIntervalMs ?? NO_POLL_MS,
    onReload: extra.onReload,
    listener: (_req, res) => res.end('ok'),
  });
}

describe('startHttpsServer', () => {
  test('serves TLS verifiable against the CA, TLS 1.2+ only', async (t) => {
    const dir = await newDir();
    const leaf = await issueLeaf();
    const { certFile, keyFile } = await writePairAtomically(dir, leaf);
    const handle = await start(certFile, keyFile);
    t.after(() => handle.close());

    const serverRefusals: string[] = [];
    handle.server.on('tlsClientError', (err: NodeJS.ErrnoException) => serverRefusals.push(err.code ?? ''));

    const ok = await get(handle.port, { agent: false, ca: ca.certPem });
    assert.equal(ok.status, 200);
    assert.equal(ok.body, 'ok');
    assert.equal(ok.serial, serialOf(leaf));

    await assert.rejects(get(handle.port, { agent: false }), { code: 'UNABLE_TO_VERIFY_LEAF_SIGNATURE' });

    await assert.rejects(
      new Promise((resolve, reject) => {
        // SECLEVEL=0 lets this OpenSSL offer TLS 1.1 at all, so the refusal is the server's.
        const socket = connect({
          host: HOST,
          port: handle.port,
          servername: 'localhost',
          ca: ca.certPem,
          minVersion: 'TLSv1',
          maxVersion: 'TLSv1.1',
          ciphers: 'DEFAULT@SECLEVEL=0',
        });
        socket.on('secureConnect', () => {
          socket.destroy();
          resolve(socket.getProtocol());
        });
        socket.on('error', reject);
      }),
      { code: 'ERR_SSL_TLSV1_ALERT_PROTOCOL_VERSION' },
    );
    assert.ok(serverRefusals.includes('ERR_SSL_UNSUPPORTED_PROTOCOL'), `server refusals: ${serverRefusals.join()}`);
    assert.equal(handle.server.keepAliveTimeout, 90_000);
    assert.equal(handle.server.headersTimeout, 10_000);
    assert.equal(handle.server.requestTimeout, 10_000);
  });

  test('refuses to start on a missing, unparsable or mismatched pair', async () => {
    const dir = await newDir();
    const leaf = await issueLeaf();
    const other = await issueLeaf();
    const { certFile, keyFile } = await writePairAtomically(dir, leaf);
    const missing = join(dir, 'missing.crt');
    await assert.rejects(start(missing, keyFile), (err: Error) => err.message.includes(missing) && /ENOENT/.test(err.message));

    const garbage = join(dir, 'garbage.crt');
    await writeFile(garbage, 'not a certificate');
    await assert.rejects(start(garbage, keyFile), new RegExp(`${garbage}.*not a valid PEM certificate`));

    const otherKey = join(dir, 'other.key');
    await writeFile(otherKey, other.keyPem);
    await assert.rejects(start(certFile, otherKey), new RegExp(`${otherKey} does not match certificate file ${certFile}`));
    await assert.rejects(
      start(certFile, garbage),
      (err: Error) => err.message.includes(garbage) && !err.message.includes('not a certificate'),
    );

    const running = await start(certFile, keyFile);
    try {
      await assert.rejects(startHttpsServer({ certFile, keyFile, port: running.port, host: HOST, listener: () => {} }), {
        code: 'EADDRINUSE',
      });
    } finally {
      await running.close();
    }
  });

  test('reload() installs a rotated pair for new connections; keep-alive connections survive', async (t) => {
    // Files reached through symlinks into another directory: the watched directory
    // sees no events, so only reload() can pick up the change.
    const root = await newDir();
    const real = join(root, 'real');
    const live = join(root, 'live');
    await mkdir(real);
    await mkdir(live);
    const before = await issueLeaf();
    await writePairAtomically(real, before);
    await symlink(join(real, 'tls.crt'), join(live, 'tls.crt'));
    await symlink(join(real, 'tls.key'), join(live, 'tls.key'));
    const events = reloadEvents();
    const handle = await start(join(live, 'tls.crt'), join(live, 'tls.key'), events);
    t.after(() => handle.close());

    const keepAlive = newAgent({ keepAlive: true, maxSockets: 1 });
    t.after(() => keepAlive.destroy());
    const first = await get(handle.port, { agent: keepAlive });
    assert.equal(first.serial, serialOf(before));

    assert.equal(await handle.reload(), false, 'unchanged files are not reinstalled');
    const rotated = await issueLeaf();
    await writePairAtomically(real, rotated);
    assert.equal(await handle.reload(), true);
    assert.deepEqual(events.events, [{ ok: true, serial: serialOf(rotated), notAfter: certificateInfo(rotated.certPem).notAfter }]);
    assert.deepEqual(handle.certificate(), {
      serial: serialOf(rotated),
      notBefore: certificateInfo(rotated.certPem).notBefore,
      notAfter: certificateInfo(rotated.certPem).notAfter,
    });

    const fresh = await get(handle.port, { agent: false, ca: ca.certPem });
    assert.equal(fresh.serial, serialOf(rotated));
    const reused = await get(handle.port, { agent: keepAlive });
    assert.equal(reused.status, 200);
    assert.equal(reused.localPort, first.localPort, 'same keep-alive connection');
    assert.equal(reused.serial, serialOf(before), 'negotiated before the rotation');
  });

  test('fs.watch picks up a Kubernetes-style ..data symlink swap without reload()', async (t) => {
    const dir = await newDir();
    const before = await issueLeaf();
    await mkdir(join(dir, '..v1'));
    await writePairAtomically(join(dir, '..v1'), before);
    await symlink('..v1', join(dir, '..data'));
    await symlink('..data/tls.crt', join(dir, 'tls.crt'));
    await symlink('..data/tls.key', join(dir, 'tls.key'));
    const events = reloadEvents();
    const handle = await start(join(dir, 'tls.crt'), join(dir, 'tls.key'), events);
    t.after(() => handle.close());

    const keepAlive = newAgent({ keepAlive: true, maxSockets: 1 });
    t.after(() => keepAlive.destroy());
    const first = await get(handle.port, { agent: keepAlive });
    assert.equal(first.serial, serialOf(before));

    // What the kubelet does: new timestamped dir, then atomically repoint ..data.
    const rotated = await issueLeaf();
    await mkdir(join(dir, '..v2'));
    await writePairAtomically(join(dir, '..v2'), rotated);
    await symlink('..v2', join(dir, '..data_tmp'));
    await rename(join(dir, '..data_tmp'), join(dir, '..data'));

    await events.waitFor((e) => e.ok && e.serial === serialOf(rotated));
    assert.equal((await get(handle.port, { agent: false, ca: ca.certPem })).serial, serialOf(rotated));
    const reused = await get(handle.port, { agent: keepAlive });
    assert.equal(reused.status, 200);
    assert.equal(reused.localPort, first.localPort);
    assert.equal(reused.serial, serialOf(before));
  });

  test('a half-written rotation keeps the old certificate until it completes', async (t) => {
    const dir = await newDir();
    const before = await issueLeaf();
    const { certFile, keyFile } = await writePairAtomically(dir, before);
    const events = reloadEvents();
    const handle = await start(certFile, keyFile, events);
    t.after(() => handle.close());

    const rotated = await issueLeaf();
    await replaceFile(certFile, rotated.certPem); // new cert, old key
    assert.equal(await handle.reload(), false);
    const failure = await events.waitFor((e) => !e.ok);
    assert.ok(!failure.ok && failure.error.includes('does not match'), JSON.stringify(failure));
    assert.equal((await get(handle.port, { agent: false, ca: ca.certPem })).serial, serialOf(before));

    // Completing the rotation is picked up by the watcher alone.
    await replaceFile(keyFile, rotated.keyPem);
    await events.waitFor((e) => e.ok && e.serial === serialOf(rotated));
    assert.equal((await get(handle.port, { agent: false, ca: ca.certPem })).serial, serialOf(rotated));
    assert.ok(
      events.events.every((e) => !e.ok || e.serial === serialOf(rotated)),
      'never installed a mismatched pair',
    );
  });

  test('an expired or not yet valid pair is refused at start, naming the dates', async () => {
    const dir = await newDir();
    const expired = await issueServingCert({
      ca,
      commonName: 'localhost',
      dnsNames: ['localhost'],
      ipAddresses: [HOST],
      validityDays: 1,
      now: new Date(Date.now() - 3 * DAY_MS),
    });
    const paths = await writePairAtomically(dir, expired);
    const notAfter = certificateInfo(expired.certPem).notAfter.toISOString();
    await assert.rejects(
      start(paths.certFile, paths.keyFile),
      new RegExp(`^Error: TLS certificate file ${paths.certFile} \\(serial ${serialOf(expired)}\\) expired ${notAfter} \\(now \\S+Z\\)$`),
    );
    // The same pair at a time inside its validity (injected clock) starts.
    const handle = await start(paths.certFile, paths.keyFile, { now: () => new Date(Date.now() - 2.5 * DAY_MS) });
    assert.equal(handle.certificate().serial, serialOf(expired));
    await handle.close();
    const early = await issueServingCert({
      ca,
      commonName: 'localhost',
      dnsNames: ['localhost'],
      ipAddresses: [HOST],
      validityDays: 1,
      now: new Date(Date.now() + 2 * HOUR_MS),
    });
    const earlyPaths = await writePairAtomically(await newDir(), early);
    await assert.rejects(
      start(earlyPaths.certFile, earlyPaths.keyFile),
      new RegExp(`\\(serial ${serialOf(early)}\\) is not valid before ${certificateInfo(early.certPem).notBefore.toISOString()}`),
    );
  });

  test('a reload never installs an expired or not yet valid pair over a valid one; says so once; installs it once valid', async (t) => {
    const dir = await newDir();
    const valid = await issueLeaf();
    const { certFile, keyFile } = await writePairAtomically(dir, valid);
    let clock = Date.now();
    const events = reloadEvents();
    // The poll re-checks; the injected clock decides validity.
    const handle = await start(certFile, keyFile, { ...events, now: () => new Date(clock) });
    t.after(() => handle.close());

    // Issued by a clock 2 h ahead (back-dated 1 h): valid only in an hour.
    const early = await issueServingCert({
      ca,
      commonName: 'localhost',
      dnsNames: ['localhost'],
      ipAddresses: [HOST],
      validityDays: 1,
      now: new Date(clock + 2 * HOUR_MS),
    });
    await writePairAtomically(dir, early);
    assert.equal(await handle.reload(), false);
    const refusal = await events.waitFor((e) => !e.ok);
    assert.ok(
      !refusal.ok &&
        refusal.outsideValidity === true &&
        refusal.error.includes(`(serial ${serialOf(early)}) is not valid before ${certificateInfo(early.certPem).notBefore.toISOString()}`),
      JSON.stringify(refusal),
    );
    assert.equal(await servedSerial(handle.port), serialOf(valid), 'still serving the valid pair');
    assert.equal(await handle.reload(), false);
    assert.equal(events.events.length, 1, 'the same refused pair is reported once, not on every poll');

    clock += HOUR_MS + 1000;
    assert.equal(await handle.reload(), true, 'installed once it is valid');
    assert.equal(await servedSerial(handle.port), serialOf(early));
    assert.equal(handle.certificate().notAfter.getTime(), certificateInfo(early.certPem).notAfter.getTime());

    const expired = await issueServingCert({
      ca,
      commonName: 'localhost',
      dnsNames: ['localhost'],
      ipAddresses: [HOST],
      validityDays: 1,
      now: new Date(clock - 3 * DAY_MS),
    });
    await writePairAtomically(dir, expired);
    assert.equal(await handle.reload(), false);
    const second = await events.waitFor((e) => !e.ok && e.error.includes(serialOf(expired)));
    assert.ok(!second.ok && second.outsideValidity === true && /expired/.test(second.error));
    assert.equal(await servedSerial(handle.port), serialOf(early));

    // The pair being served expiring in place is not a "refusal": nothing better is on disk.
    await writePairAtomically(dir, early);
    await handle.reload();
    clock += 2 * DAY_MS;
    assert.equal(await handle.reload(), false);
    assert.equal(events.events.filter((e) => !e.ok).length, 2);
  });

  test('three rotations under load: zero failed requests', { timeout: 180_000 }, async (t) => {
    const dir = await newDir();
    const initial = await issueLeaf();
    const { certFile, keyFile } = await writePairAtomically(dir, initial);
    // Watcher, poll and reload() all active, as in production.
    const handle = await start(certFile, keyFile, { pollIntervalMs: 500 });
    t.after(() => handle.close());

    const MIN_REQUESTS = 2_000;
    const MAX_REQUESTS = 10_000;
    const ROTATIONS = 3;
    const GAP = 300; // requests between rotations, so every certificate gets served
    const agents = [
      ...Array.from({ length: 4 }, () => newAgent({ keepAlive: true, maxSockets: 2 })),
      // New handshake per request, some of them attempting session resumption.
      ...Array.from({ length: 2 }, () => newAgent({ keepAlive: false })),
      ...Array.from({ length: 2 }, () => newAgent({ keepAlive: false, maxCachedSessions: 0 })),
    ];
    t.after(() => {
      for (const a of agents) a.destroy();
    });

    const expected = [serialOf(initial)];
    const seen = new Map<string, number>();
    const failures: string[] = [];
    let completed = 0;
    let resumed = 0;
    let rotationsDone = 0;
    let completedAtLastRotation = 0;
    let progress = (): void => {};

    const done = (): boolean =>
      completed >= MAX_REQUESTS || (completed >= MIN_REQUESTS && rotationsDone === ROTATIONS && completed - completedAtLastRotation >= GAP);

    const worker = async (agent: Agent): Promise<void> => {
      while (!done()) {
        try {
          const res = await get(handle.port, { agent });
          if (res.status !== 200 || res.body !== 'ok') failures.push(`status ${res.status} body ${res.body}`);
          if (res.serial === undefined) resumed++;
          else seen.set(res.serial, (seen.get(res.serial) ?? 0) + 1);
        } catch (err) {
          failures.push(String(err));
        }
        completed++;
        progress();
      }
    };
    const untilCompleted = (n: number): Promise<void> =>
      new Promise((resolve) => {
        progress = () => {
          if (completed >= n || done()) resolve();
        };
        progress();
      });

    const rotator = async (): Promise<void> => {
      for (let i = 0; i < ROTATIONS; i++) {
        await untilCompleted(completedAtLastRotation + GAP);
        const next = await issueLeaf();
        await writePairAtomically(dir, next);
        await handle.reload();
        expected.push(serialOf(next));
        rotationsDone++;
        completedAtLastRotation = completed;
      }
    };

    await Promise.all([...agents.map(worker), rotator()]);

    assert.deepEqual(failures.slice(0, 5), [], `${failures.length} failed requests`);
    assert.equal(rotationsDone, ROTATIONS);
    assert.ok(completed >= MIN_REQUESTS && completed < MAX_REQUESTS, `completed ${completed}`);
    assert.equal(new Set(expected).size, ROTATIONS + 1);
    for (const serial of expected) assert.ok(seen.has(serial), `serial ${serial} observed; seen ${JSON.stringify([...seen])}`);
    assert.deepEqual(
      [...seen.keys()].filter((s) => !expected.includes(s)),
      [],
    );
    t.diagnostic(`${completed} requests, ${resumed} on resumed sessions, per serial ${JSON.stringify([...seen.values()])}`);
  });

  test('close() lets in-flight requests finish and stops accepting', async (t) => {
    const dir = await newDir();
    const { certFile, keyFile } = await writePairAtomically(dir, await issueLeaf());
    let arrived: () => void = () => {};
    const requestArrived = new Promise<void>((resolve) => (arrived = resolve));
    let release: () => void = () => {};
    const released = new Promise<void>((resolve) => (release = resolve));
    const handle = await startHttpsServer({
      certFile,
      keyFile,
      port: 0,
      host: HOST,
      pollIntervalMs: NO_POLL_MS,
      listener: (_req, res) => {
        arrived();
        void released.then(() => res.end('late'));
      },
    });
    const agent = newAgent({ keepAlive: true });
    t.after(() => agent.destroy());

    const inFlight = get(handle.port, { agent });
    await requestArrived;
    const closed = handle.close();
    release();
    const res = await inFlight;
    assert.equal(res.status, 200);
    assert.equal(res.body, 'late');
    assert.equal(res.connection, 'close');
    await closed;
    assert.equal(handle.server.listening, false);
    await assert.rejects(get(handle.port, { agent: false, ca: ca.certPem }), { code: 'ECONNREFUSED' });
  });
});
