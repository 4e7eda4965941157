// The self-managed overlay's ValidatingAdmissionPolicies, evaluated for real in the in-process API
// server: the certs tool's account (with exactly its rendered RBAC) tries, through the real
// kubectl, what a stolen token would (rewrite failurePolicy, rules, selectors, conditions,
// metadata; mint other Secrets, a service-account-token Secret) and is refused, while the caBundle
// change it exists for is allowed; other users are untouched. Then the built certs tool runs
// under the policies through install, a serving-certificate renewal and a whole CA rollover.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { stringify } from 'yaml';
import { startKubeApiServer } from '../support/kube-apiserver/index.ts';
import type { KubeApiServer } from '../support/kube-apiserver/index.ts';
import { kubectlWith } from '../support/kubectl-run.ts';
import type { Run } from '../support/kubectl-run.ts';
import { NS, applyRbac, podSpec, program, run, saUser } from './install-kit.ts';
import { find, ofKind, render } from './render.ts';
import type { KubeObject } from './render.ts';

const CERTS = saUser('kfstore-certs');
const CABUNDLE_ONLY =
  "ValidatingAdmissionPolicy 'kfstore-certs-cabundle-only' with binding 'kfstore-certs-cabundle-only' denied request: kfstore-certs may change only clientConfig.caBundle of kfstore-webhook";
const OWN_SECRET = "ValidatingAdmissionPolicy 'kfstore-certs-own-secret' with binding 'kfstore-certs-own-secret' denied request:";
const DAY = 24 * 60 * 60 * 1000;

let server: KubeApiServer;
let objs: KubeObject[];
let dir: string;
const as =
  (user: 'admin' | 'certs') =>
  (...args: string[]): Promise<Run> =>
    kubectlWith(dir, join(dir, `${user}.kubeconfig`), args);
const admin = as('admin');
const certs = as('certs');

before(async () => {
  objs = render('deploy/overlays/self-managed');
  dir = mkdtempSync(join(tmpdir(), 'kfstore-vap-'));
  server = await startKubeApiServer();
  applyRbac(server, objs);
  await server.writeKubeconfig(join(dir, 'admin.kubeconfig'));
  await server.writeKubeconfig(join(dir, 'certs.kubeconfig'), CERTS);
  server.seed([
    find(objs, 'Namespace', NS),
    ...ofKind(objs, 'ValidatingAdmissionPolicy'),
    ...ofKind(objs, 'ValidatingAdmissionPolicyBinding'),
  ]);
  for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'])
    server.registerWebhook(find(objs, kind, 'kfstore-webhook'));
});
after(async () => {
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

const patch = (who: typeof admin, kind: string, ops: unknown[]): Promise<Run> =>
  who('patch', kind, 'kfstore-webhook', '--type=json', '-p', JSON.stringify(ops));
const CA = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n').toString('base64');

function secret(name: string, type: string, extra: Record<string, unknown> = {}): string {
  const file = join(dir, `secret-${name || 'generated'}-${type.replaceAll('/', '_')}.yaml`);
  const metadata = name === '' ? { generateName: 'kfstore-', namespace: NS } : { name, namespace: NS };
  writeFileSync(file, stringify({ apiVersion: 'v1', kind: 'Secret', metadata, type, data: { 'tls.crt': CA, 'tls.key': CA }, ...extra }));
  return file;
}

describe('deploy: the admission policies confining the certs tool', () => {
  it('the certs account may set caBundle on both configurations', async () => {
    for (const kind of ['mutatingwebhookconfiguration', 'validatingwebhookconfiguration']) {
      const r = await patch(certs, kind, [{ op: 'add', path: '/webhooks/0/clientConfig/caBundle', value: CA }]);
      assert.equal(r.code, 0, `${kind}: ${r.stderr}`);
    }
    assert.equal(
      (
        server.get('MutatingWebhookConfiguration', undefined, 'kfstore-webhook') as KubeObject & {
          webhooks: { clientConfig: { caBundle?: string } }[];
        }
      ).webhooks[0]?.clientConfig.caBundle,
      CA,
    );
  });

  const attacks: [string, string, unknown[]][] = [
    [
      'failurePolicy Ignore (fail open)',
      'mutatingwebhookconfiguration',
      [{ op: 'replace', path: '/webhooks/0/failurePolicy', value: 'Ignore' }],
    ],
    [
      'rules widened to every pod UPDATE',
      'mutatingwebhookconfiguration',
      [{ op: 'add', path: '/webhooks/0/rules/0/operations/-', value: 'UPDATE' }],
    ],
    ['namespaceSelector emptied', 'mutatingwebhookconfiguration', [{ op: 'replace', path: '/webhooks/0/namespaceSelector', value: {} }]],
    ['matchConditions removed', 'validatingwebhookconfiguration', [{ op: 'remove', path: '/webhooks/0/matchConditions' }]],
    [
      'service redirected',
      'validatingwebhookconfiguration',
      [{ op: 'replace', path: '/webhooks/0/clientConfig/service/name', value: 'elsewhere' }],
    ],
    [
      'caBundle together with a timeout change',
      'validatingwebhookconfiguration',
      [
        { op: 'add', path: '/webhooks/0/clientConfig/caBundle', value: CA },
        { op: 'replace', path: '/webhooks/0/timeoutSeconds', value: 30 },
      ],
    ],
    [
      'an annotation (cert-manager would inject another CA)',
      'mutatingwebhookconfiguration',
      [{ op: 'add', path: '/metadata/annotations', value: { 'cert-manager.io/inject-ca-from': 'evil/ca' } }],
    ],
    ['a label', 'mutatingwebhookconfiguration', [{ op: 'add', path: '/metadata/labels/extra', value: 'x' }]],
    [
      'a second webhook entry',
      'validatingwebhookconfiguration',
      [
        {
          op: 'add',
          path: '/webhooks/-',
          value: {
            name: 'extra.kfstore.dev',
            clientConfig: { url: 'https://evil.example/x' },
            sideEffects: 'None',
            admissionReviewVersions: ['v1'],
          },
        },
      ],
    ],
  ];
  for (const [what, kind, ops] of attacks) {
    it(`the certs account may not change ${what}`, async () => {
      const before = JSON.stringify(
        server.get(
          kind === 'mutatingwebhookconfiguration' ? 'MutatingWebhookConfiguration' : 'ValidatingWebhookConfiguration',
          undefined,
          'kfstore-webhook',
        ),
      );
      const r = await patch(certs, kind, ops);
      assert.equal(r.code, 1);
      assert.equal(
        r.stderr,
        `Error from server (Forbidden): ${kind}s.admissionregistration.k8s.io "kfstore-webhook" is forbidden: ${CABUNDLE_ONLY}\n`,
      );
      assert.equal(
        JSON.stringify(
          server.get(
            kind === 'mutatingwebhookconfiguration' ? 'MutatingWebhookConfiguration' : 'ValidatingWebhookConfiguration',
            undefined,
            'kfstore-webhook',
          ),
        ),
        before,
      );
    });
  }

  it('other users are not confined: an admin may still change failurePolicy', async () => {
    const r = await patch(admin, 'mutatingwebhookconfiguration', [{ op: 'replace', path: '/webhooks/0/timeoutSeconds', value: 6 }]);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(
      (await patch(admin, 'mutatingwebhookconfiguration', [{ op: 'replace', path: '/webhooks/0/timeoutSeconds', value: 5 }])).code,
      0,
    );
  });

  it('the certs account may create only kfstore-webhook-tls, of type kubernetes.io/tls', async () => {
    const other = await certs('create', '-f', secret('stolen', 'kubernetes.io/tls'));
    assert.match(
      other.stderr,
      new RegExp(
        `secrets "stolen" is forbidden: ${OWN_SECRET} kfstore-certs may only write the Secret kfstore-system/kfstore-webhook-tls\\n$`,
      ),
    );
    const token = await certs(
      'create',
      '-f',
      secret('kfstore-webhook-tls', 'kubernetes.io/service-account-token', {
        metadata: { name: 'kfstore-webhook-tls', namespace: NS, annotations: { 'kubernetes.io/service-account.name': 'kfstore-webhook' } },
      }),
    );
    assert.match(token.stderr, new RegExp(`${OWN_SECRET} kfstore-certs may only write a Secret of type kubernetes\\.io/tls\\n$`));
    const generated = await certs('create', '-f', secret('', 'kubernetes.io/tls'));
    assert.match(generated.stderr, /kfstore-certs may only write the Secret kfstore-system\/kfstore-webhook-tls/);
    assert.deepEqual(
      server.list('Secret', NS).map((s) => s.metadata.name),
      [],
      'nothing was created',
    );
    const own = await certs('create', '-f', secret('kfstore-webhook-tls', 'kubernetes.io/tls'));
    assert.equal(own.code, 0, own.stderr);
    assert.equal((await admin('-n', NS, 'delete', 'secret', 'kfstore-webhook-tls')).code, 0);
  });

  it('the built certs tool, under the policies: install, serving-certificate renewal and a full CA rollover', async () => {
    const job = podSpec(find(objs, 'Job', 'kfstore-certs-install'));
    const tool = program(job.containers[0]?.args);
    const args = [...tool.rest.filter((a) => a !== '--in-cluster'), '--kubeconfig', join(dir, 'certs.kubeconfig')];
    const start = Date.now();
    const bundles = new Set<string>();
    const from = server.requests.length;
    // Days after install: the leaf (90 days, renewed 30 early) at 70; the CA (10 years, renewed
    // 180 days early) in three phases at least a day apart from day 3480.
    for (const day of [0, 70, 3480, 3482, 3484]) {
      const r = await run(process.execPath, [tool.bundle, ...args], { KFSTORE_CERTS_NOW: new Date(start + day * DAY).toISOString() });
      assert.equal(r.code, 0, `day ${day}: ${r.output}`);
      const hook = server.get('ValidatingWebhookConfiguration', undefined, 'kfstore-webhook') as KubeObject & {
        webhooks: { clientConfig: { caBundle?: string } }[];
      };
      bundles.add(hook.webhooks[0]?.clientConfig.caBundle ?? '');
    }
    const mine = server.requests.slice(from).filter((r) => r.user === CERTS);
    const refused = mine.filter((r) => r.status === 403 || r.status === 422);
    assert.deepEqual(refused, [], 'the tool never asked for anything the policies refuse');
    assert.ok(bundles.size >= 3, `caBundle was patched through the rollover (${bundles.size} distinct values)`);
    const patches = mine.filter((r) => r.verb === 'patch' && r.status === 200).length;
    assert.ok(patches >= 6, `the tool's caBundle patches passed the policy (${patches})`);
    const secretWrites = mine.filter((r) => r.resource === 'secrets' && ['create', 'update'].includes(r.verb) && r.status < 300);
    assert.ok(secretWrites.length >= 3, `the tool's Secret create and updates passed the policy (${secretWrites.length})`);
  });
});
