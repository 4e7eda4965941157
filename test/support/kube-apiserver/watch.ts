// Streaming watches: newline-delimited JSON events over a chunked 200 response,
// replayed from the store's history after a resourceVersion, as the watch cache does.
import type { ServerResponse } from 'node:http';
import { groupVersion, resourceKey } from './resources.ts';
import type { ResourceDef } from './resources.ts';
import { matchesFields, matchesLabels } from './selectors.ts';
import type { FieldRequirement, LabelSelector } from './selectors.ts';
import { expired } from './status.ts';
import type { Store, StoreEvent } from './store.ts';
import type { KubeObject } from './types.ts';

export interface WatchRequest {
  def: ResourceDef;
  namespace: string | undefined;
  name: string | undefined;
  labels: LabelSelector;
  fields: FieldRequirement[];
  /** Parsed resourceVersion; undefined for "" and "0" (start with the current state). */
  resourceVersion: number | undefined;
  sendInitialEvents: boolean;
  allowBookmarks: boolean;
  timeoutMs: number;
  bookmarkIntervalMs: number;
  /** Full object or PartialObjectMetadata. */
  render: (obj: KubeObject) => KubeObject;
}

type Emitted = { type: string; object: KubeObject };

type OpenWatch = { end: () => void; mute: () => void };

/** Open watches, so the server can end them all on close or on request, or leave them silent. */
export class WatchRegistry {
  private readonly open = new Set<OpenWatch>();

  add(end: () => void, mute: () => void): () => void {
    const entry = { end, mute };
    this.open.add(entry);
    return () => this.open.delete(entry);
  }

  endAll(): number {
    const entries = [...this.open];
    this.open.clear();
    for (const entry of entries) entry.end();
    return entries.length;
  }

  /** Keeps every open watch connected but sends nothing more on it, not even bookmarks (a dead peer). */
  muteAll(): number {
    for (const entry of this.open) entry.mute();
    return this.open.size;
  }

  get size(): number {
    return this.open.size;
  }
}

function withRv(obj: KubeObject, rv: number): KubeObject {
  return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(rv) } };
}

export function serveWatch(store: Store, registry: WatchRegistry, res: ServerResponse, w: WatchRequest): void {
  const key = resourceKey(w.def);
  const matches = (obj: KubeObject): boolean =>
    (w.namespace === undefined || obj.metadata.namespace === w.namespace) &&
    (w.name === undefined || obj.metadata.name === w.name) &&
    matchesLabels(w.labels, obj.metadata.labels) &&
    matchesFields(w.def, w.fields, obj);

  // Objects whose old state matched and new state does not leave the watch as DELETED, and
  // the reverse arrive as ADDED, exactly as the cacher filters events.
  const convert = (e: StoreEvent): Emitted | undefined => {
    if (resourceKey(e.def) !== key) return undefined;
    const cur = e.type !== 'DELETED' && matches(e.object);
    const old = e.prev !== undefined && matches(e.prev);
    if (e.type === 'DELETED') return old ? { type: 'DELETED', object: e.object } : undefined;
    if (cur && old) return { type: 'MODIFIED', object: e.object };
    if (cur) return { type: 'ADDED', object: e.object };
    if (old && e.prev !== undefined) return { type: 'DELETED', object: withRv(e.prev, e.rv) };
    return undefined;
  };

  res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-cache, private' });
  res.flushHeaders();
  let muted = false;
  const write = (type: string, object: KubeObject): void => {
    if (!res.writableEnded && !muted) res.write(`${JSON.stringify({ type, object: type === 'ERROR' ? object : w.render(object) })}\n`);
  };
  const bookmark = (annotations?: Record<string, string>): void => {
    const metadata: KubeObject['metadata'] = { resourceVersion: String(store.currentRv()), creationTimestamp: null };
    if (annotations !== undefined) metadata.annotations = annotations;
    write('BOOKMARK', { kind: w.def.kind, apiVersion: groupVersion(w.def), metadata });
  };

  let backlog: StoreEvent[] = [];
  if (w.resourceVersion === undefined || w.sendInitialEvents) {
    for (const obj of store.list(w.def, w.namespace)) if (matches(obj)) write('ADDED', obj);
    if (w.sendInitialEvents && w.allowBookmarks) bookmark({ 'k8s.io/initial-events-end': 'true' });
  } else {
    const events = store.eventsAfter(w.resourceVersion);
    if (events === undefined) {
      // Real servers answer 200 and then an ERROR event; client-node relists on code 410.
      const status = expired(`too old resource version: ${w.resourceVersion} (${store.oldestWatchableRv()})`).status;
      res.end(`${JSON.stringify({ type: 'ERROR', object: status })}\n`);
      return;
    }
    backlog = events;
  }
  for (const e of backlog) {
    const out = convert(e);
    if (out !== undefined) write(out.type, out.object);
  }

  const unsubscribe = store.subscribe((e) => {
    const out = convert(e);
    if (out !== undefined) write(out.type, out.object);
  });
  const timers: NodeJS.Timeout[] = [];
  let done = false;
  const end = (): void => {
    if (done) return;
    done = true;
    unsubscribe();
    unregister();
    for (const t of timers) clearTimeout(t);
    if (!res.writableEnded) res.end();
  };
  const unregister = registry.add(end, () => (muted = true));
  if (w.allowBookmarks && w.bookmarkIntervalMs > 0) timers.push(setInterval(() => bookmark(), w.bookmarkIntervalMs));
  timers.push(setTimeout(end, w.timeoutMs));
  res.on('close', end);
}
