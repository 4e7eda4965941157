// How saved objects fit in Secrets the API server accepts (data at most 1 MiB each): every object's
// JSON is gzipped and cut into chunks; chunks fill the main backup Secret up to a budget and the
// rest goes to part Secrets, which the main one names in meta.json. Nothing here does I/O.
import { gunzipSync, gzipSync } from 'node:zlib';
import type { Kind } from './objects.ts';

/** Data per Secret, below the API server's 1 MiB with room for meta.json. */
export const SECRET_BUDGET = 1024 * 1024 - 64 * 1024;
/** Largest chunk: several small objects can share a Secret, a large one spans several. */
export const CHUNK_BYTES = 256 * 1024;

export interface ChunkRef {
  /** The Secret holding it ('' for the main backup Secret). */
  secret: string;
  key: string;
}

export interface SavedEntry {
  kind: Kind;
  name: string;
  /** It did not exist before the migration: a rollback deletes it. */
  absent?: true;
  /** gzipped JSON in order (this format). */
  chunks?: ChunkRef[];
  /** Plain JSON in the main Secret under this key (backups made before chunking). */
  key?: string;
}

export interface BackupMeta {
  target: string;
  timestamp: string;
  objects: SavedEntry[];
}

export interface Layout {
  /** New keys for the main Secret. */
  main: Record<string, Buffer>;
  parts: { name: string; data: Record<string, Buffer> }[];
  entries: SavedEntry[];
}

/**
 * Lays out objects (JSON text, or undefined for absent ones). `mainUsed`: bytes the main Secret
 * already holds; `partName(n)` names the n-th new part Secret.
 */
export function layOut(objects: { kind: Kind; name: string; json?: string }[], mainUsed: number, partName: (n: number) => string): Layout {
  const layout: Layout = { main: {}, parts: [], entries: [] };
  let used = mainUsed;
  let part: { name: string; data: Record<string, Buffer> } | undefined;
  let partUsed = 0;
  for (const o of objects) {
    if (o.json === undefined) {
      layout.entries.push({ kind: o.kind, name: o.name, absent: true });
      continue;
    }
    const gz = gzipSync(Buffer.from(o.json, 'utf8'), { level: 9 });
    const chunks: ChunkRef[] = [];
    for (let at = 0, i = 0; at < gz.length; at += CHUNK_BYTES, i++) {
      const chunk = gz.subarray(at, at + CHUNK_BYTES);
      const key = `${o.kind}.${o.name}.${i}.gz`;
      if (used + chunk.length <= SECRET_BUDGET) {
        layout.main[key] = chunk;
        used += chunk.length;
        chunks.push({ secret: '', key });
        continue;
      }
      if (part === undefined || partUsed + chunk.length > SECRET_BUDGET) {
        part = { name: partName(layout.parts.length + 1), data: {} };
        layout.parts.push(part);
        partUsed = 0;
      }
      part.data[key] = chunk;
      partUsed += chunk.length;
      chunks.push({ secret: part.name, key });
    }
    layout.entries.push({ kind: o.kind, name: o.name, chunks });
  }
  return layout;
}

/** A part the main backup Secret names is gone: the backup cannot be trusted. */
export class IncompleteBackupError extends Error {}

/** The object's JSON from its chunks; `read(ref)` returns a chunk's bytes or undefined when lost. */
export function reassemble(entry: SavedEntry, read: (ref: ChunkRef) => Buffer | undefined): string {
  const parts: Buffer[] = [];
  for (const ref of entry.chunks ?? []) {
    const b = read(ref);
    if (b === undefined)
      throw new IncompleteBackupError(
        `the backup of ${entry.kind} ${entry.name} is incomplete: ${ref.secret === '' ? 'key' : `Secret ${ref.secret} key`} ${ref.key} is missing`,
      );
    parts.push(b);
  }
  return gunzipSync(Buffer.concat(parts)).toString('utf8');
}

/** Bytes of a Secret's data as the API server counts them (decoded). */
export function dataSize(data: Record<string, string> | undefined): number {
  return Object.values(data ?? {}).reduce((n, v) => n + Buffer.from(v, 'base64').length, 0);
}
