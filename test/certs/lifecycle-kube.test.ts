// `kfstore-certs ensure` against the in-process kube-apiserver: what it creates and patches, that a
// second run writes nothing, that racing runs both succeed, least-privilege RBAC, and error exits.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { fileURLToPath } from 'node:url';
// ca.ts first: it installs the Reflect shim that @peculiar/x509 needs at import time.
import { certificateInfo, isIssuedBy } from '../../certs/ca.ts';
import { ensure } from '../../certs/lifecycle/ensure.ts';
import { UsageError, parseEnsure } from '../../certs/lifecycle/flags.ts';
import { serviceDnsNames } from '../../certs/lifecycle/names.ts';
import type { LifecycleOptions } from '../../certs/lifecycle/types.ts';
import { connect } from '../../kube-client/api.ts';
import type { KubeApi } from '../../kube-client/api.ts';
import { loadKubeconfig } from '../../kube-client/kubeconfig.ts';
import { startKubeApiServer } from '../support/kube-apiserver/index.ts';
import type { KubeApiServer, KubeObject } from '../support/kube-apiserver/index.ts';

const MAIN = fileURLToPath(new URL('../../certs/main.ts', import.meta.url));
const DAY = 24 * 60 * 60 * 1000;

let server: KubeApiServer;
let dir = '';
let adminConfig = '';

before(async () => {
  server = await startKubeApiServer();
  dir = await mkdtemp(join(tmpdir(), 'kfstore-certs-kube-'));
  adminConfig = join(dir, 'admin.kubeconfig');
  await server.writeKubeconfig(adminConfig);
});
after(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
});

function webhookConfig(
  kind: 'MutatingWebhookConfiguration' | 'ValidatingWebhookConfiguration',
  name: string,
  entries: string[],
): KubeObject {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind,
    metadata: { name },
    webhooks: entries.map((entry) => ({
      name: `${entry}.kfstore.dev`,
      clientConfig: { service: { namespace: 'kfstore-system', name: 'kfstore-webhook', path: `/${entry}` } },
      // Only Services, so nothing these tests create is sent to a webhook that is not running.
      rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['services'] }],
      sideEffects: 'None',
      admissionReviewVersions: ['v1'],
      failurePolicy: 'Fail',
    })),
  };
}

/** A namespace with its own pair of webhook configurations; returns the ensure flags for it. */
function setup(ns: string): string[] {
  server.seed([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }]);
  server.registerWebhook(webhookConfig('MutatingWebhookConfiguration', `${ns}-m`, ['pods']));
  server.registerWebhook(webhookConfig('ValidatingWebhookConfiguration', `${ns}-v`, ['launcher', 'other']));
  return [
    '--namespace',
    ns,
    '--secret',
    'kfstore-webhook-tls',
    '--service',
    'kfstore-webhook',
    '--mutating',
    `${ns}-m`,
    '--validating',
    `${ns}-v`,
  ];
}

type CliResult = { code: number | null; stdout: string; stderr: string };
function cli(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, [MAIN, ...args], {
      stdio: ['ignore', 'pipe', 'pipe'],
      env: { ...process.env, ...env },
      timeout: 60_000,
    });
    let stdout = '';
    let stderr = '';
    proc.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    proc.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    proc.once('error', reject);
    proc.once('exit', (code) => resolve({ code, stdout, stderr }));
  });
}

const ensureCli = (flags: string[], env: Record<string, string> = {}, kubeconfig = adminConfig): Promise<CliResult> =>
  cli(['ensure', ...flags, '--kubeconfig', kubeconfig], env);

function secretData(ns: string): Record<string, string> {
  const s = server.get('Secret', ns, 'kfstore-webhook-tls');
  assert.ok(s !== undefined, `Secret ${ns}/kfstore-webhook-tls missing`);
  return Object.fromEntries(
    Object.entries((s.data ?? {}) as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
  );
}

function bundles(kind: 'MutatingWebhookConfiguration' | 'ValidatingWebhookConfiguration', name: string): string[] {
  const config = server.get(kind, undefined, name);
  return ((config?.webhooks ?? []) as { clientConfig?: { caBundle?: string } }[]).map((w) =>
    Buffer.from(w.clientConfig?.caBundle ?? '', 'base64').toString('utf8'),
  );
}

const writes = (): { method: string; path: string; status: number }[] =>
  server.requests.filter((r) => r.method !== 'GET').map((r) => ({ method: r.method, path: r.path, status: r.status }));

function options(ns: string): LifecycleOptions {
  return {
    dnsNames: serviceDnsNames('kfstore-webhook', ns),
    ipAddresses: [],
    commonName: `kfstore-webhook.${ns}.svc`,
    caDays: 3650,
    leafDays: 90,
    renewBeforeDays: 30,
    caRenewBeforeDays: 180,
    minOverlapHours: 24,
  };
}

async function adminApi(): Promise<KubeApi> {
  return connect(loadKubeconfig({ kubeconfig: adminConfig, env: {}, home: dir }));
}

describe('ensure against the API server', () => {
  test('creates the Secret and patches caBundle on every webhook of both configurations; a second run writes nothing', async () => {
    const flags = setup('kfstore-system');
    server.resetRequests();
    const first = await ensureCli(flags);
    assert.equal(first.code, 0, first.stderr);
    assert.equal(first.stderr, '');
    const lines = first.stdout.trim().split('\n');
    assert.match(lines[0] ?? '', /^generated CA serial [0-9A-F]{32} expiring \S+Z$/);
    assert.match(lines[1] ?? '', /^issued serving certificate serial [0-9A-F]{32} expiring \S+Z \(new CA\)$/);
    assert.deepEqual(lines.slice(2), [
      'created Secret kfstore-system/kfstore-webhook-tls',
      'patched caBundle of MutatingWebhookConfiguration kfstore-system-m',
      'patched caBundle of ValidatingWebhookConfiguration kfstore-system-v',
    ]);
    assert.doesNotMatch(first.stdout, /PRIVATE KEY/);

    const secret = server.get('Secret', 'kfstore-system', 'kfstore-webhook-tls');
    assert.equal(secret?.type, 'kubernetes.io/tls');
    const data = secretData('kfstore-system');
    assert.deepEqual(Object.keys(data).sort(), ['ca.crt', 'ca.key', 'tls.crt', 'tls.key']);
    assert.ok(isIssuedBy(data['tls.crt'] ?? '', data['ca.crt'] ?? ''));
    assert.deepEqual(certificateInfo(data['tls.crt'] ?? '').dnsNames.sort(), serviceDnsNames('kfstore-webhook', 'kfstore-system').sort());
    const all = [
      ...bundles('MutatingWebhookConfiguration', 'kfstore-system-m'),
      ...bundles('ValidatingWebhookConfiguration', 'kfstore-system-v'),
    ];
    assert.equal(all.length, 3);
    for (const b of all) assert.equal(b.trim(), (data['ca.crt'] ?? '').trim());
    assert.deepEqual(
      writes().map((w) => `${w.method} ${w.path} ${w.status}`),
      [
        'POST /api/v1/namespaces/kfstore-system/secrets 201',
        'PATCH /apis/admissionregistration.k8s.io/v1/mutatingwebhookconfigurations/kfstore-system-m 200',
        'PATCH /apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/kfstore-system-v 200',
      ],
    );

    server.resetRequests();
    const second = await ensureCli(flags);
    assert.equal(second.code, 0, second.stderr);
    assert.match(second.stdout, /^nothing to do: certificate valid until \S+Z\n$/);
    assert.deepEqual(writes(), [], 'the second run writes nothing');
    assert.ok(server.requests.length >= 3, 'it did read');
  });

  test('a leaf near expiry is renewed from the same CA with one Secret update; a wiped caBundle is restored', async () => {
    const before = secretData('kfstore-system');
    server.resetRequests();
    const later = new Date(Date.now() + 61 * DAY).toISOString();
    const r = await ensureCli(setupFlags('kfstore-system'), { KFSTORE_CERTS_NOW: later });
    assert.equal(r.code, 0, r.stderr);
    assert.match(
      r.stdout,
      /^issued serving certificate serial [0-9A-F]{32} expiring \S+Z \(the previous one expires within the renewal window\)\nupdated Secret kfstore-system\/kfstore-webhook-tls\n$/,
    );
    assert.deepEqual(
      writes().map((w) => `${w.method} ${w.status}`),
      ['PUT 200'],
      'no caBundle patch for a leaf renewal',
    );
    const afterData = secretData('kfstore-system');
    assert.equal(afterData['ca.crt'], before['ca.crt']);
    assert.notEqual(afterData['tls.crt'], before['tls.crt']);
    assert.ok(isIssuedBy(afterData['tls.crt'] ?? '', afterData['ca.crt'] ?? ''));

    // Someone re-applied the validating configuration without caBundle (a Helm upgrade, say).
    server.registerWebhook(webhookConfig('ValidatingWebhookConfiguration', 'kfstore-system-v', ['launcher', 'other']));
    server.resetRequests();
    const restore = await ensureCli(setupFlags('kfstore-system'), { KFSTORE_CERTS_NOW: later });
    assert.equal(restore.stdout, 'patched caBundle of ValidatingWebhookConfiguration kfstore-system-v\n');
    assert.deepEqual(
      writes().map((w) => `${w.method} ${w.status}`),
      ['PATCH 200'],
    );
    for (const b of bundles('ValidatingWebhookConfiguration', 'kfstore-system-v'))
      assert.equal(b.trim(), (afterData['ca.crt'] ?? '').trim());
  });

  test('a run that loses the race to create the Secret (409 AlreadyExists) re-reads and succeeds', async () => {
    setup('race-create');
    const api = await adminApi();
    const target = {
      secret: { namespace: 'race-create', name: 'kfstore-webhook-tls' },
      webhooks: [
        { kind: 'MutatingWebhookConfiguration' as const, name: 'race-create-m' },
        { kind: 'ValidatingWebhookConfiguration' as const, name: 'race-create-v' },
      ],
    };
    const winner: string[] = [];
    let raced = false;
    // Another run completes between this run's read (404) and its create.
    const racing: KubeApi = {
      ...api,
      send: async <T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown, contentType?: string): Promise<T> => {
        if (method === 'POST' && !raced) {
          raced = true;
          await ensure(await adminApi(), target, options('race-create'), new Date(), (l) => winner.push(l));
        }
        return api.send<T>(method, path, body, contentType);
      },
    };
    server.resetRequests();
    const loser: string[] = [];
    await ensure(racing, target, options('race-create'), new Date(), (l) => loser.push(l));
    assert.ok(winner.includes('created Secret race-create/kfstore-webhook-tls'));
    assert.deepEqual(loser, [
      `nothing to do: certificate valid until ${certificateInfo(secretData('race-create')['tls.crt'] ?? '').notAfter.toISOString()}`,
    ]);
    assert.deepEqual(
      writes()
        .filter((w) => w.method === 'POST')
        .map((w) => w.status),
      [201, 409],
    );
    for (const b of bundles('MutatingWebhookConfiguration', 'race-create-m'))
      assert.equal(b.trim(), (secretData('race-create')['ca.crt'] ?? '').trim());
  });

  test("a run that loses the race to update the Secret (409 Conflict) re-reads and keeps the winner's leaf", async () => {
    const api = await adminApi();
    const target = {
      secret: { namespace: 'race-create', name: 'kfstore-webhook-tls' },
      webhooks: [{ kind: 'MutatingWebhookConfiguration' as const, name: 'race-create-m' }],
    };
    const later = new Date(Date.now() + 61 * DAY);
    let raced = false;
    const racing: KubeApi = {
      ...api,
      send: async <T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown, contentType?: string): Promise<T> => {
        if (method === 'PUT' && !raced) {
          raced = true;
          await ensure(await adminApi(), target, options('race-create'), later, () => {});
        }
        return api.send<T>(method, path, body, contentType);
      },
    };
    server.resetRequests();
    const lines: string[] = [];
    await ensure(racing, target, options('race-create'), later, (l) => lines.push(l));
    assert.deepEqual(
      writes().map((w) => `${w.method} ${w.status}`),
      ['PUT 200', 'PUT 409'],
    );
    assert.equal(lines.length, 1);
    assert.match(lines[0] ?? '', /^nothing to do/);
  });

  test('a caBundle patch against a configuration changed since it was read gets 409 and is redone', async () => {
    setup('race-patch');
    const api = await adminApi();
    const target = {
      secret: { namespace: 'race-patch', name: 'kfstore-webhook-tls' },
      webhooks: [{ kind: 'ValidatingWebhookConfiguration' as const, name: 'race-patch-v' }],
    };
    await ensure(api, target, options('race-patch'), new Date(), () => {});
    // Wipe the caBundle so a patch is due, then have someone re-apply the configuration mid-run.
    server.registerWebhook(webhookConfig('ValidatingWebhookConfiguration', 'race-patch-v', ['launcher', 'other']));
    let raced = false;
    const racing: KubeApi = {
      ...api,
      send: async <T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown, contentType?: string): Promise<T> => {
        if (method === 'PATCH' && !raced) {
          raced = true;
          server.registerWebhook(webhookConfig('ValidatingWebhookConfiguration', 'race-patch-v', ['launcher', 'other', 'third']));
        }
        return api.send<T>(method, path, body, contentType);
      },
    };
    server.resetRequests();
    const lines: string[] = [];
    await ensure(racing, target, options('race-patch'), new Date(), (l) => lines.push(l));
    assert.deepEqual(
      writes().map((w) => `${w.method} ${w.status}`),
      ['PATCH 409', 'PATCH 200'],
    );
    assert.deepEqual(lines, ['patched caBundle of ValidatingWebhookConfiguration race-patch-v']);
    const published = bundles('ValidatingWebhookConfiguration', 'race-patch-v');
    assert.equal(published.length, 3, 'the entry added concurrently got it too');
    for (const b of published) assert.equal(b.trim(), (secretData('race-patch')['ca.crt'] ?? '').trim());
  });

  test('three concurrent CLI runs on a fresh install all succeed with one Secret', async () => {
    const flags = setup('race-cli');
    server.resetRequests();
    const results = await Promise.all([ensureCli(flags), ensureCli(flags), ensureCli(flags)]);
    for (const r of results) assert.equal(r.code, 0, r.stderr);
    const creates = writes().filter((w) => w.method === 'POST');
    assert.equal(creates.filter((w) => w.status === 201).length, 1);
    assert.ok(creates.every((w) => w.status === 201 || w.status === 409));
    assert.equal(results.filter((r) => r.stdout.includes('created Secret race-cli/kfstore-webhook-tls')).length, 1);
    const ca = (secretData('race-cli')['ca.crt'] ?? '').trim();
    for (const b of [...bundles('MutatingWebhookConfiguration', 'race-cli-m'), ...bundles('ValidatingWebhookConfiguration', 'race-cli-v')])
      assert.equal(b.trim(), ca);
  });

  test('least privilege: get/update on the one Secret, create on Secrets in its namespace, get/patch on the two configurations', async () => {
    const flags = setup('rbac');
    const user = 'system:serviceaccount:rbac:kfstore-certs';
    server.addUser(user, { token: `certs-${crypto.randomUUID()}` });
    const kubeconfig = join(dir, 'certs-job.kubeconfig');
    await server.writeKubeconfig(kubeconfig, user);
    const group = 'admissionregistration.k8s.io';
    server.allow(user, {
      verbs: ['get', 'update'],
      apiGroups: [''],
      resources: ['secrets'],
      namespaces: ['rbac'],
      resourceNames: ['kfstore-webhook-tls'],
    });
    server.allow(user, {
      verbs: ['get', 'patch'],
      apiGroups: [group],
      resources: ['mutatingwebhookconfigurations'],
      resourceNames: ['rbac-m'],
    });
    server.allow(user, {
      verbs: ['get', 'patch'],
      apiGroups: [group],
      resources: ['validatingwebhookconfigurations'],
      resourceNames: ['rbac-v'],
    });
    // RBAC cannot limit create by name (a POST has none in its URL), so create by resourceName is denied:
    server.allow(user, {
      verbs: ['create'],
      apiGroups: [''],
      resources: ['secrets'],
      namespaces: ['rbac'],
      resourceNames: ['kfstore-webhook-tls'],
    });
    const denied = await ensureCli(flags, {}, kubeconfig);
    assert.equal(denied.code, 1);
    assert.match(
      denied.stderr,
      /^kfstore-certs: error: Secret rbac\/kfstore-webhook-tls: .*secrets is forbidden: User "system:serviceaccount:rbac:kfstore-certs" cannot create resource "secrets" in API group "" in the namespace "rbac"\n$/,
    );
    // ... and create on Secrets in the one namespace is the least that works.
    server.allow(user, { verbs: ['create'], apiGroups: [''], resources: ['secrets'], namespaces: ['rbac'] });
    server.resetRequests();
    const ok = await ensureCli(flags, {}, kubeconfig);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(
      ok.stdout,
      /created Secret rbac\/kfstore-webhook-tls\npatched caBundle of MutatingWebhookConfiguration rbac-m\npatched caBundle of ValidatingWebhookConfiguration rbac-v\n$/,
    );
    const renew = await ensureCli(flags, { KFSTORE_CERTS_NOW: new Date(Date.now() + 61 * DAY).toISOString() }, kubeconfig);
    assert.equal(renew.code, 0, renew.stderr);
    assert.match(renew.stdout, /updated Secret rbac\/kfstore-webhook-tls\n$/);
    assert.ok(
      server.requests.every((r) => r.user === user && (r.status < 400 || r.status === 404)),
      JSON.stringify(server.requests.filter((r) => r.status >= 400 && r.status !== 404)),
    );
    // Nothing beyond the rules: another configuration is out of reach.
    const other = await ensureCli([...flags, '--mutating', 'kfstore-system-m'], {}, kubeconfig);
    assert.equal(other.code, 1);
    assert.match(other.stderr, /^kfstore-certs: error: MutatingWebhookConfiguration kfstore-system-m: .*forbidden.*\n$/);
  });
});

function setupFlags(ns: string): string[] {
  return [
    '--namespace',
    ns,
    '--secret',
    'kfstore-webhook-tls',
    '--service',
    'kfstore-webhook',
    '--mutating',
    `${ns}-m`,
    '--validating',
    `${ns}-v`,
  ];
}

describe('ensure errors', () => {
  test('bad flags are usage errors; the CLI exits 2 with the usage', async () => {
    const base = ['--namespace', 'x', '--secret', 's', '--service', 'svc'];
    const bad: [string[], Record<string, string>, RegExp][] = [
      [['--namespace', 'x'], {}, /--secret is required/],
      [[...base, '--leaf-days', '10', '--renew-before-days', '10'], {}, /--renew-before-days \(10\) must be less than --leaf-days/],
      [[...base, '--ca-renew-before-days', '31'], {}, /must exceed --renew-before-days plus two --min-overlap-hours/],
      [
        [...base, '--min-overlap-hours', '0'],
        {},
        /--min-overlap-hours must be at least 0\.1 \(6 minutes\), got 0: each phase must outlast a Secret volume refresh/,
      ],
      [[...base, '--min-overlap-hours', '0.05'], {}, /--min-overlap-hours must be at least 0\.1/],
      [['--namespace', 'Bad_NS', '--secret', 's', '--service', 'svc'], {}, /--namespace: "Bad_NS" is not a valid namespace name/],
      [[...base, '--extra-ip', 'localhost'], {}, /--extra-ip: not an IP address/],
      [[...base, '--in-cluster', '--kubeconfig', 'k'], {}, /cannot be combined/],
      [base, { KFSTORE_CERTS_NOW: 'tomorrow' }, /KFSTORE_CERTS_NOW: not a time/],
    ];
    for (const [args, env, message] of bad)
      assert.throws(
        () => parseEnsure(args, env),
        (err: Error) => err instanceof UsageError && message.test(err.message),
        args.join(' '),
      );
    const good = parseEnsure([...base, '--extra-ip', '127.0.0.1', '--min-overlap-hours', '0.5'], {
      KFSTORE_CERTS_NOW: '2030-01-01T00:00:00Z',
    });
    assert.ok(good !== 'help');
    assert.equal(good.now.toISOString(), '2030-01-01T00:00:00.000Z');
    assert.deepEqual(good.opts.ipAddresses, ['127.0.0.1']);
    assert.equal(good.opts.minOverlapHours, 0.5);
    for (const args of [['ensure', '--bogus'], ['rotate']]) {
      const r = await cli(args);
      assert.equal(r.code, 2, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, /^kfstore-certs: .+\n\nUsage: kfstore-certs ensure/);
    }
  });

  test('a Secret of another type or an unreachable API server: exit 1, one line naming it, nothing written', async () => {
    server.resetRequests();
    server.seed([
      { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'opaque', namespace: 'kfstore-system' }, type: 'Opaque', data: {} },
    ]);
    const opaque = await ensureCli(['--namespace', 'kfstore-system', '--secret', 'opaque', '--service', 'kfstore-webhook']);
    assert.equal(opaque.code, 1);
    assert.equal(
      opaque.stderr,
      'kfstore-certs: error: Secret kfstore-system/opaque: has type Opaque, not kubernetes.io/tls; delete it or name another --secret\n',
    );
    assert.deepEqual(writes(), []);
    const unreachable = await cli([
      'ensure',
      '--namespace',
      'kfstore-system',
      '--secret',
      's',
      '--service',
      'svc',
      '--kubeconfig',
      join(dir, 'absent'),
    ]);
    assert.equal(unreachable.code, 1);
    assert.equal(unreachable.stderr.split('\n').length, 2, 'one line');
    assert.doesNotMatch(unreachable.stderr, /\n\s+at /);
  });

  test('a missing configuration: the Secret and the other configuration are still renewed, and the run fails naming it', async () => {
    const flags = setup('missing-one');
    server.unregisterWebhook('ValidatingWebhookConfiguration', 'missing-one-v');
    const install = await ensureCli(flags);
    assert.equal(install.code, 1);
    assert.equal(
      install.stderr,
      'kfstore-certs: error: ValidatingWebhookConfiguration missing-one-v: not found (re-apply the overlay, then run ensure again); Secret missing-one/kfstore-webhook-tls and the other configurations are up to date\n',
    );
    assert.match(
      install.stdout,
      /created Secret missing-one\/kfstore-webhook-tls\npatched caBundle of MutatingWebhookConfiguration missing-one-m\n$/,
    );
    const first = secretData('missing-one');
    for (const b of bundles('MutatingWebhookConfiguration', 'missing-one-m')) assert.equal(b.trim(), (first['ca.crt'] ?? '').trim());

    // 61 days on the leaf is due: renewed although the configuration is still missing.
    server.resetRequests();
    const renew = await ensureCli(flags, { KFSTORE_CERTS_NOW: new Date(Date.now() + 61 * DAY).toISOString() });
    assert.equal(renew.code, 1);
    assert.match(renew.stderr, /^kfstore-certs: error: ValidatingWebhookConfiguration missing-one-v: not found .*\n$/);
    assert.match(renew.stdout, /^issued serving certificate .*\nupdated Secret missing-one\/kfstore-webhook-tls\n$/);
    assert.notEqual(secretData('missing-one')['tls.crt'], first['tls.crt']);
    assert.deepEqual(
      writes().map((w) => `${w.method} ${w.status}`),
      ['PUT 200'],
    );

    server.registerWebhook(webhookConfig('ValidatingWebhookConfiguration', 'missing-one-v', ['launcher']));
    const back = await ensureCli(flags, { KFSTORE_CERTS_NOW: new Date(Date.now() + 61 * DAY).toISOString() });
    assert.equal(back.code, 0, back.stderr);
    assert.equal(back.stdout, 'patched caBundle of ValidatingWebhookConfiguration missing-one-v\n');
  });

  test('configurations or a Secret managed by cert-manager: exit 1, one line naming the annotation, nothing written', async () => {
    const flags = setup('two-owners');
    const injected = webhookConfig('ValidatingWebhookConfiguration', 'two-owners-v', ['launcher']);
    const caBundle = Buffer.from('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n').toString('base64');
    server.registerWebhook({
      ...injected,
      metadata: { ...injected.metadata, annotations: { 'cert-manager.io/inject-ca-from': 'two-owners/kfstore-webhook' } },
      webhooks: (injected.webhooks as Record<string, unknown>[]).map((w) => ({
        ...w,
        clientConfig: { ...(w.clientConfig as object), caBundle },
      })),
    });
    server.resetRequests();
    const config = await ensureCli(flags);
    assert.equal(config.code, 1);
    assert.equal(
      config.stderr,
      'kfstore-certs: error: ValidatingWebhookConfiguration two-owners-v: its caBundle is injected by cert-manager (annotation cert-manager.io/inject-ca-from: two-owners/kfstore-webhook); kfstore-certs will not write it. Use one certificate tool: see "Switching overlays" in deploy/README.md\n',
    );
    assert.equal(config.stdout, '');
    assert.deepEqual(writes(), [], 'not even the Secret');
    assert.equal(server.get('Secret', 'two-owners', 'kfstore-webhook-tls'), undefined);
    assert.deepEqual(bundles('ValidatingWebhookConfiguration', 'two-owners-v'), [
      '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n',
    ]);

    // Pointed at the Secret cert-manager writes for its Certificate.
    server.seed([
      {
        apiVersion: 'v1',
        kind: 'Secret',
        type: 'kubernetes.io/tls',
        metadata: {
          name: 'kfstore-webhook-cert',
          namespace: 'two-owners',
          annotations: { 'cert-manager.io/certificate-name': 'kfstore-webhook', 'cert-manager.io/issuer-name': 'kfstore-ca' },
        },
        data: { 'tls.crt': '', 'tls.key': '' },
      },
    ]);
    server.resetRequests();
    const secret = await ensureCli([
      '--namespace',
      'two-owners',
      '--secret',
      'kfstore-webhook-cert',
      '--service',
      'kfstore-webhook',
      '--mutating',
      'two-owners-m',
    ]);
    assert.equal(secret.code, 1);
    assert.equal(
      secret.stderr,
      'kfstore-certs: error: Secret two-owners/kfstore-webhook-cert: written by cert-manager (annotation cert-manager.io/certificate-name: kfstore-webhook); kfstore-certs will not write it. Use one certificate tool: see "Switching overlays" in deploy/README.md\n',
    );
    assert.deepEqual(writes(), []);
  });
});
