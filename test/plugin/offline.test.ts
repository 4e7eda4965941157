// kubectl kfstore on manifests (-f): what a CI job runs on a GitOps repository before merging.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fixturePath } from '../support/fixtures.ts';
import { kfstore, kubectl } from '../support/plugin.ts';

const GITOPS = fixturePath('manifests', 'gitops');
const CANARIES = ['CANARYAKIATEAMA00001', 'CANARY-secret-team-a-do-not-print', 'minio123'];

type Report = {
  kind: string;
  summary: Record<string, number>;
  findings: { id: string; level: string; namespace?: string; object?: { kind: string; name: string }; message: string; fix: string }[];
};

function noCanaries(...texts: string[]): void {
  for (const text of texts) for (const c of CANARIES) assert.ok(!text.includes(c), `output contains secret value ${c}`);
}

describe('plugin discovery', () => {
  it('kubectl plugin list finds kubectl-kfstore', async () => {
    const r = await kubectl(['plugin', 'list']);
    assert.match(r.stdout, /kubectl-kfstore/);
  });
  it('--help for every command, without a cluster', async () => {
    for (const args of [['--help'], ['inspect', '--help'], ['doctor', '-h'], ['migrate', '--help']]) {
      const r = await kfstore(args);
      assert.equal(r.code, 0, r.stderr);
      assert.match(r.stdout, /kubectl kfstore/);
    }
    assert.match((await kfstore(['doctor', '--help'])).stdout, /--fail-on LEVEL/);
    const migrate = (await kfstore(['migrate', '--help'])).stdout;
    assert.match(migrate, /Stage, then switch: a namespace switches/);
    assert.match(migrate, /--switch +only switch namespaces whose credentials are known/);
    assert.match(migrate, /a bucket name alone proves nothing/);
  });
  it('flags before the plugin name are refused by kubectl itself', async () => {
    const r = await kubectl(['-n', 'team-a', 'kfstore', 'inspect']);
    assert.notEqual(r.code, 0);
    assert.match(r.stderr, /flags cannot be placed before plugin name/);
  });
  it('shell completion through kubectl_complete-kfstore', async () => {
    const r = await kubectl(['__complete', 'kfstore', 'doc']);
    assert.match(r.stdout, /^doctor\t/m, r.stdout + r.stderr);
    const o = await kubectl(['__complete', 'kfstore', 'doctor', '-o', '']);
    assert.match(o.stdout, /^json$/m);
    assert.match(o.stdout, /^yaml$/m);
  });
  it('an unknown command or flag: exit 2 with a clear message', async () => {
    const a = await kfstore(['inspekt']);
    assert.equal(a.code, 2);
    assert.match(a.stderr, /unknown command 'inspekt'/);
    const b = await kfstore(['doctor', '--fail-on', 'fatal', '-f', GITOPS]);
    assert.equal(b.code, 2);
    assert.match(b.stderr, /--fail-on must be error, warn or info/);
    assert.doesNotMatch(a.stderr + b.stderr, /\n\s+at /);
  });
});

describe('doctor -f on a GitOps tree', () => {
  it('finds the crash, the shared prefix and key, and skips per annotation; exit 1', async () => {
    const r = await kfstore(['doctor', '-f', GITOPS, '-o', 'json']);
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    assert.equal(report.kind, 'DoctorReport');
    const has = (id: string, level: string, ns: string, text: string): boolean =>
      report.findings.some((f) => f.id === id && f.level === level && f.namespace === ns && f.message.includes(text));
    assert.ok(
      has('KFS014', 'error', 'team-b', "KFP's driver crashes"),
      JSON.stringify(report.findings.filter((f) => f.namespace === 'team-b')),
    );
    // On team-c, whose root is inside team-a's (team-a's keys reach team-c's artifacts).
    assert.ok(
      has(
        'KFS025',
        'error',
        'team-c',
        "team-c and team-a write to overlapping roots: s3://kubeflow-pipelines/v2/artifacts/team-a/shared/ is inside team-a's s3://kubeflow-pipelines/v2/artifacts/team-a/ with the same access key",
      ),
    );
    assert.ok(
      !report.findings.some((f) => f.id === 'KFS025' && f.namespace === 'team-a'),
      'the overlap is reported on the nested root only',
    );
    assert.ok(has('KFS033', 'warn', 'team-c', 'shares its access key with team-a'));
    assert.ok(!report.findings.some((f) => f.namespace === 'team-c' && f.id === 'KFS040'), 'kfstore.dev/skip on the Namespace');
    assert.ok((report.summary.skipped ?? 0) >= 1);
    assert.deepEqual([...new Set(report.findings.map((f) => f.namespace).filter(Boolean))].sort(), ['team-a', 'team-b', 'team-c']);
    assert.match(r.stderr, /note: skipped .*values\.yaml.*not a Kubernetes object/);
    noCanaries(r.stdout, r.stderr);
  });
  it('--skip and --exit-zero', async () => {
    const r = await kfstore(['doctor', '-f', GITOPS, '--skip', 'KFS014,KFS025', '--exit-zero', '-o', 'yaml']);
    assert.equal(r.code, 0);
    assert.match(r.stdout, /kind: DoctorReport/);
    assert.doesNotMatch(r.stdout, /id: KFS014/);
  });
  it('--fail-on warn fails a namespace that only has warnings', async () => {
    const ok = await kfstore(['doctor', '-f', GITOPS, '-n', 'team-b', '--skip', 'KFS014']);
    const strict = await kfstore(['doctor', '-f', GITOPS, '-n', 'team-b', '--skip', 'KFS014', '--fail-on', 'warn']);
    assert.equal(ok.code, 0, ok.stdout);
    assert.equal(strict.code, 1, strict.stdout);
  });
  it('the table names level, id, namespace, object, message and fix', async () => {
    const r = await kfstore(['doctor', '-f', GITOPS]);
    assert.match(r.stdout, /^LEVEL\s+ID\s+NAMESPACE\s+OBJECT\s+MESSAGE/m);
    assert.match(r.stdout, /ERROR\s+KFS014\s+team-b\s+ConfigMap\/kfp-launcher/);
    assert.match(r.stdout, /fix: /);
    assert.match(r.stdout, /\d+ error, \d+ warn, \d+ info, \d+ ok/);
    noCanaries(r.stdout, r.stderr);
  });
  it('default credentials in a referenced Secret are an error (-n kubeflow)', async () => {
    const r = await kfstore(['doctor', '-f', fixturePath('manifests', 'gitops', 'kfp'), '-n', 'kubeflow', '-o', 'json']);
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    assert.ok(
      report.findings.some(
        (f) => f.id === 'KFS033' && f.level === 'error' && f.message.includes('well-known MinIO/SeaweedFS default credentials'),
      ),
      r.stdout,
    );
    noCanaries(r.stdout, r.stderr);
  });
  it('--policy adds the profile-root rule', async () => {
    const r = await kfstore(['doctor', '-f', GITOPS, '--policy', fixturePath('policies', 'example.yaml'), '-n', 'team-c', '-o', 'json']);
    const report = JSON.parse(r.stdout) as Report;
    assert.ok(
      report.findings.some((f) => f.id === 'KFS024' && f.level === 'error' && f.message.includes("outside team-c's root")),
      r.stdout,
    );
    // No finding suggests a root the tenant rule rejects: fixes name team-c's own root from the policy.
    const own = report.findings.find((f) => f.id === 'KFS024')?.fix.match(/use (\S+) or a path below it/)?.[1];
    assert.ok(own !== undefined);
    for (const f of report.findings.filter((f) => f.namespace === 'team-c')) {
      for (const root of f.fix.match(/[a-z0-9]+:\/\/[^\s,]+/g) ?? [])
        assert.ok(root.startsWith(own), `${f.id} suggests ${root}, outside ${own}`);
    }
  });
});

describe('inspect -f', () => {
  it('shows the session exactly as KFP computes it, and sources, never secret values', async () => {
    const r = await kfstore(['inspect', '-f', GITOPS, '-n', 'team-a', '-o', 'json']);
    assert.equal(r.code, 0, r.stderr);
    const report = JSON.parse(r.stdout) as {
      namespaces: {
        namespace: string;
        session: { ok: boolean; value: { provider: string; params: Record<string, string> }; source: string };
        credentials: { secret: { name: string; exists: boolean; keys: { key: string; present: boolean }[] } };
        argo: { bucket: string };
      }[];
    };
    const v = report.namespaces[0];
    assert.ok(v);
    assert.deepEqual(v.session.value, {
      provider: 's3',
      params: {
        accessKeyKey: 'AWS_ACCESS_KEY_ID',
        disableSSL: 'true',
        endpoint: 'http://minio.storage:9000',
        forcePathStyle: 'true',
        fromEnv: 'false',
        maxRetries: '5',
        region: 'us-east-1',
        secretKeyKey: 'AWS_SECRET_ACCESS_KEY',
        secretName: 'kubeflow-pipelines--profile-object-store-auth--team-a',
      },
    });
    assert.equal(v.session.source, 'kfp-launcher providers s3.default');
    assert.equal(v.credentials.secret.exists, true);
    assert.ok(v.credentials.secret.keys.every((k) => k.present));
    assert.equal(v.argo.bucket, 'kubeflow-pipelines');
    noCanaries(r.stdout, r.stderr);
  });
  it('table output, with what the webhook would inject under --policy', async () => {
    const r = await kfstore(['inspect', '-f', GITOPS, '--policy', fixturePath('policies', 'example.yaml')]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^NAMESPACE\s+PROFILE\s+PIPELINE ROOT/m);
    assert.match(r.stdout, /team-a\s+yes\s+s3:\/\/kubeflow-pipelines\/v2\/artifacts\/team-a/);
    assert.match(r.stdout, /AWS_ACCESS_KEY_ID,AWS_SECRET_ACCESS_KEY,AWS_REGION/);
    noCanaries(r.stdout, r.stderr);
  });
});

describe('bad manifests: exit 2 naming the file', () => {
  it('invalid YAML', async () => {
    const r = await kfstore(['doctor', '-f', fixturePath('manifests', 'invalid-yaml')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /invalid-yaml\/broken\.yaml: invalid YAML at line \d+/);
    assert.doesNotMatch(r.stderr, /\n\s+at /);
  });
  it('a path that does not exist', async () => {
    const r = await kfstore(['inspect', '-f', '/nonexistent/dir']);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /\/nonexistent\/dir: no such file or directory/);
  });
  it('a Secret with non-base64 data is reported, not fatal', async () => {
    const r = await kfstore(['doctor', '-f', fixturePath('manifests', 'bad-base64'), '-o', 'json']);
    assert.equal(r.code, 1, r.stderr);
    const report = JSON.parse(r.stdout) as Report;
    assert.ok(
      report.findings.some((f) => f.id === 'KFS038' && f.level === 'error' && f.message.includes('data.accesskey is not valid base64')),
    );
  });
  it('a policy file with an unknown field', async () => {
    const r = await kfstore(['doctor', '-f', GITOPS, '--policy', fixturePath('policies', 'invalid', 'unknown-field.yaml')]);
    assert.equal(r.code, 2);
    assert.match(r.stderr, /store\.auth\.secret: Unrecognized key: "accesKeyKey"/);
  });
});
