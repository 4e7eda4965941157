// A pass-through that computes SHA-256 and the byte count of what flows through it. With an
// expectation it fails at the end of the stream instead of letting the consumer finish, so a
// multipart upload is aborted rather than completed with the wrong bytes.
import { createHash } from 'node:crypto';
import { Transform } from 'node:stream';
import type { TransformCallback } from 'node:stream';

export const SHA256_META = 'kfstore-sha256';

export interface Expected {
  size: number;
  sha256?: string;
}

export class HashStream extends Transform {
  readonly #hash = createHash('sha256');
  readonly #expected: Expected | undefined;
  readonly #onBytes: ((n: number) => void) | undefined;
  bytes = 0;
  sha256 = '';

  constructor(expected?: Expected, onBytes?: (n: number) => void) {
    super();
    this.#expected = expected;
    this.#onBytes = onBytes;
  }

  override _transform(chunk: Buffer, _enc: BufferEncoding, done: TransformCallback): void {
    this.#hash.update(chunk);
    this.bytes += chunk.length;
    this.#onBytes?.(chunk.length);
    done(null, chunk);
  }

  override _flush(done: TransformCallback): void {
    this.sha256 = this.#hash.digest('hex');
    const e = this.#expected;
    if (e !== undefined && e.size !== this.bytes) return done(new Error(`size changed while copying: read ${this.bytes} bytes, expected ${e.size}`));
    if (e?.sha256 !== undefined && e.sha256 !== this.sha256) return done(new Error('SHA-256 of the bytes read differs from the expected one (source changed or corrupted in transit)'));
    done();
  }
}
