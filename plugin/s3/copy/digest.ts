// SHA-256, MD5 and the byte count of an object's bytes, computed chunk by chunk as they stream
// past (no stream stage of its own: a Transform per object costs more CPU than the hashing on a
// small machine). `finish` throws when the bytes differ from what the source states, so a
// multipart upload is aborted rather than completed with the wrong bytes.
import { createHash } from 'node:crypto';
import type { Hash } from 'node:crypto';

/** Target metadata: the SHA-256 of the object's bytes (set whenever it is known before the upload). */
export const SHA256_META = 'kfstore-sha256';
/** Target metadata: the source object's ETag when it was copied, so a re-run can tell it is current. */
export const SOURCE_ETAG_META = 'kfstore-source-etag';

export interface Expected {
  size: number;
  sha256?: string;
  /** Hex MD5 (a source's single-part ETag): what was read must be what the source stores. */
  md5?: string;
}

export class Digest {
  readonly #sha: Hash | undefined;
  readonly #md5: Hash | undefined;
  readonly #expected: Expected | undefined;
  readonly #onBytes: ((n: number) => void) | undefined;
  bytes = 0;
  /** Hex SHA-256 once finished ('' when it was not computed). */
  sha256 = '';

  /** `sha256`: compute it even when nothing is expected (an upload needs it up front). */
  constructor(expected: Expected | undefined, opts: { sha256?: boolean; onBytes?: (n: number) => void } = {}) {
    this.#expected = expected;
    this.#onBytes = opts.onBytes;
    this.#sha = opts.sha256 === true || expected?.sha256 !== undefined ? createHash('sha256') : undefined;
    this.#md5 = expected?.md5 !== undefined ? createHash('md5') : undefined;
  }

  update(chunk: Buffer): void {
    this.#sha?.update(chunk);
    this.#md5?.update(chunk);
    this.bytes += chunk.length;
    this.#onBytes?.(chunk.length);
  }

  /** The hex SHA-256 ('' when not computed); throws on a size or checksum mismatch. Call once. */
  finish(): string {
    const sha256 = this.#sha?.digest('hex') ?? '';
    this.sha256 = sha256;
    const md5 = this.#md5?.digest('hex');
    const e = this.#expected;
    if (e !== undefined && e.size !== this.bytes)
      throw new Error(`size changed while copying: read ${this.bytes} bytes, expected ${e.size}`);
    if (e?.sha256 !== undefined && e.sha256 !== sha256)
      throw new Error('SHA-256 of the bytes read differs from the expected one (source changed or corrupted in transit)');
    if (e?.md5 !== undefined && e.md5 !== md5)
      throw new Error("MD5 of the bytes read differs from the source's ETag (source changed or corrupted in transit)");
    return sha256;
  }
}

/** Yields the chunks through `digest` and checks it at the end (before the consumer finishes). */
export async function* digested(body: AsyncIterable<Buffer>, digest: Digest): AsyncGenerator<Buffer> {
  for await (const chunk of body) {
    digest.update(chunk);
    yield chunk;
  }
  digest.finish();
}
