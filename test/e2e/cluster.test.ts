// End to end on a real cluster (kind in CI: .github/workflows/e2e-kind.yaml). Installs the
// self-managed overlay with the image under test, then drives it the way users do: kubectl
// apply of kfp-launcher ConfigMaps (one denied), a pipeline pod (credentials injected), and
// `kubectl kfstore doctor` through kubectl's plugin discovery. Everything it creates is deleted.
//
//   KFSTORE_E2E_KUBECONFIG=~/.kube/config KFSTORE_E2E_IMAGE=kfstore:e2e npm run test:e2e
//
// The cluster must be disposable or at least have no kfstore installed: the install and the
// test namespace are removed at the end, unless KFSTORE_E2E_KEEP=1 (CI keeps them so a failed
// run's pods and logs can still be shown; its kind cluster is thrown away anyway).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fixtureYaml, profileSecretName } from '../deploy/fixtures.ts';
import type { FixtureName } from '../deploy/fixtures.ts';
import { REPO, renderWithImage } from '../deploy/render.ts';
import { kubectl, kfstore } from '../support/plugin.ts';
import type { Run } from '../support/plugin.ts';

const KUBECONFIG = process.env.KFSTORE_E2E_KUBECONFIG;
const VERSION = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;
const IMAGE = process.env.KFSTORE_E2E_IMAGE ?? `kfstore:${VERSION}`;
const SYSTEM = 'kfstore-system';
// A fresh profile namespace per run, so a failed run's leftovers never decide the next one.
const PROFILE = `kfstore-e2e-${randomBytes(3).toString('hex')}`;
const MINUTE = 60_000;

if (KUBECONFIG === undefined || KUBECONFIG === '') {
  it('kfstore on a real cluster', {
    skip: 'KFSTORE_E2E_KUBECONFIG not set: set it to a kubeconfig of a disposable cluster (kind) and KFSTORE_E2E_IMAGE to an image it can pull',
  }, () => {});
} else {
  const config = KUBECONFIG;
  let work = '';
  let installFile = '';

  const k = (args: string[]): Promise<Run> => kubectl(args, { KUBECONFIG: config });
  const ok = async (args: string[]): Promise<string> => {
    const r = await k(args);
    assert.equal(r.code, 0, `kubectl ${args.join(' ')}:\n${r.stderr}${r.stdout}`);
    return r.stdout;
  };
  const fixtureFile = (name: FixtureName, namespace: string): string => {
    const file = join(work, `${name}-${namespace}.yaml`);
    writeFileSync(file, fixtureYaml(name, namespace));
    return file;
  };

  /**
   * Right after a rollout, a kube-apiserver may still call an endpoint that is going away, or
   * not know the new one yet: retry only "failed calling webhook" (never a webhook's answer).
   */
  async function admitted(args: string[]): Promise<Run> {
    for (let attempt = 0; ; attempt++) {
      const r = await k(args);
      if (!/failed calling webhook/.test(r.stderr) || attempt >= 20) return r;
      await new Promise((resolve) => setTimeout(resolve, 3000));
    }
  }

  before(
    async () => {
      work = mkdtempSync(join(tmpdir(), 'kfstore-e2e-'));
      installFile = join(work, 'install.yaml');
      // The overlay as a user installs it, with the image under test (an `images` override).
      writeFileSync(installFile, renderWithImage('self-managed', IMAGE));
      await ok(['apply', '-f', installFile]);
      // The install Job creates the Secret and caBundle; the Deployment's pods wait for the Secret.
      // 110 s: under the kubectl helper's own 120 s limit.
      await ok(['-n', SYSTEM, 'wait', '--for=condition=complete', 'job/kfstore-certs-install', '--timeout=110s']);
      await ok(['-n', SYSTEM, 'rollout', 'status', 'deployment/kfstore-webhook', '--timeout=110s']);
      await ok(['create', 'namespace', PROFILE]);
      await ok(['label', 'namespace', PROFILE, 'pipelines.kubeflow.org/enabled=true']);
      // The Secret the policy names for this profile (dummy keys: nothing here talks to S3).
      await ok([
        '-n',
        PROFILE,
        'create',
        'secret',
        'generic',
        profileSecretName(PROFILE),
        '--from-literal=AWS_ACCESS_KEY_ID=e2e',
        '--from-literal=AWS_SECRET_ACCESS_KEY=e2e',
      ]);
    },
    { timeout: 8 * MINUTE },
  );

  after(
    async () => {
      if (work === '') return;
      if (process.env.KFSTORE_E2E_KEEP !== '1') {
        await k(['delete', 'namespace', PROFILE, '--ignore-not-found', '--wait=false']);
        await k(['delete', '-f', installFile, '--ignore-not-found', '--wait=false']);
      }
      rmSync(work, { recursive: true, force: true });
    },
    { timeout: 2 * MINUTE },
  );

  describe('kfstore on a real cluster (self-managed overlay)', { timeout: 5 * MINUTE }, () => {
    it('both webhook configurations carry the CA that signed the serving certificate', async () => {
      const secret = JSON.parse(await ok(['-n', SYSTEM, 'get', 'secret', 'kfstore-webhook-tls', '-o', 'json'])) as {
        data: Record<string, string>;
      };
      const ca = Buffer.from(secret.data['ca.crt'] ?? '', 'base64')
        .toString()
        .trim();
      assert.ok(ca.startsWith('-----BEGIN CERTIFICATE-----'));
      for (const kind of ['mutatingwebhookconfiguration', 'validatingwebhookconfiguration']) {
        const bundle = await ok(['get', kind, 'kfstore-webhook', '-o', 'jsonpath={.webhooks[0].clientConfig.caBundle}']);
        assert.ok(Buffer.from(bundle, 'base64').toString().includes(ca), `${kind} caBundle`);
      }
    });

    it('runs two replicas, on different nodes when there are two to use', async () => {
      type Node = { spec: { unschedulable?: boolean; taints?: { effect: string }[] } };
      const nodes = (JSON.parse(await ok(['get', 'nodes', '-o', 'json'])) as { items: Node[] }).items;
      const usable = nodes.filter((n) => n.spec.unschedulable !== true && !(n.spec.taints ?? []).some((t) => t.effect === 'NoSchedule'));
      const pods = JSON.parse(
        await ok([
          '-n',
          SYSTEM,
          'get',
          'pods',
          '-l',
          'app.kubernetes.io/name=kfstore-webhook',
          '--field-selector=status.phase=Running',
          '-o',
          'json',
        ]),
      ) as { items: { spec: { nodeName: string } }[] };
      assert.equal(pods.items.length, 2);
      assert.equal(new Set(pods.items.map((p) => p.spec.nodeName)).size, Math.min(2, usable.length));
    });

    it('denies a kfp-launcher that KFP would crash on, with the check id and a fix', async () => {
      const r = await admitted(['apply', '-f', fixtureFile('kfp-launcher-bad', PROFILE)]);
      assert.notEqual(r.code, 0, 'the bad kfp-launcher was admitted');
      assert.match(r.stderr, /admission webhook "kfp-launcher\.kfstore\.dev" denied the request/);
      assert.match(r.stderr, /\[KFS014\].*Fix: /s);
    });

    it('admits a good kfp-launcher', async () => {
      const r = await admitted(['apply', '-f', fixtureFile('kfp-launcher-good', PROFILE)]);
      assert.equal(r.code, 0, r.stderr);
    });

    it('injects the profile credentials into a pipeline pod as secretKeyRef', async () => {
      const r = await admitted(['create', '-f', fixtureFile('pipeline-pod', PROFILE), '-o', 'json']);
      assert.equal(r.code, 0, r.stderr);
      type Env = { name: string; value?: string; valueFrom?: { secretKeyRef?: { name: string; key: string } } };
      const pod = JSON.parse(r.stdout) as {
        metadata: { annotations?: Record<string, string> };
        spec: { containers: { name: string; env?: Env[] }[] };
      };
      const env = new Map((pod.spec.containers.find((c) => c.name === 'main')?.env ?? []).map((e) => [e.name, e]));
      assert.deepEqual(env.get('AWS_ACCESS_KEY_ID')?.valueFrom?.secretKeyRef, {
        name: profileSecretName(PROFILE),
        key: 'AWS_ACCESS_KEY_ID',
      });
      assert.deepEqual(env.get('AWS_SECRET_ACCESS_KEY')?.valueFrom?.secretKeyRef, {
        name: profileSecretName(PROFILE),
        key: 'AWS_SECRET_ACCESS_KEY',
      });
      assert.equal(env.get('AWS_REGION')?.value, 'us-west-2');
      assert.match(pod.metadata.annotations?.['kfstore.dev/injected'] ?? '', /^main=.*AWS_ACCESS_KEY_ID/);
    });

    it('leaves a pod without the pipeline label alone', async () => {
      const plain = fixtureYaml('pipeline-pod', PROFILE)
        .replace('pipelines.kubeflow.org/v2_component: "true"', 'app: not-a-pipeline')
        .replace('name: kfstore-e2e-pipeline-step', 'name: kfstore-e2e-plain');
      const file = join(work, 'plain-pod.yaml');
      writeFileSync(file, plain);
      const pod = JSON.parse(await ok(['create', '-f', file, '-o', 'json'])) as { spec: { containers: { env?: unknown[] }[] } };
      assert.equal(pod.spec.containers[0]?.env, undefined);
    });

    it('the certs account may set caBundle but not failurePolicy (ValidatingAdmissionPolicy, impersonated)', async () => {
      const as = [
        '--as=system:serviceaccount:kfstore-system:kfstore-certs',
        '--as-group=system:serviceaccounts',
        '--as-group=system:serviceaccounts:kfstore-system',
      ];
      const bundle = await ok([
        'get',
        'mutatingwebhookconfiguration',
        'kfstore-webhook',
        '-o',
        'jsonpath={.webhooks[0].clientConfig.caBundle}',
      ]);
      const same = await k([
        ...as,
        'patch',
        'mutatingwebhookconfiguration',
        'kfstore-webhook',
        '--type=json',
        '-p',
        JSON.stringify([{ op: 'replace', path: '/webhooks/0/clientConfig/caBundle', value: bundle }]),
      ]);
      assert.equal(same.code, 0, same.stderr);
      const open = await k([
        ...as,
        'patch',
        'mutatingwebhookconfiguration',
        'kfstore-webhook',
        '--type=json',
        '-p',
        JSON.stringify([{ op: 'replace', path: '/webhooks/0/failurePolicy', value: 'Ignore' }]),
      ]);
      assert.match(
        open.stderr,
        /ValidatingAdmissionPolicy 'kfstore-certs-cabundle-only' with binding 'kfstore-certs-cabundle-only' denied request/,
      );
      const minted = await k([...as, '-n', SYSTEM, 'create', 'secret', 'generic', 'kfstore-e2e-minted']);
      assert.match(minted.stderr, /ValidatingAdmissionPolicy 'kfstore-certs-own-secret'/);
    });

    it('kubectl kfstore doctor finds the profile healthy', async () => {
      const r = await kfstore(['doctor', '-n', PROFILE, '-o', 'json', '--exit-zero'], { KUBECONFIG: config });
      assert.equal(r.code, 0, r.stderr);
      const report = JSON.parse(r.stdout) as {
        kind: string;
        namespaces: string[];
        findings: { id: string; level: string; namespace?: string; object?: { kind: string; name: string } }[];
      };
      assert.equal(report.kind, 'DoctorReport');
      assert.deepEqual(report.namespaces, [PROFILE]);
      // KFP computes a session for the root the good kfp-launcher sets, and nothing about that
      // ConfigMap is an error (the cluster has no KFP, so installation checks may still warn).
      assert.ok(
        report.findings.some((f) => f.id === 'KFS014' && f.level === 'ok' && f.namespace === PROFILE),
        JSON.stringify(report.findings),
      );
      assert.deepEqual(
        report.findings.filter((f) => f.level === 'error' && f.object?.name === 'kfp-launcher'),
        [],
      );
    });
  });
}
