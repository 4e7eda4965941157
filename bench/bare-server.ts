// The bench's reference: a bare node:https admission server doing the same work as the webhook,
// with nothing else. /mutate/pods parses the review and computes the same JSON Patch with the same
// domain functions (settings/injection, webhook/mutate/pod-patch: no framework, schema, metrics or
// logs; the bench asserts the patch is byte-identical); /validate/kfp-launcher runs the same cached
// lint and answers allow/deny. Same Node binary, same TLS setup.
// Usage: node bench/bare-server.ts --tls-cert FILE --tls-key FILE --policy FILE --host ADDR --port N
import { readFileSync } from 'node:fs';
import { createServer } from 'node:https';
import { parseArgs } from 'node:util';
import { planPod } from '../settings/injection/plan.ts';
import { loadPolicy } from '../settings/policy/load.ts';
import { podPatch } from '../webhook/mutate/pod-patch.ts';
import type { PodObject } from '../webhook/admission/objects.ts';
import { profileCache } from '../webhook/profile-cache.ts';
import { cachedLint } from '../webhook/validate/lint-cache.ts';

const { values } = parseArgs({
  options: {
    'tls-cert': { type: 'string' },
    'tls-key': { type: 'string' },
    policy: { type: 'string' },
    host: { type: 'string', default: '127.0.0.1' },
    port: { type: 'string', default: '0' },
  },
});
if (values['tls-cert'] === undefined || values['tls-key'] === undefined || values.policy === undefined) {
  process.stderr.write('bare-server: --tls-cert, --tls-key and --policy are required\n');
  process.exit(2);
}
const loaded = loadPolicy(readFileSync(values.policy, 'utf8'));
if (!loaded.ok) throw new Error(loaded.errors.join('; '));
const policy = loaded.policy;
const profile = profileCache(policy);
const lint = cachedLint();

interface Review {
  request: { uid: string; namespace: string; object: PodObject & { data?: Record<string, string> } };
}

function mutate(review: Review): unknown {
  const pod = review.request.object;
  const view = (c: PodObject['spec']['containers'][number]) => ({
    name: c.name,
    env: c.env ?? [],
    volumeMounts: c.volumeMounts ?? [],
    envFromSecret: false,
  });
  const decision = planPod(
    {
      labels: pod.metadata?.labels ?? undefined,
      annotations: pod.metadata?.annotations ?? undefined,
      containers: pod.spec.containers.map(view),
      initContainers: (pod.spec.initContainers ?? []).map(view),
      volumes: pod.spec.volumes ?? [],
    },
    profile(review.request.namespace),
    policy.inject,
  );
  if (!decision.inject) return { uid: review.request.uid, allowed: true };
  const ops = podPatch(pod, decision.plan);
  return { uid: review.request.uid, allowed: true, patchType: 'JSONPatch', patch: Buffer.from(JSON.stringify(ops)).toString('base64') };
}

function validate(review: Review): unknown {
  const ns = review.request.namespace;
  const findings = lint(review.request.object.data ?? {}, { namespace: ns, profileRoot: profile(ns).pipelineRoot }).findings;
  return { uid: review.request.uid, allowed: !findings.some((f) => f.level === 'error') };
}

const server = createServer(
  { cert: readFileSync(values['tls-cert']), key: readFileSync(values['tls-key']), minVersion: 'TLSv1.2' },
  (req, res) => {
    if (req.method === 'GET' && req.url === '/healthz') {
      res.writeHead(200, { 'content-type': 'text/plain' }).end('ok');
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const review = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Review;
      const response = req.url === '/mutate/pods' ? mutate(review) : validate(review);
      res
        .writeHead(200, { 'content-type': 'application/json' })
        .end(JSON.stringify({ apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', response }));
    });
  },
);
server.keepAliveTimeout = 90_000;
server.listen(Number(values.port), values.host, () => {
  const addr = server.address();
  process.stdout.write(`bare listening on ${typeof addr === 'object' && addr !== null ? addr.port : '?'}\n`);
});
const stop = (): void => {
  server.close(() => process.exit(0));
  server.closeAllConnections();
};
process.on('SIGTERM', stop);
process.on('SIGINT', stop);
