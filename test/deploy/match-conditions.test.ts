// The deployed webhook configurations' matchConditions, evaluated for real: deploy/base rendered
// with kubectl, registered in the in-process API server (which runs their CEL as kube-apiserver
// does), and every fixture under fixtures/match-conditions/<webhook>/{sent,skipped}/ created with
// the real kubectl. "sent" objects must reach exactly that webhook and, with the webhook down, be
// refused (failurePolicy Fail); "skipped" objects must never reach it and must be admitted even
// while it is down. Nothing may be refused by a condition error. A new webhook entry only needs a
// fixture folder named after it.
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startKubeApiServer } from '../support/kube-apiserver/index.ts';
import type { KubeApiServer } from '../support/kube-apiserver/index.ts';
import { kubectlWith } from '../support/kubectl-run.ts';
import type { Run } from '../support/kubectl-run.ts';
import { allow, startTestWebhook } from '../support/test-webhook.ts';
import type { TestWebhook } from '../support/test-webhook.ts';
import { render } from './render.ts';
import type { KubeObject } from './render.ts';

const FIXTURES = new URL('./fixtures/match-conditions/', import.meta.url).pathname;
const PROFILE_UP = 'team-up';
const PROFILE_DOWN = 'team-down';
const PLAIN = 'plain';

interface Entry {
  name: string;
  path: string;
}
interface Fixture {
  webhook: string;
  expect: 'sent' | 'skipped';
  file: string;
}

function fixtures(): Fixture[] {
  return readdirSync(FIXTURES).flatMap((webhook) =>
    (['sent', 'skipped'] as const).flatMap((expect) =>
      readdirSync(join(FIXTURES, webhook, expect)).map((f) => ({ webhook, expect, file: join(FIXTURES, webhook, expect, f) })),
    ),
  );
}

let server: KubeApiServer;
let hook: TestWebhook;
let dir: string;
let admin: string;
let up = true;
const paths: string[] = [];
const entries: Entry[] = [];
const kubectl = (...args: string[]): Promise<Run> => kubectlWith(dir, admin, args);

before(async () => {
  hook = await startTestWebhook((review, path) => {
    paths.push(new URL(path, 'https://x').pathname);
    return allow(review);
  });
  const down = await startTestWebhook(() => 'hang');
  await down.close();
  server = await startKubeApiServer({ resolveService: (ref) => `${up ? hook.url : down.url}${ref.path ?? ''}` });
  dir = mkdtempSync(join(tmpdir(), 'kfstore-conditions-'));
  admin = join(dir, 'admin.kubeconfig');
  await server.writeKubeconfig(admin);
  const profile = { 'pipelines.kubeflow.org/enabled': 'true' };
  server.seed(
    [PROFILE_UP, PROFILE_DOWN, PLAIN].map((name) => ({
      apiVersion: 'v1',
      kind: 'Namespace',
      metadata: { name, ...(name === PLAIN ? {} : { labels: profile }) },
    })),
  );
  // What the overlays do: inject the webhook's CA into every entry.
  for (const config of render('deploy/base').filter((o: KubeObject) => o.kind.endsWith('WebhookConfiguration'))) {
    const webhooks = (config.webhooks as { name: string; clientConfig: { caBundle?: string; service?: { path?: string } } }[]).map((w) => {
      entries.push({ name: w.name, path: w.clientConfig.service?.path ?? '' });
      return { ...w, clientConfig: { ...w.clientConfig, caBundle: hook.caBundle } };
    });
    server.registerWebhook({ ...config, webhooks } as Parameters<KubeApiServer['registerWebhook']>[0]);
  }
});
after(async () => {
  await hook.close();
  await server.close();
  rmSync(dir, { recursive: true, force: true });
});

async function create(namespace: string, f: Fixture): Promise<{ run: Run; reached: string[] }> {
  const from = paths.length;
  const run = await kubectl('-n', namespace, 'create', '-f', f.file);
  return { run, reached: paths.slice(from).map((p) => entries.find((e) => e.path === p)?.name ?? p) };
}

const label = (f: Fixture): string => `${f.webhook}/${f.expect}/${f.file.split('/').at(-1) ?? ''}`;

describe('deploy: webhook matchConditions against objects that must and must not reach each webhook', () => {
  it('every fixture folder names a webhook of the rendered configurations, and each has both kinds of case', () => {
    const names = entries.map((e) => e.name);
    for (const webhook of new Set(fixtures().map((f) => f.webhook))) {
      assert.ok(names.includes(webhook), `fixtures/match-conditions/${webhook}: no such webhook in deploy/base (${names.join(', ')})`);
      for (const expect of ['sent', 'skipped'] as const)
        assert.ok(
          fixtures().some((f) => f.webhook === webhook && f.expect === expect),
          `${webhook}: no ${expect} fixture`,
        );
    }
  });

  it('in a profile namespace, "sent" objects reach their webhook once and "skipped" ones reach none', async () => {
    for (const f of fixtures()) {
      const { run, reached } = await create(PROFILE_UP, f);
      assert.equal(run.code, 0, `${label(f)}: ${run.stderr}`);
      assert.deepEqual(reached, f.expect === 'sent' ? [f.webhook] : [], label(f));
    }
  });

  it('an UPDATE of kfp-launcher reaches its webhook too, with the stored object as oldObject', async () => {
    const from = hook.calls.length;
    const r = await kubectl('-n', PROFILE_UP, 'label', 'configmap', 'kfp-launcher', 'edited=yes');
    assert.equal(r.code, 0, r.stderr);
    const calls = hook.calls.slice(from);
    assert.deepEqual(
      calls.map((c) => c.request.operation),
      ['UPDATE'],
    );
    assert.equal(calls[0]?.request.oldObject?.metadata.labels, undefined);
  });

  it('a DELETE of kfp-launcher reaches its webhook (the tenant rule may refuse it); other ConfigMaps, and the namespace controller, never do', async () => {
    await kubectl('-n', PROFILE_UP, 'create', 'configmap', 'other');
    await kubectl('-n', PROFILE_UP, 'create', 'configmap', 'kfp-launcher', '--from-literal=x=y', '--dry-run=client', '-o', 'name');
    const from = hook.calls.length;
    assert.equal((await kubectl('-n', PROFILE_UP, 'delete', 'configmap', 'other')).code, 0);
    assert.deepEqual(
      hook.calls.slice(from).map((c) => c.request.operation),
      [],
    );
    const r = await kubectl('-n', PROFILE_UP, 'delete', 'configmap', 'kfp-launcher');
    assert.equal(r.code, 0, r.stderr);
    const calls = hook.calls.slice(from);
    assert.deepEqual(
      calls.map((c) => `${c.request.operation} ${c.request.name}`),
      ['DELETE kfp-launcher'],
    );
    // Namespace deletion removes kfp-launcher as the namespace controller: never sent, so a
    // webhook outage cannot hold a profile namespace in Terminating.
    const controller = 'system:serviceaccount:kube-system:namespace-controller';
    server.addUser(controller, { token: 'namespace-controller-token', groups: ['system:masters'] });
    const asController = join(dir, 'controller.kubeconfig');
    await server.writeKubeconfig(asController, controller);
    assert.equal(
      (await kubectl('-n', PROFILE_UP, 'create', 'configmap', 'kfp-launcher', '--from-literal=defaultPipelineRoot=s3://b/team-up')).code,
      0,
    );
    up = false;
    try {
      const gone = await kubectlWith(dir, asController, ['-n', PROFILE_UP, 'delete', 'configmap', 'kfp-launcher']);
      assert.equal(gone.code, 0, gone.stderr);
    } finally {
      up = true;
    }
  });

  it('outside profile namespaces nothing reaches any webhook', async () => {
    for (const f of fixtures().filter((x) => x.expect === 'sent')) {
      const { run, reached } = await create(PLAIN, f);
      assert.equal(run.code, 0, `${label(f)}: ${run.stderr}`);
      assert.deepEqual(reached, [], label(f));
    }
  });

  it('with the webhook down, only "sent" objects are refused (failurePolicy Fail): the conditions keep everything else working', async () => {
    up = false;
    try {
      for (const f of fixtures()) {
        const { run } = await create(PROFILE_DOWN, f);
        if (f.expect === 'skipped') assert.equal(run.code, 0, `${label(f)}: ${run.stderr}`);
        else assert.match(run.stderr, new RegExp(`failed calling webhook "${f.webhook.replaceAll('.', '\\.')}"`), label(f));
        assert.doesNotMatch(run.stderr, /resulted in error/, `${label(f)}: a condition errored`);
      }
    } finally {
      up = true;
    }
  });
});
