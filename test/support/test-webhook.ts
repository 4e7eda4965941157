// A tiny admission webhook with its own CA, for the in-process API server to call: records every
// AdmissionReview it gets and answers with what the test's behaviour returns.
import { createServer } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateCA, issueServingCert } from '../../certs/ca.ts';
import type { KubeObject } from './kube-apiserver/index.ts';

export interface Review {
  apiVersion: string;
  kind: string;
  request: {
    uid: string;
    name?: string;
    namespace?: string;
    operation: string;
    object: KubeObject | null;
    oldObject?: KubeObject | null;
    dryRun: boolean;
  };
}

export type Behaviour = (review: Review, path: string) => Record<string, unknown> | 'hang';

export interface TestWebhook {
  url: string;
  caBundle: string;
  calls: Review[];
  close(): Promise<void>;
}

export async function startTestWebhook(behaviour: Behaviour): Promise<TestWebhook> {
  const ca = await generateCA({ commonName: 'test webhook CA', validityDays: 1, now: new Date() });
  const leaf = await issueServingCert({
    ca,
    commonName: 'webhook',
    dnsNames: ['localhost'],
    ipAddresses: ['127.0.0.1'],
    validityDays: 1,
    now: new Date(),
  });
  const calls: Review[] = [];
  const srv = createServer({ cert: leaf.certPem, key: leaf.keyPem }, (req: IncomingMessage, res: ServerResponse) => {
    let text = '';
    req.on('data', (c: Buffer) => (text += c.toString()));
    req.on('end', () => {
      const review = JSON.parse(text) as Review;
      calls.push(review);
      const reply = behaviour(review, req.url ?? '');
      if (reply === 'hang') return;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify(reply));
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    url: `https://127.0.0.1:${(srv.address() as AddressInfo).port}`,
    caBundle: Buffer.from(ca.certPem).toString('base64'),
    calls,
    close: () =>
      new Promise<void>((r) => {
        srv.close(() => r());
        srv.closeAllConnections();
      }),
  };
}

export function allow(review: Review, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid: review.request.uid, allowed: true, ...extra } };
}
