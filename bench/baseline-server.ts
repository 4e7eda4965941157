// Baseline for the webhook bench: the least an HTTPS admission endpoint can do (same TLS setup,
// read + JSON.parse the body, fixed "allowed" reply), so the webhook's cost is measured against it.
// Usage: node bench/baseline-server.ts --tls-cert FILE --tls-key FILE --host ADDR --port N
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { parseArgs } from 'node:util';

const { values } = parseArgs({
  options: { 'tls-cert': { type: 'string' }, 'tls-key': { type: 'string' }, host: { type: 'string', default: '127.0.0.1' }, port: { type: 'string', default: '0' } },
});
if (values['tls-cert'] === undefined || values['tls-key'] === undefined) {
  process.stderr.write('baseline-server: --tls-cert and --tls-key are required\n');
  process.exit(2);
}

const server = createServer({ cert: readFileSync(values['tls-cert']), key: readFileSync(values['tls-key']), minVersion: 'TLSv1.2' }, (req, res) => {
  if (req.method === 'GET' && req.url === '/healthz') {
    res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
    return;
  }
  if (req.method !== 'POST') {
    res.writeHead(405).end();
    return;
  }
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    let uid: unknown;
    try {
      const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { request?: { uid?: unknown } };
      uid = review.request?.uid;
    } catch {
      res.writeHead(400, { 'content-type': 'application/json' }).end('{"error":"invalid JSON"}');
      return;
    }
    const body = JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response: { uid, allowed: true } });
    res.writeHead(200, { 'content-type': 'application/json' }).end(body);
  });
});
// Same as the webhook: outlive kube-apiserver's idle timeout.
server.keepAliveTimeout = 90_000;
server.listen(Number(values.port), values.host, () => {
  const addr = server.address();
  process.stdout.write(`baseline listening on ${typeof addr === 'object' && addr !== null ? addr.port : '?'}\n`);
});
const stop = (): void => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
