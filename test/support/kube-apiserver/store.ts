// In-memory object storage with one global, monotonically increasing resourceVersion
// (as etcd's revision), a bounded event history for watches, and list snapshots so
// paginated lists stay consistent, like etcd reads at the first page's revision.
import { resourceKey } from './resources.ts';
import type { ResourceDef } from './resources.ts';
import { MODIFIED, alreadyExists, conflict, notFound } from './status.ts';
import type { KubeObject } from './types.ts';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

export interface StoreEvent {
  type: EventType;
  rv: number;
  def: ResourceDef;
  /** The object after the change; for DELETED, its last state carrying the deletion's resourceVersion. */
  object: KubeObject;
  /** The state before the change (MODIFIED, DELETED). */
  prev: KubeObject | undefined;
}

export type Listener = (event: StoreEvent) => void;

const MAX_SNAPSHOTS = 64;

export function objectKey(namespace: string | undefined, name: string): string {
  return namespace === undefined || namespace === '' ? name : `${namespace}/${name}`;
}

export class Store {
  private rv: number;
  private floor: number;
  private readonly historyLimit: number;
  private history: StoreEvent[] = [];
  private readonly tables = new Map<string, Map<string, KubeObject>>();
  /** Sorted keys per resource, rebuilt lazily after creates and deletes. */
  private readonly sortedKeys = new Map<string, string[]>();
  private readonly listeners = new Set<Listener>();
  private readonly snapshots = new Map<string, KubeObject[]>();

  constructor(historyLimit: number, startRv = 100) {
    this.historyLimit = historyLimit;
    this.rv = startRv;
    this.floor = startRv;
  }

  currentRv(): number {
    return this.rv;
  }

  /** Oldest resourceVersion a watch may start from without a 410. */
  oldestWatchableRv(): number {
    return this.floor;
  }

  get(def: ResourceDef, namespace: string | undefined, name: string): KubeObject | undefined {
    return this.table(def).get(objectKey(def.namespaced ? namespace : undefined, name));
  }

  /** Objects sorted by storage key (namespace/name), optionally within one namespace. */
  list(def: ResourceDef, namespace?: string): KubeObject[] {
    const table = this.table(def);
    const rk = resourceKey(def);
    let keys = this.sortedKeys.get(rk);
    if (keys === undefined) {
      keys = [...table.keys()].sort(compareKeys);
      this.sortedKeys.set(rk, keys);
    }
    let from = 0;
    let to = keys.length;
    if (namespace !== undefined && def.namespaced) {
      // Keys of one namespace are contiguous: "ns/" up to (not including) "ns0" ('0' follows '/').
      from = lowerBound(keys, `${namespace}/`);
      to = lowerBound(keys, `${namespace}0`);
    }
    const out: KubeObject[] = [];
    for (let i = from; i < to; i += 1) {
      const obj = table.get(keys[i] ?? '');
      if (obj !== undefined) out.push(obj);
    }
    return out;
  }

  count(def: ResourceDef): number {
    return this.table(def).size;
  }

  create(def: ResourceDef, obj: KubeObject): KubeObject {
    const name = obj.metadata.name ?? '';
    const key = objectKey(def.namespaced ? obj.metadata.namespace : undefined, name);
    const table = this.table(def);
    if (table.has(key)) throw alreadyExists({ group: def.group, resource: def.plural }, name);
    const stored = this.stamp(obj);
    table.set(key, stored);
    this.sortedKeys.delete(resourceKey(def));
    this.emit({ type: 'ADDED', rv: this.rv, def, object: stored, prev: undefined });
    return stored;
  }

  /** Replaces an object; `expectedRv` makes it a compare-and-swap (409 on mismatch). */
  update(def: ResourceDef, obj: KubeObject, expectedRv?: string): KubeObject {
    const name = obj.metadata.name ?? '';
    const key = objectKey(def.namespaced ? obj.metadata.namespace : undefined, name);
    const table = this.table(def);
    const prev = table.get(key);
    if (prev === undefined) throw notFound({ group: def.group, resource: def.plural }, name);
    if (expectedRv !== undefined && prev.metadata.resourceVersion !== expectedRv) {
      throw conflict({ group: def.group, resource: def.plural }, name, MODIFIED);
    }
    const stored = this.stamp(obj);
    table.set(key, stored);
    this.emit({ type: 'MODIFIED', rv: this.rv, def, object: stored, prev });
    return stored;
  }

  delete(def: ResourceDef, namespace: string | undefined, name: string, expectedRv?: string): KubeObject {
    const key = objectKey(def.namespaced ? namespace : undefined, name);
    const table = this.table(def);
    const prev = table.get(key);
    if (prev === undefined) throw notFound({ group: def.group, resource: def.plural }, name);
    if (expectedRv !== undefined && prev.metadata.resourceVersion !== expectedRv) {
      throw conflict({ group: def.group, resource: def.plural }, name, MODIFIED);
    }
    table.delete(key);
    this.sortedKeys.delete(resourceKey(def));
    const gone = this.stamp(prev);
    this.emit({ type: 'DELETED', rv: this.rv, def, object: gone, prev });
    return gone;
  }

  /** Events after `rv`, or undefined when history no longer reaches back that far. */
  eventsAfter(rv: number): StoreEvent[] | undefined {
    if (rv < this.floor) return undefined;
    // History is ordered by rv; find the first event newer than rv.
    let lo = 0;
    let hi = this.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((this.history[mid]?.rv ?? 0) <= rv) lo = mid + 1;
      else hi = mid;
    }
    return this.history.slice(lo);
  }

  subscribe(listener: Listener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Drops all history and list snapshots, like an etcd compaction at the current revision. */
  compact(): void {
    this.history = [];
    this.floor = this.rv;
    this.snapshots.clear();
  }

  saveSnapshot(def: ResourceDef, rv: number, items: KubeObject[]): void {
    this.snapshots.set(`${resourceKey(def)}@${rv}`, items);
    while (this.snapshots.size > MAX_SNAPSHOTS) {
      const oldest = this.snapshots.keys().next().value;
      if (oldest === undefined) break;
      this.snapshots.delete(oldest);
    }
  }

  snapshot(def: ResourceDef, rv: number): KubeObject[] | undefined {
    return this.snapshots.get(`${resourceKey(def)}@${rv}`);
  }

  private table(def: ResourceDef): Map<string, KubeObject> {
    const key = resourceKey(def);
    let table = this.tables.get(key);
    if (table === undefined) {
      table = new Map();
      this.tables.set(key, table);
    }
    return table;
  }

  private stamp(obj: KubeObject): KubeObject {
    this.rv += 1;
    return { ...obj, metadata: { ...obj.metadata, resourceVersion: String(this.rv) } };
  }

  private emit(event: StoreEvent): void {
    this.history.push(event);
    if (this.history.length > this.historyLimit) {
      // Trim in chunks so a long-running server does not shift on every write.
      const drop = Math.max(1, Math.floor(this.historyLimit / 10));
      const dropped = this.history.splice(0, drop);
      this.floor = dropped[dropped.length - 1]?.rv ?? this.floor;
    }
    for (const listener of [...this.listeners]) listener(event);
  }
}

function lowerBound(keys: string[], probe: string): number {
  let lo = 0;
  let hi = keys.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if ((keys[mid] ?? '') < probe) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Byte-wise order, as etcd sorts keys. */
export function compareKeys(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function keyOf(obj: KubeObject): string {
  return objectKey(obj.metadata.namespace, obj.metadata.name ?? '');
}
