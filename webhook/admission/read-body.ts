// Reads a request body up to a byte cap.
// Behind node-listener.ts it reads Node's IncomingMessage directly: going through the Fetch
// Request would build a web stream per request, which costs more than the admission decision
// itself. `app.request()` in tests has no incoming message and falls back to the Fetch body.
import type { Context } from 'hono';
import { nodeBindings, requestHeader } from './node-request.ts';

export type BodyResult = { ok: true; bytes: Uint8Array } | { ok: false; tooLarge: true };

export async function readBody(c: Context, maxBytes: number): Promise<BodyResult> {
  const declared = Number(requestHeader(c, 'content-length') ?? Number.NaN);
  if (declared > maxBytes) return { ok: false, tooLarge: true };
  const incoming = nodeBindings(c).incoming;
  if (incoming === undefined) {
    const bytes = new Uint8Array(await c.req.arrayBuffer());
    return bytes.byteLength > maxBytes ? { ok: false, tooLarge: true } : { ok: true, bytes };
  }
  // 'data'/'end' events, not `for await`: async iteration over the request costs ~100 µs more.
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > maxBytes) {
        // Stop reading; the answer closes the connection (send.ts), so the rest is never read.
        incoming.off('data', onData);
        incoming.pause();
        resolve({ ok: false, tooLarge: true });
        return;
      }
      chunks.push(chunk);
    };
    incoming.on('data', onData);
    incoming.once('end', () => {
      // One chunk (a pod review usually is) is used as it is: a worker gets a copy it can own
      // (validate/pool.ts), and the inline decision only reads it.
      if (chunks.length === 1) {
        resolve({ ok: true, bytes: chunks[0] as Buffer });
        return;
      }
      const bytes = new Uint8Array(size);
      let at = 0;
      for (const chunk of chunks) {
        bytes.set(chunk, at);
        at += chunk.length;
      }
      resolve({ ok: true, bytes });
    });
    incoming.once('error', reject);
  });
}
