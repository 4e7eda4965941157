// The webhook's watch-backed Secret cache against the test API server: it follows creates and
// deletes, recovers from a closed watch and from 410 Gone, never reads Secret values, and a lost
// API server turns Secret warnings off instead of denying or slowing validation.
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, describe, it } from 'node:test';
import { connect } from '../../kube-client/api.ts';
import { loadKubeconfig } from '../../kube-client/kubeconfig.ts';
import { startSecretCache } from '../../webhook/cluster/secret-cache.ts';
import type { SecretCache } from '../../webhook/cluster/secret-cache.ts';
import { createLogger } from '../../webhook/log.ts';
import { admit, policyFixture, review, testApp } from '../support/admission.ts';
import { loadYaml } from '../support/fixtures.ts';
import { startKubeApiServer } from '../support/kube-apiserver/index.ts';
import type { KubeApiServer } from '../support/kube-apiserver/index.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let server: KubeApiServer;
let cache: SecretCache;
const quiet = createLogger('silent', new Writable({ write: (_c, _e, done) => done() }));

async function eventually(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200; i++) {
    if (check()) return;
    await new Promise((r) => setTimeout(r, 25));
  }
  assert.fail(`timed out waiting for: ${what}`);
}

const exists = (ns: string, name: string): boolean | undefined => cache.lookup(ns)?.(name)?.exists;

before(async () => {
  server = await startKubeApiServer();
  server.seed([
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-a' } },
    {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 'kubeflow-pipelines--profile-object-store-auth--team-a', namespace: 'team-a' },
      stringData: { AWS_ACCESS_KEY_ID: 'CANARY-cache-key' },
    },
  ]);
  const file = join(mkdtempSync(join(tmpdir(), 'kfstore-cache-')), 'kubeconfig');
  await server.writeKubeconfig(file, 'admin');
  cache = startSecretCache(await connect(loadKubeconfig({ kubeconfig: file, env: {}, home: '/' })), quiet, { backoffMs: 50 });
  await cache.synced();
});
after(async () => {
  cache.stop();
  await server.close();
});

describe('secret cache', () => {
  it('lists Secrets as metadata only, then follows the watch', async () => {
    assert.equal(exists('team-a', 'kubeflow-pipelines--profile-object-store-auth--team-a'), true);
    assert.equal(exists('team-a', 'nope'), false);
    const lists = server.requests.filter((r) => r.resource === 'secrets' && r.verb === 'list');
    assert.ok(lists.length >= 1);
    server.seed([{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'late', namespace: 'team-a' }, stringData: { x: 'y' } }]);
    await eventually(() => exists('team-a', 'late') === true, 'ADDED seen');
  });

  it('validation warns about a missing Secret with no API call on the request path', async () => {
    const t = testApp(policyFixture('no-prefix-check.yaml'), { secrets: (ns) => cache.lookup(ns) });
    const cm = loadYaml<{ metadata: { namespace: string } }>('kfp-launcher', 'valid-02-s3-aws-static-secret.yaml');
    const before = server.requests.length;
    const r = await admit(t.app, '/validate/kfp-launcher', review('ConfigMap', 'team-a', cm, 'CREATE', 'kfp-launcher'));
    assert.equal(server.requests.length, before, 'no request to the API server while validating');
    assert.equal(r.allowed, true);
    assert.ok(
      r.warnings?.some((w) => w.startsWith('KFS030:') && w.includes('Secret kfp-s3-credentials does not exist')),
      JSON.stringify(r.warnings),
    );
    server.seed([
      {
        apiVersion: 'v1',
        kind: 'Secret',
        metadata: { name: 'kfp-s3-credentials', namespace: 'team-a' },
        stringData: { AWS_ACCESS_KEY_ID: 'a', AWS_SECRET_ACCESS_KEY: 'b' },
      },
    ]);
    await eventually(() => exists('team-a', 'kfp-s3-credentials') === true, 'created Secret seen');
    const again = await admit(t.app, '/validate/kfp-launcher', review('ConfigMap', 'team-a', cm, 'CREATE', 'kfp-launcher'));
    assert.ok(!(again.warnings ?? []).some((w) => w.startsWith('KFS030')), JSON.stringify(again.warnings));
  });

  it('recovers from a closed watch and from 410 Gone', async () => {
    const closed = server.closeWatches();
    assert.ok(closed >= 1);
    server.seed([{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'after-close', namespace: 'team-a' } }]);
    await eventually(() => exists('team-a', 'after-close') === true, 'event after re-watch');
    server.compact();
    server.closeWatches();
    server.seed([{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'after-compact', namespace: 'team-a' } }]);
    await eventually(() => exists('team-a', 'after-compact') === true, 'relist after 410');
  });

  it('a lost API server degrades to "no warning", never a denial', async () => {
    const fault = server.fail({ resource: 'secrets' }, { status: 500 });
    server.closeWatches();
    await eventually(() => !cache.ready(), 'cache notices');
    const t = testApp(policyFixture('no-prefix-check.yaml'), { secrets: (ns) => cache.lookup(ns) });
    const cm = loadYaml('kfp-launcher', 'valid-02-s3-aws-static-secret.yaml');
    const r = await admit(t.app, '/validate/kfp-launcher', review('ConfigMap', 'team-b', cm, 'CREATE', 'kfp-launcher'));
    assert.equal(r.allowed, true);
    assert.ok(!(r.warnings ?? []).some((w) => w.startsWith('KFS030')));
    fault.cancel();
    await cache.synced(5000);
    assert.equal(exists('team-a', 'after-compact'), true);
  });
});

describe('a cache that cannot sync', () => {
  it('says so in the log at once, stays not ready, and answers nothing', async () => {
    server.addUser('no-secrets', { token: 'no-secrets-token' });
    const file = join(mkdtempSync(join(tmpdir(), 'kfstore-cache-403-')), 'kubeconfig');
    await server.writeKubeconfig(file, 'no-secrets');
    const lines: string[] = [];
    const logger = createLogger(
      'info',
      new Writable({
        write: (c: Buffer, _e, done) => {
          lines.push(c.toString());
          done();
        },
      }),
    );
    const denied = startSecretCache(await connect(loadKubeconfig({ kubeconfig: file, env: {}, home: '/' })), logger, { backoffMs: 50 });
    try {
      await eventually(() => lines.some((l) => l.includes('secret cache cannot read Secrets')), 'a warning before the first sync');
      assert.equal(denied.ready(), false);
      assert.equal(denied.lookup('team-a'), undefined);
      assert.ok(
        lines.some((l) => l.includes('forbidden')),
        lines.join(''),
      );
    } finally {
      denied.stop();
    }
  });
});

describe('the webhook process in cluster mode', () => {
  it('--kubeconfig: warns about a Secret missing in the cluster, not about one that exists', async () => {
    const { startWebhook, httpsRequest } = await import('../support/webhook-process.ts');
    const { ensureDevCertificates } = await import('../../certs/cli.ts');
    const { readFileSync } = await import('node:fs');
    const dir = mkdtempSync(join(tmpdir(), 'kfstore-cluster-mode-'));
    const certs = await ensureDevCertificates(join(dir, 'certs'));
    const kubeconfig = join(dir, 'kubeconfig');
    await server.writeKubeconfig(kubeconfig, 'admin');
    const w = await startWebhook([
      '--policy',
      new URL('../fixtures/policies/no-prefix-check.yaml', import.meta.url).pathname,
      '--tls-cert',
      certs.certFile,
      '--tls-key',
      certs.keyFile,
      '--host',
      '127.0.0.1',
      '--port',
      '0',
      '--metrics-port',
      '0',
      '--kubeconfig',
      kubeconfig,
      '--shutdown-delay',
      '0',
    ]);
    try {
      await eventually(() => w.logs().includes('secret cache synced'), 'cache synced');
      const ca = readFileSync(certs.caCertFile, 'utf8');
      const validate = async (ns: string): Promise<string[]> => {
        const cm = loadYaml('kfp-launcher', 'valid-02-s3-aws-static-secret.yaml');
        const r = await httpsRequest(w.port, {
          ca,
          method: 'POST',
          path: '/validate/kfp-launcher',
          body: JSON.stringify(review('ConfigMap', ns, cm, 'CREATE', 'kfp-launcher')),
          headers: { 'content-type': 'application/json' },
        });
        return ((JSON.parse(r.body) as { response: { warnings?: string[] } }).response.warnings ?? []).filter((x) =>
          x.startsWith('KFS030'),
        );
      };
      assert.equal((await validate('team-a')).length, 0, 'team-a has kfp-s3-credentials');
      server.seed([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team-z' } }]);
      assert.match((await validate('team-z'))[0] ?? '', /Secret kfp-s3-credentials does not exist/);
    } finally {
      await w.stop();
    }
  });
});

describe('a watch that goes silent', () => {
  it('stays ready while bookmarks arrive; once nothing arrives for 3 bookmark intervals: not ready, relist, current again', async () => {
    const interval = 100;
    const quietServer = await startKubeApiServer({ bookmarkIntervalMs: interval });
    quietServer.seed([{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'first', namespace: 'team-q' } }]);
    const file = join(mkdtempSync(join(tmpdir(), 'kfstore-cache-silent-')), 'kubeconfig');
    await quietServer.writeKubeconfig(file, 'admin');
    const lines: string[] = [];
    const logger = createLogger(
      'info',
      new Writable({
        write: (c: Buffer, _e, done) => {
          lines.push(c.toString());
          done();
        },
      }),
    );
    const silentCache = startSecretCache(await connect(loadKubeconfig({ kubeconfig: file, env: {}, home: '/' })), logger, {
      backoffMs: 50,
      bookmarkIntervalMs: interval,
      missedBookmarks: 3,
    });
    const count = (verb: 'list' | 'watch'): number =>
      quietServer.requests.filter((r) => r.resource === 'secrets' && (verb === 'watch' ? r.watch : r.verb === 'list' && !r.watch)).length;
    try {
      await silentCache.synced();
      // Ten bookmark intervals without a change: bookmarks alone keep it alive.
      for (let i = 0; i < 20; i++) {
        assert.equal(silentCache.ready(), true, `ready after ${i * 50} ms of quiet`);
        await new Promise((r) => setTimeout(r, 50));
      }
      assert.equal(count('watch'), 1, 'one watch, never re-opened');
      assert.equal(count('list'), 1);

      const muted = quietServer.muteWatches();
      assert.equal(muted, 1);
      const mutedAt = Date.now();
      quietServer.seed([{ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'while-silent', namespace: 'team-q' } }]);
      assert.equal(silentCache.lookup('team-q')?.('while-silent')?.exists, false, 'stale while the silence is not yet noticed');
      await eventually(() => !silentCache.ready() || silentCache.lookup('team-q')?.('while-silent')?.exists === true, 'silence noticed');
      const noticedAfter = Date.now() - mutedAt;
      // Counted from the last message received, which may have come up to one interval before the mute.
      assert.ok(noticedAfter >= 2 * interval - 20, `not before 3 missed bookmarks (${noticedAfter} ms)`);
      assert.ok(noticedAfter < 3 * interval + 1000, `soon after 3 missed bookmarks (${noticedAfter} ms)`);
      await silentCache.synced(5000);
      assert.equal(silentCache.lookup('team-q')?.('while-silent')?.exists, true, 'current again after the relist');
      assert.equal(count('list'), 2, 'relisted');
      await eventually(() => count('watch') === 2, 'a new watch after the relist');
      const warn = lines
        .map((l) => JSON.parse(l) as { level: number; msg: string })
        .find((l) => l.msg.startsWith('secret cache watch passed nothing'));
      assert.equal(warn?.level, 40);
    } finally {
      silentCache.stop();
      await quietServer.close();
    }
  });
});
