// Node's request listener in front of the Hono app. Hono routes every request; what this adds is
// only the way in and out. @hono/node-server does the same for any app and pays for it on every
// request: a Request proxy with its URL, a close handler, an async response pump. Here the app's
// admission handlers read Node's IncomingMessage and write Node's ServerResponse themselves
// (read-body.ts, send.ts), so a review needs none of that; the few answers built as Fetch Responses
// (health, 404, errors) are copied out below.
import type { IncomingMessage, RequestListener, ServerResponse } from 'node:http';
import type { Hono } from 'hono';
import type { NodeBindings } from './node-request.ts';
import { ALREADY_SENT, writeWhole } from './send.ts';

/** What Hono reads of a request to route it; handlers read headers and body from Node's request. */
class RoutedRequest {
  readonly method: string;
  readonly url: string;
  readonly #incoming: IncomingMessage;
  #headers: Headers | undefined;
  constructor(incoming: IncomingMessage, path: string) {
    this.#incoming = incoming;
    this.method = incoming.method ?? 'GET';
    // Hono takes the path from an absolute URL; the host plays no part in routing here.
    this.url = `https://kfstore${path}`;
  }
  /** Built only if a handler asks (none on the admission path). */
  get headers(): Headers {
    if (this.#headers === undefined) {
      const headers = new Headers();
      for (const [name, value] of Object.entries(this.#incoming.headers))
        if (value !== undefined) headers.set(name, Array.isArray(value) ? value.join(', ') : value);
      this.#headers = headers;
    }
    return this.#headers;
  }
}

export function nodeListener(app: Hono, onError: (err: Error) => void): RequestListener {
  return (incoming, outgoing) => {
    const target = incoming.url ?? '';
    // Origin-form only (RFC 9112 3.2.1): kube-apiserver sends nothing else.
    if (target[0] !== '/') {
      writeText(incoming, outgoing, 400, 'request target must be a path');
      return;
    }
    const env: NodeBindings = { incoming, outgoing };
    let answer: Response | Promise<Response>;
    try {
      answer = app.fetch(new RoutedRequest(incoming, target) as unknown as Request, env);
    } catch (err) {
      fail(err, incoming, outgoing, onError);
      return;
    }
    if (answer instanceof Promise)
      answer.then(
        (res) => copyOut(res, incoming, outgoing),
        (err: unknown) => fail(err, incoming, outgoing, onError),
      );
    else copyOut(answer, incoming, outgoing);
  };
}

/** Status, Content-Type and body: the app sets no other header on the answers it builds. */
function copyOut(res: Response, incoming: IncomingMessage, outgoing: ServerResponse): void {
  if (res === ALREADY_SENT || outgoing.headersSent) return;
  res.arrayBuffer().then(
    (body) => {
      const type = res.headers.get('content-type') ?? 'application/octet-stream';
      writeWhole(incoming, outgoing, res.status, type, Buffer.from(body));
    },
    () => writeText(incoming, outgoing, 500, 'internal error'),
  );
}

function fail(err: unknown, incoming: IncomingMessage, outgoing: ServerResponse, onError: (err: Error) => void): void {
  onError(err instanceof Error ? err : new Error(String(err)));
  if (!outgoing.headersSent) writeText(incoming, outgoing, 500, 'internal error');
  else outgoing.destroy();
}

function writeText(incoming: IncomingMessage, outgoing: ServerResponse, status: number, text: string): void {
  writeWhole(incoming, outgoing, status, 'text/plain; charset=UTF-8', Buffer.from(text));
}
