// Pairs each source object with the target object under the same relative key by walking both
// listings side by side (S3 lists keys in UTF-8 byte order), as rclone does: one listing of the
// target instead of a HEAD per object, in constant memory. A store that lists out of order only
// costs re-copies (an unmatched object is copied again), never a wrong skip.
import type { ListedObject } from './list.ts';

export interface Pair {
  source: ListedObject;
  /** The relative key (source key without the source prefix). */
  relative: string;
  /** The target object with the same relative key, when the target listing has one. */
  target?: ListedObject;
}

/** The target's listing failed (the copy cannot decide anything without it). */
export class TargetListingError extends Error {
  constructor(cause: unknown) {
    super('listing the target failed', { cause });
  }
}

export async function* pairListings(
  source: AsyncIterable<ListedObject>,
  sourcePrefix: string,
  target: AsyncIterable<ListedObject>,
  targetPrefix: string,
): AsyncGenerator<Pair> {
  const it = target[Symbol.asyncIterator]();
  let next: { rel: Buffer; obj: ListedObject } | undefined;
  let targetDone = false;
  const advance = async (): Promise<void> => {
    let r: IteratorResult<ListedObject>;
    try {
      r = await it.next();
    } catch (e) {
      throw new TargetListingError(e);
    }
    if (r.done === true) {
      targetDone = true;
      next = undefined;
    } else next = { rel: Buffer.from(r.value.key.slice(targetPrefix.length)), obj: r.value };
  };
  try {
    await advance();
    for await (const obj of source) {
      const relative = obj.key.slice(sourcePrefix.length);
      const rel = Buffer.from(relative);
      while (!targetDone && next !== undefined && Buffer.compare(next.rel, rel) < 0) await advance();
      if (next !== undefined && Buffer.compare(next.rel, rel) === 0) {
        yield { source: obj, relative, target: next.obj };
        await advance();
      } else yield { source: obj, relative };
    }
  } finally {
    await it.return?.();
  }
}
