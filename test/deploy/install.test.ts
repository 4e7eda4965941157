// The self-managed overlay, installed for real as far as this machine allows, as shipped and with
// the opt-in components/secret-warnings: the in-process API server (test/support/kube-apiserver)
// plays the cluster, with RBAC made from the rendered Roles and bindings and the rendered
// ValidatingAdmissionPolicies in force; the built certs tool runs with the install Job's
// arguments; the built webhook runs with the Deployment's environment, mounts (paths moved under
// a temp dir) and token (only if the pod template mounts one); admission goes through the
// rendered webhook configurations, Service and container ports. What it cannot
// show (kubelet, scheduling, the image) is left to test/e2e on kind; the matchConditions are held
// to their fixtures in match-conditions.test.ts.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { X509Certificate } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parse as parseYaml } from 'yaml';
import { startKubeApiServer } from '../support/kube-apiserver/index.ts';
import type { KubeApiServer } from '../support/kube-apiserver/index.ts';
import { kubectl } from '../support/plugin.ts';
import { fixtureYaml, profileSecretName } from './fixtures.ts';
import { NS, applyRbac, podSpec, program, run, saUser } from './install-kit.ts';
import { find, ofKind, render, renderWithComponents } from './render.ts';
import type { KubeObject } from './render.ts';

const PROFILE = 'team-a';
const PLAIN = 'not-a-profile';

const VARIANTS = [
  { name: 'self-managed', cluster: false, render: (): KubeObject[] => render('deploy/overlays/self-managed') },
  {
    name: 'self-managed + components/secret-warnings',
    cluster: true,
    render: (): KubeObject[] => renderWithComponents('self-managed', ['deploy/components/secret-warnings']),
  },
] as const;

for (const variant of VARIANTS) {
  describe(`deploy: ${variant.name} installed against the in-process API server`, () => {
    let server: KubeApiServer;
    let objs: KubeObject[];
    let work: string;
    let webhook: ChildProcess | undefined;
    let webhookLog = '';
    let webhookPort = 0;
    let exited: Promise<number | null> = Promise.resolve(null);

    const admin = (args: string[]): ReturnType<typeof kubectl> => kubectl(['--kubeconfig', join(work, 'admin.kubeconfig'), ...args]);

    async function waitFor(check: () => boolean, what: string, ms = 15_000): Promise<void> {
      for (const start = Date.now(); Date.now() - start < ms; ) {
        if (check()) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.fail(`timed out waiting for ${what}; webhook log:\n${webhookLog}`);
    }

    before(async () => {
      objs = variant.render();
      work = mkdtempSync(join(tmpdir(), 'kfstore-install-'));
      const svc = find(objs, 'Service', 'kfstore-webhook');
      const deployment = find(objs, 'Deployment', 'kfstore-webhook');
      const c = podSpec(deployment).containers.find((x) => x.name === 'webhook');
      assert.ok(c !== undefined);
      const env = Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value ?? '']));

      server = await startKubeApiServer({
        // kube-apiserver's path to the webhook: Service port → targetPort name → containerPort, which
        // must be the port the Deployment tells the webhook to listen on. The process itself listens
        // on an ephemeral port here, so many test runs can share the machine.
        resolveService: (ref) => {
          if (ref.namespace !== svc.metadata.namespace || ref.name !== svc.metadata.name) return undefined;
          const port = (svc.spec as { ports: { port: number; targetPort: string }[] }).ports.find((p) => p.port === ref.port);
          const target = c.ports?.find((p) => p.name === port?.targetPort);
          if (target === undefined || String(target.containerPort) !== env.KFSTORE_PORT) return undefined;
          return `https://localhost:${webhookPort}${ref.path ?? ''}`;
        },
      });
      await server.writeKubeconfig(join(work, 'admin.kubeconfig'));
      applyRbac(server, objs);
      // kfstore-system wrongly labelled as a profile: the webhooks must still leave it alone.
      const ns = find(objs, 'Namespace', NS);
      server.seed([
        { ...ns, metadata: { ...ns.metadata, labels: { ...ns.metadata.labels, 'pipelines.kubeflow.org/enabled': 'true' } } },
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: PROFILE, labels: { 'pipelines.kubeflow.org/enabled': 'true' } } },
        { apiVersion: 'v1', kind: 'Namespace', metadata: { name: PLAIN } },
      ]);
      server.seed([...ofKind(objs, 'ValidatingAdmissionPolicy'), ...ofKind(objs, 'ValidatingAdmissionPolicyBinding')]);
      for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'])
        server.registerWebhook(find(objs, kind, 'kfstore-webhook'));

      // 1. The install Job, with its own account. --kubeconfig stands in for --in-cluster (no pod
      // filesystem here); --extra-dns localhost because this webhook is reached as localhost.
      const job = podSpec(find(objs, 'Job', 'kfstore-certs-install'));
      const certs = program(job.containers[0]?.args);
      const certsKubeconfig = join(work, 'certs.kubeconfig');
      await server.writeKubeconfig(certsKubeconfig, saUser(job.serviceAccountName ?? ''));
      const args = [...certs.rest.filter((a) => a !== '--in-cluster'), '--kubeconfig', certsKubeconfig, '--extra-dns', 'localhost'];
      const installed = await run(process.execPath, [certs.bundle, ...args]);
      assert.equal(installed.code, 0, `kfstore-certs ${args.join(' ')}:\n${installed.output}`);

      // 2. The Deployment's volumes as the kubelet would mount them, under `work`.
      const root = join(work, 'root');
      for (const m of c.volumeMounts ?? []) {
        const vol = podSpec(deployment).volumes?.find((v) => v.name === m.name);
        let files: Record<string, string> = {};
        if (vol?.configMap) files = find(objs, 'ConfigMap', vol.configMap.name).data as Record<string, string>;
        if (vol?.secret) {
          const secret = server.get('Secret', NS, vol.secret.secretName) as KubeObject & { data: Record<string, string> };
          assert.ok(secret !== undefined, `Secret ${vol.secret.secretName} was not created`);
          const items = vol.secret.items ?? Object.keys(secret.data).map((key) => ({ key, path: key }));
          files = Object.fromEntries(items.map((i) => [i.path, Buffer.from(secret.data[i.key] ?? '', 'base64').toString('utf8')]));
        }
        for (const [path, text] of Object.entries(files)) {
          const file = join(root, m.mountPath, path);
          mkdirSync(dirname(file), { recursive: true });
          writeFileSync(file, text);
        }
      }

      // 3. The webhook with the Deployment's environment, listening on an ephemeral port. In
      // cluster mode its own account's kubeconfig stands in for --in-cluster; a pod template that
      // mounts no token gets no kubeconfig either.
      const moved: Record<string, string> = Object.fromEntries(
        Object.entries(env).map(([k, v]) => [k, v.startsWith('/') ? join(root, v) : v]),
      );
      const inCluster = moved.KFSTORE_IN_CLUSTER === 'true';
      assert.equal(
        inCluster,
        podSpec(deployment).automountServiceAccountToken === true,
        'cluster mode exactly when the pod mounts a token',
      );
      if (inCluster) {
        const webhookKubeconfig = join(work, 'webhook.kubeconfig');
        await server.writeKubeconfig(webhookKubeconfig, saUser(podSpec(deployment).serviceAccountName ?? ''));
        delete moved.KFSTORE_IN_CLUSTER;
        moved.KFSTORE_KUBECONFIG = webhookKubeconfig;
      }
      const main = program(c.args);
      const proc = spawn(process.execPath, [main.bundle, ...main.rest], {
        env: { ...process.env, ...moved, KFSTORE_PORT: '0', KFSTORE_METRICS_PORT: '0', KFSTORE_HOST: '127.0.0.1' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      webhook = proc;
      exited = new Promise((resolve) => proc.once('exit', resolve));
      proc.stdout.on('data', (d: Buffer) => (webhookLog += d.toString()));
      proc.stderr.on('data', (d: Buffer) => (webhookLog += d.toString()));
      await waitFor(() => webhookLog.includes('"msg":"kfstore-webhook serving"'), 'the webhook to serve');
      const line = webhookLog.split('\n').find((l) => l.includes('"msg":"kfstore-webhook serving"')) ?? '{}';
      webhookPort = (JSON.parse(line) as { port: number }).port;
    });

    after(async () => {
      if (webhook?.exitCode === null) webhook.kill('SIGKILL');
      await exited;
      await server?.close();
      if (work) rmSync(work, { recursive: true, force: true });
    });

    it('the certs Job, with only its Role, ClusterRole and admission policies, creates the Secret and fills caBundle', () => {
      const secret = server.get('Secret', NS, 'kfstore-webhook-tls') as KubeObject & { data: Record<string, string> };
      assert.deepEqual(Object.keys(secret.data).sort(), ['ca.crt', 'ca.key', 'tls.crt', 'tls.key']);
      const ca = new X509Certificate(Buffer.from(secret.data['ca.crt'] ?? '', 'base64'));
      const leaf = new X509Certificate(Buffer.from(secret.data['tls.crt'] ?? '', 'base64'));
      assert.ok(leaf.verify(ca.publicKey), 'the serving certificate is signed by the CA');
      // The name kube-apiserver checks for clientConfig.service.
      assert.equal(leaf.checkHost('kfstore-webhook.kfstore-system.svc'), 'kfstore-webhook.kfstore-system.svc');
      for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']) {
        const hooks = (
          server.get(kind, undefined, 'kfstore-webhook') as KubeObject & { webhooks: { clientConfig: { caBundle?: string } }[] }
        ).webhooks;
        for (const h of hooks)
          assert.ok(
            Buffer.from(h.clientConfig.caBundle ?? '', 'base64')
              .toString()
              .includes(ca.toString().trim()),
            `${kind}: caBundle holds the CA`,
          );
      }
      assert.equal(server.list('ValidatingAdmissionPolicyBinding').length, 2, 'the policies confining the certs tool were in force');
      const denied = server.requests.filter((r) => r.user === saUser('kfstore-certs') && r.status >= 400 && r.status !== 404);
      assert.deepEqual(denied, [], 'the certs tool needed nothing its RBAC and policies do not allow');
    });

    if (variant.cluster) {
      it('the webhook, with only its ClusterRole, syncs its Secret cache', async () => {
        await waitFor(() => webhookLog.includes('"msg":"secret cache synced"'), 'the Secret cache to sync');
        const mine = server.requests.filter((r) => r.user === saUser('kfstore-webhook'));
        assert.ok(mine.some((r) => r.resource === 'secrets' && r.verb === 'list'));
        assert.deepEqual(
          mine.filter((r) => r.status === 403),
          [],
        );
      });
    } else {
      it('the webhook has no token and calls no API', async () => {
        // Give a would-be cache time to start listing.
        await new Promise((r) => setTimeout(r, 500));
        assert.deepEqual(
          server.requests.filter((r) => r.user === saUser('kfstore-webhook')),
          [],
        );
        assert.doesNotMatch(webhookLog, /secret cache/);
      });
    }

    it(`a kfp-launcher naming a missing Secret is admitted ${variant.cluster ? 'with a KFS030 warning' : 'without a Secret warning (no cluster mode)'}`, async () => {
      const file = join(work, 'missing-secret.yaml');
      writeFileSync(file, fixtureYaml('kfp-launcher-missing-secret', PROFILE));
      if (variant.cluster) await waitFor(() => webhookLog.includes('"msg":"secret cache synced"'), 'the Secret cache to sync');
      const r = await admin(['apply', '-f', file]);
      assert.equal(r.code, 0, r.stderr);
      if (variant.cluster) assert.match(r.stderr, /^Warning: KFS030: .*Secret no-such-secret does not exist/m);
      else assert.doesNotMatch(r.stderr, /KFS030/);
      assert.equal((await admin(['-n', PROFILE, 'delete', 'configmap', 'kfp-launcher'])).code, 0);
    });

    it('denies a kfp-launcher KFP would crash on, in a profile namespace, with the fix', async () => {
      const file = join(work, 'bad.yaml');
      writeFileSync(file, fixtureYaml('kfp-launcher-bad', PROFILE));
      const r = await admin(['apply', '-f', file]);
      assert.notEqual(r.code, 0);
      assert.match(r.stderr, /admission webhook "kfp-launcher\.kfstore\.dev" denied the request/);
      assert.match(r.stderr, /\[KFS014\].*Fix: /s);
    });

    it('admits a good kfp-launcher', async () => {
      const file = join(work, 'good.yaml');
      writeFileSync(file, fixtureYaml('kfp-launcher-good', PROFILE));
      const r = await admin(['apply', '-f', file]);
      assert.equal(r.code, 0, r.stderr);
    });

    it('leaves its own namespace alone even when it is labelled as a profile', async () => {
      const file = join(work, 'bad-own.yaml');
      writeFileSync(file, fixtureYaml('kfp-launcher-bad', NS));
      const r = await admin(['apply', '-f', file]);
      assert.equal(r.code, 0, r.stderr);
    });

    it('injects credentials into a pipeline pod in a profile namespace, and only there', async () => {
      for (const ns of [PROFILE, PLAIN]) {
        const file = join(work, `pod-${ns}.yaml`);
        writeFileSync(file, fixtureYaml('pipeline-pod', ns));
        const r = await admin(['create', '-f', file, '-o', 'yaml']);
        assert.equal(r.code, 0, r.stderr);
        const pod = parseYaml(r.stdout) as {
          spec: {
            containers: {
              name: string;
              env?: { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } }[];
            }[];
          };
        };
        const env = pod.spec.containers.find((x) => x.name === 'main')?.env ?? [];
        if (ns === PLAIN) {
          assert.deepEqual(env, []);
          continue;
        }
        assert.deepEqual(env.find((e) => e.name === 'AWS_ACCESS_KEY_ID')?.valueFrom?.secretKeyRef, {
          name: profileSecretName(ns),
          key: 'AWS_ACCESS_KEY_ID',
        });
        assert.deepEqual(env.find((e) => e.name === 'AWS_SECRET_ACCESS_KEY')?.valueFrom?.secretKeyRef, {
          name: profileSecretName(ns),
          key: 'AWS_SECRET_ACCESS_KEY',
        });
        assert.equal(env.find((e) => e.name === 'AWS_REGION')?.value, 'us-west-2');
      }
    });

    it('with the webhook gone, pipeline pods are refused (failurePolicy Fail), other namespaces unaffected', async () => {
      webhook?.kill('SIGKILL');
      await exited;
      for (const [ns, ok] of [
        [PROFILE, false],
        [PLAIN, true],
      ] as const) {
        const file = join(work, `pod-down-${ns}.yaml`);
        writeFileSync(file, fixtureYaml('pipeline-pod', ns).replace('name: kfstore-e2e-pipeline-step', 'name: after-outage'));
        const r = await admin(['create', '-f', file]);
        if (ok) assert.equal(r.code, 0, r.stderr);
        else assert.match(r.stderr, /failed calling webhook "pods\.kfstore\.dev"/);
      }
    });
  });
}
