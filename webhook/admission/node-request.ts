// Behind node-listener.ts the handler can reach Node's own request and response (c.env). Reading a
// header through the Fetch Request builds a Headers object from every raw header (~5 µs a review);
// Node's IncomingMessage.headers is already there. Tests using `app.request()` have neither.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context } from 'hono';

export interface NodeBindings {
  incoming?: IncomingMessage;
  outgoing?: ServerResponse;
}

export function nodeBindings(c: Context): NodeBindings {
  return (c.env as NodeBindings | undefined) ?? {};
}

/** A request header by its lower-case name. */
export function requestHeader(c: Context, name: string): string | undefined {
  const incoming = nodeBindings(c).incoming;
  if (incoming === undefined) return c.req.header(name);
  const value = incoming.headers[name];
  return Array.isArray(value) ? value.join(', ') : value;
}
