// doctor under narrow RBAC, through the real kubectl against the test API server: a reader who may
// list Secrets only per namespace (and not at all in vault) gets the same Secret findings as an
// admin where it can read, a per-namespace KFS091 with the exact `kubectl auth can-i` where it
// cannot, and never "does not exist" for what it could not read. Overlapping roots are reported on
// the namespace whose root is nested, in -A and in both namespaces' -n views.
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { parseAllDocuments } from 'yaml';
import { startKubeApiServer } from '../support/kube-apiserver/index.ts';
import type { KubeApiServer, KubeObject } from '../support/kube-apiserver/index.ts';
import { readFixture } from '../support/fixtures.ts';
import { assertNoSecrets } from '../support/live-cluster.ts';
import { kfstore, kubectl } from '../support/plugin.ts';

type Finding = { id: string; level: string; namespace?: string; object?: { kind: string; name: string }; message: string; fix: string };
type Report = { findings: Finding[] };
const CANARIES = [
  'CANARY-AKIA-SHARED',
  'CANARY-atlas-secret',
  'CANARY-geo-secret',
  'CANARY-AKIA-VAULT',
  'CANARY-vault-secret',
  'CANARY-admin-access',
  'CANARY-admin-secret',
];

let api: KubeApiServer;
type User = 'admin' | 'reader' | 'geo-only';
const env: Record<User, Record<string, string>> = { admin: {}, reader: {}, 'geo-only': {} };

before(async () => {
  api = await startKubeApiServer();
  api.seed(parseAllDocuments(readFixture('cluster', 'narrow-rbac.yaml')).map((d) => d.toJS() as KubeObject));
  // A read-only role as often granted: namespaces and ConfigMaps cluster-wide, Secrets per namespace.
  api.addUser('reader', { token: 'reader-token' });
  api.allow('reader', { verbs: ['get', 'list'], resources: ['namespaces', 'configmaps'] });
  api.allow('reader', { verbs: ['get', 'list'], resources: ['secrets'], namespaces: ['atlas', 'geo'] });
  api.addUser('geo-only', { token: 'geo-only-token' });
  api.allow('geo-only', { verbs: ['get', 'list'], resources: ['namespaces', 'configmaps'] });
  api.allow('geo-only', { verbs: ['get', 'list'], resources: ['secrets'], namespaces: ['geo'] });
  const dir = mkdtempSync(join(tmpdir(), 'kfstore-rbac-'));
  for (const user of ['admin', 'reader', 'geo-only'] as const) {
    const file = join(dir, `${user}.yaml`);
    await api.writeKubeconfig(file, user, { context: user, namespace: 'atlas' });
    env[user] = { KUBECONFIG: file };
  }
});
after(async () => {
  await api.close();
});

async function doctor(user: User, ...args: string[]): Promise<Report> {
  const r = await kfstore(['doctor', '-o', 'json', '--exit-zero', ...args], env[user]);
  assert.equal(r.code, 0, r.stderr);
  assertNoSecrets(CANARIES, r.stdout, r.stderr);
  return JSON.parse(r.stdout) as Report;
}

const line = (f: Finding): string => `${f.id} ${f.level} ${f.namespace ?? '-'} ${f.message}`;

describe('doctor under narrow RBAC', () => {
  it('falls back to per-namespace reads: the same findings as an admin where readable, KFS091 with the exact can-i where not', async () => {
    const admin = await doctor('admin', '-A');
    const reader = await doctor('reader', '-A');
    // Where the reader may read, it sees exactly what the admin sees.
    const where = (r: Report, ns: string): string[] =>
      r.findings
        .filter((f) => f.namespace === ns)
        .map(line)
        .sort();
    for (const ns of ['atlas', 'geo']) assert.deepEqual(where(reader, ns), where(admin, ns), ns);
    // vault: unreadable, said once, on vault, as a warning with the permission to check.
    const vault = reader.findings.filter((f) => f.namespace === 'vault');
    const access = vault.filter((f) => f.id === 'KFS091');
    assert.equal(access.length, 1, vault.map(line).join('\n'));
    assert.equal(access[0]?.level, 'warn');
    assert.match(
      access[0]?.message ?? '',
      /^could not read Secrets in vault \(secrets is forbidden: User "reader" cannot list resource "secrets" in API group "" in the namespace "vault"\)/,
    );
    assert.equal(
      access[0]?.fix,
      '`kubectl auth can-i list secrets --namespace vault` must say yes: grant it, or pass the manifests with -f',
    );
    // Never "missing" or an error for what could not be read; no cluster-wide complaint.
    assert.deepEqual(vault.filter((f) => f.level === 'error' || /does not exist|missing/.test(f.message)).map(line), []);
    assert.ok(admin.findings.some((f) => f.namespace === 'vault' && f.id === 'KFS040' && f.level === 'ok'));
    // KFS001 is cluster-wide by nature: it says which KFP release the checks assumed, and why.
    assert.deepEqual(
      reader.findings.filter((f) => f.namespace === undefined && f.id !== 'KFS001' && /read|Secret/.test(f.message)).map(line),
      [],
    );
    assert.match(
      reader.findings.find((f) => f.id === 'KFS001')?.message ?? '',
      /kubectl auth can-i list deployments\.apps --namespace kubeflow/,
    );
    // The command named is the one kubectl answers.
    const can = await kubectl(['auth', 'can-i', 'list', 'secrets', '--namespace', 'vault'], env.reader);
    assert.equal(can.stdout.trim(), 'no');
    assert.equal((await kubectl(['auth', 'can-i', 'list', 'secrets', '--namespace', 'geo'], env.reader)).stdout.trim(), 'yes');
  });

  it('inspect says "not readable" (with the permission to check) where it could not read, not "missing"', async () => {
    const r = await kfstore(['inspect', '-n', 'vault'], env.reader);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /Secret vault-keys \(not readable: kubectl auth can-i list secrets --namespace vault\)/);
    assert.match(r.stdout, /via vault-keys \(not readable\)/);
    assert.doesNotMatch(r.stdout, /missing/);
    assertNoSecrets(CANARIES, r.stdout, r.stderr);
  });

  it('the nested root is the one reported (geo inside atlas, same key: an error), in -A and in both -n views', async () => {
    for (const [user, args] of [
      ['admin', ['-A']],
      ['reader', ['-A']],
      ['reader', ['-n', 'geo']],
      ['reader', ['-n', 'atlas']],
    ] as const) {
      const r = await doctor(user, ...args);
      const overlaps = r.findings.filter((f) => f.id === 'KFS025');
      assert.deepEqual(
        overlaps.map(line),
        [
          "KFS025 error geo geo and atlas write to overlapping roots: s3://shared/v2/artifacts/atlas/geo/ is inside atlas's s3://shared/v2/artifacts/atlas/ with the same access key: each can read the other\u2019s artifacts",
        ],
        `${user} ${args.join(' ')}`,
      );
    }
    // Without atlas's Secret the keys cannot be compared: a warning that says so, not a guess.
    const partial = await doctor('geo-only', '-n', 'geo');
    assert.deepEqual(partial.findings.filter((f) => f.id === 'KFS025').map(line), [
      "KFS025 warn geo geo and atlas write to overlapping roots: s3://shared/v2/artifacts/atlas/geo/ is inside atlas's s3://shared/v2/artifacts/atlas/ (access keys not compared: a credentials Secret could not be read)",
    ]);
  });
});
