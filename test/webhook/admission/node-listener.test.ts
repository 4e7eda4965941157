// Node's listener in front of the Hono app, over a real socket: reviews answered on a kept-alive
// connection, Hono's own answers (health, 404, errors) copied out whole, and an answer given before
// the body has arrived closing its connection.
import assert from 'node:assert/strict';
import { request as httpRequest, createServer } from 'node:http';
import type { Server } from 'node:http';
import { connect } from 'node:net';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { Hono } from 'hono';
import { nodeListener } from '../../../webhook/admission/node-listener.ts';
import { MAX_BODY_BYTES } from '../../../webhook/app.ts';
import { decodePatch, policyFixture, review, testApp } from '../../support/admission.ts';
import { listFixtures, loadYaml } from '../../support/fixtures.ts';

interface Answer {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
  socket: unknown;
}

function call(port: number, method: string, path: string, body?: string, agent?: import('node:http').Agent): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        headers: body === undefined ? {} : { 'content-type': 'application/json' },
        ...(agent ? { agent } : {}),
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () =>
          resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString(), socket: req.socket }),
        );
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

function listen(server: Server): Promise<number> {
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve((server.address() as AddressInfo).port)));
}

describe('nodeListener', () => {
  const errors: string[] = [];
  const t = testApp(policyFixture('example.yaml'));
  const server = createServer(nodeListener(t.app, (err) => errors.push(err.message)));
  let port = 0;
  before(async () => {
    port = await listen(server);
  });
  after(() => {
    server.closeAllConnections();
    server.close();
  });

  it('answers pod reviews on one kept-alive connection, with their length', async () => {
    const { Agent } = await import('node:http');
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const pod = loadYaml('pods', listFixtures('pods').find((f) => f.startsWith('v2-executor')) ?? '');
    const first = await call(port, 'POST', '/mutate/pods', JSON.stringify(review('Pod', 'team-a', pod)), agent);
    const second = await call(port, 'POST', '/mutate/pods', JSON.stringify(review('Pod', 'team-a', pod)), agent);
    agent.destroy();
    for (const answer of [first, second]) {
      assert.equal(answer.status, 200);
      assert.equal(answer.headers['content-type'], 'application/json');
      assert.equal(Number(answer.headers['content-length']), Buffer.byteLength(answer.body));
      const response = (JSON.parse(answer.body) as { response: Parameters<typeof decodePatch>[0] }).response;
      assert.ok(decodePatch(response).length > 0);
    }
    assert.equal(first.socket, second.socket, 'the second review reused the connection');
  });

  it('copies out what Hono answers itself: health text and a 404 Status', async () => {
    const health = await call(port, 'GET', '/healthz');
    assert.equal(health.status, 200);
    assert.equal(health.body, 'ok');
    assert.match(String(health.headers['content-type']), /^text\/plain/);
    const missing = await call(port, 'POST', '/nowhere', '{}');
    assert.equal(missing.status, 404);
    assert.match(missing.body, /"kind":"Status".*no route POST \/nowhere/);
  });

  it('refuses a request target that is not a path', async () => {
    const raw = await new Promise<string>((resolve, reject) => {
      const socket = connect(port, '127.0.0.1', () => socket.end('GET http://elsewhere/healthz HTTP/1.1\r\nHost: elsewhere\r\n\r\n'));
      let text = '';
      socket.on('data', (d: Buffer) => {
        text += d.toString();
      });
      socket.on('end', () => resolve(text));
      socket.on('error', reject);
    });
    assert.match(raw, /^HTTP\/1\.1 400 /);
    assert.match(raw, /request target must be a path/);
  });

  it('closes the connection after answering before the body has arrived (413)', async () => {
    const tooLarge = await call(port, 'POST', '/mutate/pods', 'x'.repeat(MAX_BODY_BYTES + 1));
    assert.equal(tooLarge.status, 413);
    assert.equal(tooLarge.headers.connection, 'close');
  });

  it('answers 500 when the app itself fails, and reports the error', async () => {
    const broken = new Hono();
    broken.get('/boom', () => {
      throw new Error('kaput');
    });
    broken.onError(() => {
      throw new Error('error handler failed too');
    });
    const other = createServer(nodeListener(broken, (err) => errors.push(err.message)));
    const otherPort = await listen(other);
    const answer = await call(otherPort, 'GET', '/boom');
    other.closeAllConnections();
    other.close();
    assert.equal(answer.status, 500);
    assert.equal(answer.body, 'internal error');
    assert.deepEqual(errors, ['error handler failed too']);
  });
});
