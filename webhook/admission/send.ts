// Answers leave by Node's ServerResponse when the app runs under @hono/node-server, with their
// length: no Fetch Response is built for the adapter to copy out again. Tests that call
// `app.request()` have no ServerResponse and get an ordinary Response.
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response';
import type { Context } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { nodeBindings } from './node-request.ts';

export function sendJson(c: Context, value: unknown, status: ContentfulStatusCode = 200): Response {
  const text = JSON.stringify(value);
  const outgoing = nodeBindings(c).outgoing;
  if (outgoing === undefined) return c.body(text, status, { 'content-type': 'application/json' });
  // Encoded once here: its length is the header, and Node writes header and body in one writev
  // instead of joining them into a string that TLS encodes again.
  const bytes = Buffer.from(text);
  outgoing.writeHead(status, { 'content-type': 'application/json', 'content-length': bytes.byteLength });
  outgoing.end(bytes);
  return RESPONSE_ALREADY_SENT;
}
