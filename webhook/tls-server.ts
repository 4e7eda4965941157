// HTTPS server whose certificate is hot-reloaded from disk (e.g. a mounted Secret).
import { X509Certificate, createPrivateKey } from 'node:crypto';
import { watch, type FSWatcher } from 'node:fs';
import { readFile } from 'node:fs/promises';
import type { RequestListener } from 'node:http';
import { createServer, type Server, type ServerOptions } from 'node:https';
import type { AddressInfo } from 'node:net';
import { dirname } from 'node:path';
import { guardConnections } from './connection-guard.ts';
import type { ConnectionLimits, ConnectionStats } from './connection-guard.ts';

/**
 * ok: a new pair is served. Not ok: the files could not be used (e.g. half written), or
 * `outsideValidity`: the certificate is expired or not yet valid, so the previous one stays.
 */
export type ReloadEvent = { ok: true; serial: string; notAfter: Date } | { ok: false; error: string; outsideValidity?: boolean };

/** The certificate being served. */
export type ServedCertificate = { serial: string; notBefore: Date; notAfter: Date };

export type HttpsServerOptions = {
  certFile: string;
  keyFile: string;
  /** Clock for the validity check at start and on every reload; default the system clock. */
  now?: () => Date;
  port: number;
  host?: string;
  listener: RequestListener;
  /** Fallback poll for changes fs.watch misses; default 10 s. */
  pollIntervalMs?: number;
  onReload?: (event: ReloadEvent) => void;
  /** Defaults: DEFAULT_CONNECTION_LIMITS. */
  connections?: ConnectionLimits;
  /** Whole-request limit (headers and body) once a request has started; default 10 s. */
  requestTimeoutMs?: number;
  onConnectionEvent?: (event: keyof Omit<ConnectionStats, 'open'>) => void;
};

export const DEFAULT_CONNECTION_LIMITS: ConnectionLimits = { maxConnections: 1024, maxPendingPerIp: 64, idleMs: 10_000 };

export type HttpsServerHandle = {
  server: Server;
  port: number;
  /** Re-reads the files now; true if a new certificate was installed. */
  reload(): Promise<boolean>;
  certificate(): ServedCertificate;
  close(): Promise<void>;
  connections(): ConnectionStats;
};

type LoadedPair = ServedCertificate & { cert: Buffer; key: Buffer };

/** A certificate outside its validity period: refused, never installed over a valid one. */
class OutsideValidityError extends Error {
  readonly cert: Buffer;
  constructor(message: string, cert: Buffer) {
    super(message);
    this.cert = cert;
  }
}

const MIN_TLS_VERSION = 'TLSv1.2';
const WATCH_DEBOUNCE_MS = 100;

export async function startHttpsServer(opts: HttpsServerOptions): Promise<HttpsServerHandle> {
  const clock = opts.now ?? ((): Date => new Date());
  let current = await loadPair(opts.certFile, opts.keyFile, clock());
  const limits = opts.connections ?? DEFAULT_CONNECTION_LIMITS;
  // Node checks request and header timeouts on an interval (30 s by default): check every second.
  const server = createServer({ ...secureOptions(current), handshakeTimeout: limits.idleMs, connectionsCheckingInterval: 1000 });
  const guard = guardConnections(server, limits, opts.onConnectionEvent);
  server.on('request', opts.listener);
  // kube-apiserver keeps connections open; outlive its idle timeout so it, not we,
  // closes them (avoids racing a request onto a socket we are closing). Idle connections are
  // still evicted when the connection limit is reached (connection-guard.ts).
  server.keepAliveTimeout = 90_000;
  // kube-apiserver sends a whole review at once: a slow request is not kube-apiserver.
  server.requestTimeout = opts.requestTimeoutMs ?? 10_000;
  server.headersTimeout = Math.min(server.requestTimeout, 10_000);

  let closed = false;

  // Checks run one at a time; while one runs, at most one more is queued, and it
  // re-reads the files, so every caller observes the state after its request.
  let tail: Promise<unknown> = Promise.resolve();
  let queued: Promise<boolean> | undefined;
  const scheduleCheck = (): Promise<boolean> => {
    if (queued) return queued;
    const next = tail.then(() => {
      queued = undefined;
      return checkForNewPair();
    });
    queued = next;
    tail = next.catch(() => false);
    return next;
  };

  const report = (event: ReloadEvent): void => {
    try {
      opts.onReload?.(event);
    } catch {
      // A faulty observer must not break certificate rotation.
    }
  };

  // The last pair refused for its validity dates, so a poll does not repeat the same warning.
  let refused: Buffer | undefined;
  const checkForNewPair = async (): Promise<boolean> => {
    if (closed) return false;
    let next: LoadedPair;
    try {
      next = await loadPair(opts.certFile, opts.keyFile, clock(), current.cert);
    } catch (err) {
      if (err instanceof OutsideValidityError) {
        // Keep serving the valid pair: kube-apiserver would reject this one. Polls retry, so a
        // certificate that is only "not yet valid" is installed once it is.
        if (refused?.equals(err.cert) === true) return false;
        refused = err.cert;
        report({ ok: false, error: err.message, outsideValidity: true });
        return false;
      }
      // Typically mid-rotation (only one file replaced yet): keep serving the old
      // pair; the next watch event or poll retries.
      report({ ok: false, error: (err as Error).message });
      return false;
    }
    if (closed || (next.cert.equals(current.cert) && next.key.equals(current.key))) return false;
    try {
      // Only new handshakes use the new context; open connections are untouched.
      server.setSecureContext(secureOptions(next));
    } catch (err) {
      report({ ok: false, error: `cannot install certificate from ${opts.certFile}: ${(err as Error).message}` });
      return false;
    }
    current = next;
    refused = undefined;
    report({ ok: true, serial: next.serial, notAfter: next.notAfter });
    return true;
  };

  // Kubernetes Secret volumes update by swapping a `..data` symlink in the mount
  // directory, so watch directories rather than the (symlinked) files.
  const watchedDirs = [...new Set([dirname(opts.certFile), dirname(opts.keyFile)])];
  const watchers = new Map<string, FSWatcher>();
  let debounce: NodeJS.Timeout | undefined;
  const onFsEvent = (): void => {
    clearTimeout(debounce);
    debounce = setTimeout(() => void scheduleCheck(), WATCH_DEBOUNCE_MS);
    debounce.unref();
  };
  const ensureWatchers = (): void => {
    for (const dir of watchedDirs) {
      if (closed || watchers.has(dir)) continue;
      try {
        const watcher = watch(dir, { persistent: false }, onFsEvent);
        // e.g. directory removed: drop the watcher; the poll recreates it later.
        watcher.on('error', () => {
          watcher.close();
          watchers.delete(dir);
        });
        watchers.set(dir, watcher);
      } catch {
        // Directory missing right now; polling still covers us.
      }
    }
  };
  ensureWatchers();
  const poll = setInterval(() => {
    ensureWatchers();
    void scheduleCheck();
  }, opts.pollIntervalMs ?? 10_000);
  poll.unref();

  const stopWatching = (): void => {
    closed = true;
    clearInterval(poll);
    clearTimeout(debounce);
    for (const watcher of watchers.values()) watcher.close();
    watchers.clear();
  };

  try {
    await listen(server, opts.port, opts.host);
  } catch (err) {
    stopWatching();
    throw err;
  }

  return {
    server,
    port: (server.address() as AddressInfo).port,
    reload: scheduleCheck,
    connections: guard.stats,
    certificate: () => ({ serial: current.serial, notBefore: current.notBefore, notAfter: current.notAfter }),
    close: async () => {
      stopWatching();
      guard.drain();
      await new Promise<void>((resolve, reject) => {
        // Stops accepting and resolves once every connection is gone; idle ones are
        // closed now, busy ones when their in-flight response completes.
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeIdleConnections();
      });
    },
  };
}

function secureOptions(pair: LoadedPair): ServerOptions {
  return { key: pair.key, cert: pair.cert, minVersion: MIN_TLS_VERSION };
}

/**
 * Reads and checks a pair: parsable, key matching, and valid at `now`. An unchanged certificate
 * (`current`) is not re-judged by date, so the pair being served is never "refused" in place.
 */
async function loadPair(certFile: string, keyFile: string, now: Date, current?: Buffer): Promise<LoadedPair> {
  const [cert, key] = await Promise.all([readOrThrow(certFile, 'certificate'), readOrThrow(keyFile, 'key')]);
  const checked = checkPair(cert, key, now, { certFile, keyFile });
  if (checked !== undefined && !(checked.outsideValidity && current?.equals(cert) === true)) {
    throw checked.outsideValidity ? new OutsideValidityError(checked.message, cert) : new Error(checked.message);
  }
  const x509 = new X509Certificate(cert);
  return { cert, key, serial: x509.serialNumber.toUpperCase(), notBefore: x509.validFromDate, notAfter: x509.validToDate };
}

export type PairProblem = { message: string; outsideValidity: boolean };

/**
 * Why the webhook would not serve this pair at `now` (undefined: it would). Exported for the
 * certificate lifecycle's fault suite, which models webhook pods with this very rule.
 */
export function checkPair(
  cert: Buffer | string,
  key: Buffer | string,
  now: Date,
  names = { certFile: 'certificate', keyFile: 'key' },
): PairProblem | undefined {
  const { certFile, keyFile } = names;
  const unusable = (message: string): PairProblem => ({ message, outsideValidity: false });
  let x509: X509Certificate;
  try {
    x509 = new X509Certificate(cert);
  } catch (err) {
    return unusable(`TLS certificate file ${certFile} is not a valid PEM certificate: ${(err as Error).message}`);
  }
  let privateKey: ReturnType<typeof createPrivateKey>;
  try {
    privateKey = createPrivateKey(key);
  } catch {
    // The parser's message can quote input; never echo key material.
    return unusable(`TLS key file ${keyFile} is not a valid PEM private key`);
  }
  if (!x509.checkPrivateKey(privateKey)) return unusable(`TLS key file ${keyFile} does not match certificate file ${certFile}`);
  const serial = x509.serialNumber.toUpperCase();
  const at = `(now ${now.toISOString()})`;
  if (now.getTime() < x509.validFromDate.getTime())
    return {
      message: `TLS certificate file ${certFile} (serial ${serial}) is not valid before ${x509.validFromDate.toISOString()} ${at}`,
      outsideValidity: true,
    };
  if (now.getTime() > x509.validToDate.getTime())
    return {
      message: `TLS certificate file ${certFile} (serial ${serial}) expired ${x509.validToDate.toISOString()} ${at}`,
      outsideValidity: true,
    };
  return undefined;
}

async function readOrThrow(file: string, what: string): Promise<Buffer> {
  try {
    return await readFile(file);
  } catch (err) {
    throw new Error(`cannot read TLS ${what} file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function listen(server: Server, port: number, host: string | undefined): Promise<void> {
  return new Promise((resolve, reject) => {
    const onError = (err: Error): void => reject(err);
    server.once('error', onError);
    server.listen(port, host, () => {
      server.off('error', onError);
      resolve();
    });
  });
}
