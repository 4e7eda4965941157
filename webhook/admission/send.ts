// Answers leave by Node's ServerResponse when the app runs behind node-listener.ts, encoded once
// with their length: no Fetch Response is built to be copied out again. Tests that call
// `app.request()` have no ServerResponse and get an ordinary Response.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { nodeBindings } from './node-request.ts';

/** What a handler returns once it has written the answer itself; node-listener.ts copies nothing. */
export const ALREADY_SENT: Response = new Response(null, { status: 204, statusText: 'sent by the handler' });

const JSON_TYPE = 'application/json';

export function sendJson(c: Context, value: unknown, status: ContentfulStatusCode = 200): Response {
  const text = JSON.stringify(value);
  const { incoming, outgoing } = nodeBindings(c);
  if (incoming === undefined || outgoing === undefined) return c.body(text, status, { 'content-type': JSON_TYPE });
  // Encoded once: its length is the header, and Node writes header and body in one writev
  // instead of joining them into a string that TLS encodes again.
  writeWhole(incoming, outgoing, status, JSON_TYPE, Buffer.from(text));
  return ALREADY_SENT;
}

/**
 * Writes a whole answer. An answer given before the request has fully arrived (a body refused at
 * its size) closes the connection after it: draining what a client still sends would let it hold
 * the connection, and kube-apiserver simply reconnects.
 */
export function writeWhole(incoming: IncomingMessage, outgoing: ServerResponse, status: number, type: string, body: Buffer): void {
  if (!incoming.complete) outgoing.shouldKeepAlive = false;
  outgoing.writeHead(status, { 'content-type': type, 'content-length': body.byteLength });
  outgoing.end(body);
}
