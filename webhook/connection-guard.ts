// Connection limits for the admission port, which every pod in the cluster can reach while both
// webhooks fail closed: a client that opens connections and sends nothing (or sends slowly) must
// not hold memory or slots that kube-apiserver needs.
//
// - Every connection must complete its TLS handshake and the headers of its first request within
//   `idleMs` of being accepted (Node's own timers start only at the first request byte).
// - Headers of later requests and whole request bodies have Node's headersTimeout/requestTimeout.
// - At most `maxConnections` are open; at the limit a new connection evicts the connection that has
//   been idle longest (kube-apiserver simply reconnects), and is refused only when none is idle.
// - At most `maxPendingPerIp` connections per client address may still be waiting for their first
//   request: kube-apiserver sends its request right after the handshake.
import type { Socket } from 'node:net';
import type { Server } from 'node:https';
import type { TLSSocket } from 'node:tls';

export interface ConnectionLimits {
  maxConnections: number;
  maxPendingPerIp: number;
  /** From accept to the first request's headers, handshake included. */
  idleMs: number;
}

export interface ConnectionStats {
  open: number;
  evicted: number;
  refused: number;
  timedOut: number;
}

/** What Node's ServerResponse offers that the guard uses. */
interface Response {
  headersSent: boolean;
  writableFinished: boolean;
  shouldKeepAlive: boolean;
  once(event: 'close', f: () => void): void;
}

/** The guard's view for the server's shutdown. */
export interface ConnectionGuard {
  stats(): ConnectionStats;
  /**
   * From now on, responses close their connection: those not yet started say `Connection: close`,
   * and a connection that goes idle is closed (server.close() then finishes).
   */
  drain(): void;
}

interface Tracked {
  socket: Socket;
  ip: string;
  pending: boolean;
  /**
   * The connection's latest response (HTTP/1.1 answers one request at a time); the connection is
   * idle once that response has finished.
   */
  latest: Response | undefined;
  /** When the latest request came (a sequence number, no clock), for eviction order. */
  used: number;
  timer?: NodeJS.Timeout;
}

// One 'request' listener does all the per-request bookkeeping, without a listener or timer per
// request: this is paid by every pod review. Whether a connection is idle is read when it matters
// (at the connection limit, at shutdown) from its latest response.
export function guardConnections(
  server: Server,
  limits: ConnectionLimits,
  onEvent?: (event: keyof Omit<ConnectionStats, 'open'>) => void,
): ConnectionGuard {
  const open = new Map<string, Tracked>();
  const pendingByIp = new Map<string, number>();
  const stats = { evicted: 0, refused: 0, timedOut: 0 };
  let draining = false;
  let requests = 0;
  const count = (event: keyof typeof stats): void => {
    stats[event]++;
    onEvent?.(event);
  };
  const keyOf = (s: { remoteAddress?: string | undefined; remotePort?: number | undefined }): string =>
    `${s.remoteAddress ?? ''}|${s.remotePort ?? 0}`;

  const settle = (t: Tracked): void => {
    if (!t.pending) return;
    t.pending = false;
    clearTimeout(t.timer);
    const n = (pendingByIp.get(t.ip) ?? 1) - 1;
    if (n <= 0) pendingByIp.delete(t.ip);
    else pendingByIp.set(t.ip, n);
  };

  server.on('connection', (socket: Socket) => {
    const ip = socket.remoteAddress ?? '';
    if ((pendingByIp.get(ip) ?? 0) >= limits.maxPendingPerIp || (open.size >= limits.maxConnections && !evictIdle())) {
      count('refused');
      socket.destroy();
      return;
    }
    const t: Tracked = { socket, ip, pending: true, latest: undefined, used: requests };
    const key = keyOf(socket);
    open.set(key, t);
    pendingByIp.set(ip, (pendingByIp.get(ip) ?? 0) + 1);
    t.timer = setTimeout(() => {
      count('timedOut');
      socket.destroy();
    }, limits.idleMs);
    t.timer.unref();
    socket.once('close', () => {
      settle(t);
      open.delete(key);
    });
  });

  // The TLS socket shares the TCP connection's address and port.
  server.on('request', (req: { socket: TLSSocket }, res: Response) => {
    if (draining) res.shouldKeepAlive = false;
    const t = open.get(keyOf(req.socket));
    if (t === undefined) return;
    settle(t);
    t.latest = res;
    t.used = ++requests;
  });

  const busy = (t: Tracked): boolean => t.latest !== undefined && !t.latest.writableFinished;

  function evictIdle(): boolean {
    let oldest: Tracked | undefined;
    for (const t of open.values()) if (!t.pending && !busy(t) && (oldest === undefined || t.used < oldest.used)) oldest = t;
    if (oldest === undefined) return false;
    count('evicted');
    oldest.socket.destroy();
    open.delete(keyOf(oldest.socket));
    return true;
  }

  return {
    stats: () => ({ open: open.size, ...stats }),
    drain() {
      draining = true;
      for (const t of open.values()) {
        const res = t.latest;
        if (res === undefined || !busy(t)) continue;
        if (!res.headersSent) res.shouldKeepAlive = false;
        // Already answering with keep-alive: once it is done its connection is idle; close it then
        // so that server.close() can finish.
        else res.once('close', () => server.closeIdleConnections());
      }
    },
  };
}
