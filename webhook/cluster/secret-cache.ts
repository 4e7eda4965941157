// Which Secrets exist, per namespace, kept current by a watch: kfp-launcher validation can warn
// about a Secret that is missing without an API call on the request path. Secrets are listed and
// watched as metadata only (PartialObjectMetadata), so no secret value ever reaches this process.
// Any failure (watch error, 410 Gone, API server away, or a watch gone silent: open but passing
// not even the bookmarks it asked for) makes the cache "not ready" until a relist succeeds:
// validation then simply gives no Secret warnings, never a denial or a slow answer.
import type { KubeApi } from '../../kube-client/api.ts';
import type { SecretLookup } from '../../settings/lint/launcher-lint.ts';
import type { Logger } from '../log.ts';

const METADATA_LIST = 'application/json;as=PartialObjectMetadataList;g=meta.k8s.io;v=v1,application/json';
const METADATA_ITEM = 'application/json;as=PartialObjectMetadata;g=meta.k8s.io;v=v1,application/json';
const MAX_BACKOFF_MS = 30_000;
// kube-apiserver's watch cache sends a BOOKMARK about once a minute to a watch that asks for them.
const BOOKMARK_INTERVAL_MS = 60_000;
const MISSED_BOOKMARKS = 3;

interface Meta {
  metadata?: { name?: string; namespace?: string; resourceVersion?: string };
}

interface WatchEvent {
  type?: string;
  object?: Meta & { code?: number; message?: string };
}

export interface SecretCache {
  /** Secret existence in a namespace, or undefined while the cache is not in sync. */
  lookup(namespace: string): SecretLookup | undefined;
  ready(): boolean;
  /** Resolves once the first list succeeded (or rejects after `timeoutMs`). */
  synced(timeoutMs?: number): Promise<void>;
  stop(): void;
}

export type SecretCacheOptions = {
  backoffMs?: number;
  /** How often the API server sends bookmarks, and how many may go missing before the watch counts as broken. */
  bookmarkIntervalMs?: number;
  missedBookmarks?: number;
};

export function startSecretCache(api: KubeApi, logger: Logger, opts: SecretCacheOptions = {}): SecretCache {
  const silenceMs = (opts.bookmarkIntervalMs ?? BOOKMARK_INTERVAL_MS) * (opts.missedBookmarks ?? MISSED_BOOKMARKS);
  const names = new Map<string, Set<string>>();
  let inSync = false;
  let stopped = false;
  let resourceVersion = '';
  let backoff = opts.backoffMs ?? 1000;
  const abort = new AbortController();
  const waiters: (() => void)[] = [];

  const key = (o: Meta): [string, string] | undefined =>
    o.metadata?.name && o.metadata.namespace ? [o.metadata.namespace, o.metadata.name] : undefined;
  const add = (o: Meta): void => {
    const k = key(o);
    if (k === undefined) return;
    const set = names.get(k[0]) ?? new Set();
    names.set(k[0], set);
    set.add(k[1]);
  };
  const remove = (o: Meta): void => {
    const k = key(o);
    if (k !== undefined) names.get(k[0])?.delete(k[1]);
  };

  const relist = async (): Promise<void> => {
    const { items, resourceVersion: rv } = await api.listWithVersion<Meta>('/api/v1/secrets', {}, METADATA_LIST);
    names.clear();
    for (const item of items) add(item);
    resourceVersion = rv;
    inSync = true;
    for (const w of waiters.splice(0)) w();
    logger.info({ secrets: items.length, resourceVersion: rv }, 'secret cache synced');
  };

  const watchOnce = async (): Promise<'gone' | 'ended' | 'silent'> => {
    let gone = false;
    // A connection that stays open but passes nothing (a dead peer behind a proxy or NAT) would
    // keep a stale cache "ready" for ever: any line, bookmarks included, proves the watch alive.
    let silent = false;
    const hangUp = new AbortController();
    let timer: NodeJS.Timeout | undefined;
    const alive = (): void => {
      clearTimeout(timer);
      timer = setTimeout(() => {
        silent = true;
        hangUp.abort();
      }, silenceMs);
      timer.unref();
    };
    const onEvent = (raw: unknown): void => {
      alive();
      const event = raw as WatchEvent;
      const obj = event.object ?? {};
      if (obj.metadata?.resourceVersion) resourceVersion = obj.metadata.resourceVersion;
      switch (event.type) {
        case 'ADDED':
        case 'MODIFIED':
          add(obj);
          break;
        case 'DELETED':
          remove(obj);
          break;
        case 'ERROR':
          // 410 Gone: our resourceVersion is too old; anything else: start over too.
          gone = true;
          break;
        default:
      }
    };
    alive();
    try {
      await api.watch(
        '/api/v1/secrets',
        { resourceVersion, allowWatchBookmarks: 'true', timeoutSeconds: '300' },
        METADATA_ITEM,
        onEvent,
        AbortSignal.any([abort.signal, hangUp.signal]),
      );
    } catch (e) {
      if (silent && !stopped) return 'silent';
      throw e;
    } finally {
      clearTimeout(timer);
    }
    return gone ? 'gone' : 'ended';
  };

  let failures = 0;
  const pause = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref());
  const run = async (): Promise<void> => {
    while (!stopped) {
      try {
        if (!inSync) await relist();
        const started = Date.now();
        const end = await watchOnce();
        if (end === 'gone') inSync = false;
        if (end === 'silent') {
          inSync = false;
          logger.warn(
            { silentSeconds: silenceMs / 1000 },
            'secret cache watch passed nothing, not even bookmarks; Secret warnings are off until a relist succeeds',
          );
        }
        failures = 0;
        backoff = opts.backoffMs ?? 1000;
        // A watch that ends at once (a proxy, a draining server) must not turn into a busy loop.
        if (Date.now() - started < 1000) await pause(backoff);
      } catch (e) {
        if (stopped) return;
        failures += 1;
        // Say so on the first failure (also before the first sync: RBAC, auth) and then now and then.
        if (failures === 1 || failures % 20 === 0) {
          logger.warn(
            { error: e instanceof Error ? e.message : String(e), failures },
            'secret cache cannot read Secrets from the API server; Secret warnings are off until it can',
          );
        }
        inSync = false;
        await pause(backoff);
        backoff = Math.min(backoff * 2, MAX_BACKOFF_MS);
      }
    }
  };
  void run();

  return {
    lookup(namespace) {
      if (!inSync) return undefined;
      const set = names.get(namespace);
      return (name) => ({ exists: set?.has(name) ?? false });
    },
    ready: () => inSync,
    synced(timeoutMs = 10_000) {
      if (inSync) return Promise.resolve();
      return new Promise((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error(`secret cache not synced within ${timeoutMs} ms`)), timeoutMs);
        waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    },
    stop() {
      stopped = true;
      inSync = false;
      abort.abort();
    },
  };
}
