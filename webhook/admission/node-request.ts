// Behind node-listener.ts the handler can reach Node's own request and response (c.env). Reading a
// header through the Fetch Request builds a Headers object from every raw header (~5 µs a review),
// and even Node's IncomingMessage.headers is built on first use from the raw list: the two headers
// an admission reads are found in that raw list instead. Tests using `app.request()` have neither.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Context } from 'hono';

export interface NodeBindings {
  incoming?: IncomingMessage;
  outgoing?: ServerResponse;
}

export function nodeBindings(c: Context): NodeBindings {
  return (c.env as NodeBindings | undefined) ?? {};
}

/** A request header by its lower-case name; repeated ones joined with ', ' as Fetch does. */
export function requestHeader(c: Context, name: string): string | undefined {
  const incoming = nodeBindings(c).incoming;
  if (incoming === undefined) return c.req.header(name);
  const raw = incoming.rawHeaders;
  let value: string | undefined;
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const key = raw[i] as string;
    if (key.length === name.length && key.toLowerCase() === name) value = value === undefined ? raw[i + 1] : `${value}, ${raw[i + 1]}`;
  }
  return value;
}
