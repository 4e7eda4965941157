// POST /validate/kfp-launcher over the Hono app: KFP's verdict on all 24 fixtures, the profile
// prefix rule, and warning hygiene.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { admit, policyFixture, review, testApp } from '../support/admission.ts';
import { fixturePath, headerValue, kfpResults, listFixtures, loadYaml, readFixture } from '../support/fixtures.ts';
import { runDoctor } from '../../settings/doctor/run.ts';
import { loadManifests } from '../../plugin/manifests/load.ts';

type ConfigMap = { metadata: { namespace: string; name: string }; data?: Record<string, unknown> };

const PATH = '/validate/kfp-launcher';
const results = kfpResults();
const lenient = testApp(policyFixture('no-prefix-check.yaml'));

/** What each warn-* fixture describes, as (check id, text the warning must contain). */
const DESCRIBED_WARNINGS: Record<string, [string, string][]> = {
  'warn-01-misspelled-keys-silently-ignored.yaml': [
    ['KFS012', 'unknown key secretRef.secret_name (meant secretName?)'],
    ['KFS023', 'secretRef secretName, accessKeyKey, secretKeyKey empty'],
  ],
  'warn-02-keyprefix-pitfalls.yaml': [
    ['KFS015', "keyPrefix '/team-b' starts with '/'"],
    ['KFS015', "keyPrefix 'team-a' lacks a trailing '/'"],
  ],
  'warn-03-deploykf-query-string-root.yaml': [
    ['KFS016', 'KFP ignores providers'],
    ['KFS016', 'rejects root query parameter disableSSL, s3ForcePathStyle'],
  ],
  'warn-04-scheme-provider-mismatch.yaml': [['KFS013', "s3:// root has no 's3' provider (only minio)"]],
  // minio:// with fromEnv works on 2.17; the ≤ 2.16 failure is checked under a 2.15 policy below.
  'warn-05-minio-fromenv.yaml': [],
  'warn-06-case-insensitive-keys.yaml': [['KFS012', 'keys match only case-insensitively (S3→s3']],
};

/** Every warning each allowed fixture gets, by check id: nothing more, nothing less. */
const WARNING_IDS: Record<string, string[]> = {
  'valid-01-kfp215-profile-controller-default.yaml': [],
  'valid-02-s3-aws-static-secret.yaml': [],
  'valid-03-s3-aws-irsa-fromenv.yaml': [],
  'valid-04-minio-external-overrides.yaml': [],
  'valid-05-gcs-secret-and-override.yaml': ['KFS015'],
  'valid-06-s3-scheme-to-seaweedfs.yaml': [],
  'warn-01-misspelled-keys-silently-ignored.yaml': ['KFS012', 'KFS012', 'KFS012', 'KFS023'],
  'warn-02-keyprefix-pitfalls.yaml': ['KFS015', 'KFS015'],
  'warn-03-deploykf-query-string-root.yaml': ['KFS016', 'KFS016'],
  'warn-04-scheme-provider-mismatch.yaml': ['KFS013'],
  'warn-05-minio-fromenv.yaml': [],
  'warn-06-case-insensitive-keys.yaml': ['KFS012'],
};

async function validate(cm: ConfigMap, app = lenient.app) {
  return admit(app, PATH, review('ConfigMap', cm.metadata.namespace, cm, 'CREATE', cm.metadata.name));
}

describe('kfp-launcher fixtures against KFP 2.17.0', () => {
  for (const file of listFixtures('kfp-launcher')) {
    const cm = loadYaml<ConfigMap>('kfp-launcher', file);
    const verdicts = results.get(file);
    if (file.startsWith('invalid-')) {
      it(`${file} is denied with KFP's own error`, async () => {
        const r = await validate(cm);
        assert.equal(r.allowed, false);
        const message = r.status?.message ?? '';
        if (verdicts === 'K8S-DECODE-ERROR') {
          assert.match(message, /object\.data\.providers: ConfigMap data values must be strings/);
          return;
        }
        assert.ok(verdicts !== undefined);
        const failing = verdicts.filter((v) => v.kind !== 'OK');
        const first = verdicts[0];
        // The default root's own failure, or (when it parses) the failure of a root an override matches.
        const expected = first !== undefined && first.kind !== 'OK' ? [first] : failing;
        assert.ok(expected.length > 0);
        assert.ok(
          expected.some((v) => message.includes(v.text)),
          `message should contain KFP's "${expected[0]?.text}":\n${message}`,
        );
        if (first?.kind === 'PANIC') assert.match(message, /crashes/);
      });
    } else {
      it(`${file} is allowed${file.startsWith('warn-') ? ' with the warning it describes' : ''}`, async () => {
        const r = await validate(cm);
        assert.equal(r.allowed, true, r.status?.message);
        for (const w of r.warnings ?? []) assert.ok(w.length <= 120, `warning over 120 characters: ${w}`);
        assert.deepEqual((r.warnings ?? []).map((w) => w.split(':')[0]).sort(), WARNING_IDS[file], JSON.stringify(r.warnings));
        for (const [id, text] of DESCRIBED_WARNINGS[file] ?? []) {
          assert.ok(
            (r.warnings ?? []).some((w) => w.startsWith(`${id}:`) && w.includes(text)),
            `expected ${id} warning containing "${text}", got ${JSON.stringify(r.warnings)}`,
          );
        }
      });
    }
  }

  it('every alternative root KFP rejected in the fixtures is denied with KFP’s text', async () => {
    let checked = 0;
    for (const [file, verdicts] of results) {
      if (verdicts === 'K8S-DECODE-ERROR') continue;
      const cm = loadYaml<ConfigMap>('kfp-launcher', file);
      for (const v of verdicts.slice(1)) {
        if (v.kind === 'OK' || cm.data?.providers !== undefined) continue;
        const r = await validate({ ...cm, data: { ...cm.data, defaultPipelineRoot: v.root } });
        assert.equal(r.allowed, false, v.root);
        assert.ok(r.status?.message.includes(v.text), `${v.root}: ${r.status?.message}`);
        checked += 1;
      }
    }
    assert.ok(checked >= 5, `checked ${checked} roots`);
  });
});

describe('requireProfilePrefix: roots stay inside the profile’s own root', () => {
  const strict = testApp(policyFixture('example.yaml'));
  for (const file of listFixtures('kfp-launcher-profile')) {
    const text = readFixture('kfp-launcher-profile', file);
    const expect = headerValue(text, 'expect');
    it(`${file}: ${expect}`, async () => {
      const r = await validate(loadYaml<ConfigMap>('kfp-launcher-profile', file), strict.app);
      assert.ok(expect === 'allow' || expect === 'deny', `${file} states no '# expect: allow|deny' header`);
      assert.equal(r.allowed, expect === 'allow', r.status?.message ?? JSON.stringify(r.warnings));
      const message = headerValue(text, 'expect-message');
      if (message !== undefined) assert.ok(r.status?.message.includes(message), r.status?.message);
    });
  }
});

describe('KFS010: one rule for the webhook and doctor', () => {
  it('a kfp-launcher with data: {} gets the same warning from both', async () => {
    const file = 'kfs010-empty-launcher.yaml';
    const r = await validate(loadYaml<ConfigMap>('doctor', file));
    assert.equal(r.allowed, true);
    const report = runDoctor(loadManifests([fixturePath('doctor', file)], 'default').snapshot, { namespaces: ['team-a'] });
    const doctor = report.findings.filter((f) => f.id === 'KFS010');
    assert.deepEqual(
      doctor.map((f) => f.level),
      ['warn'],
    );
    // The webhook's warning is the same finding, cut to the 120 characters Kubernetes asks for.
    assert.equal(r.warnings?.length, 1);
    const warning = (r.warnings?.[0] ?? '').replace(/…$/, '');
    assert.match(warning, /^KFS010: kfp-launcher in team-a has no data/);
    assert.ok(`KFS010: ${doctor[0]?.message}`.startsWith(warning), `${warning} vs ${doctor[0]?.message}`);
  });
  it('a kfp-launcher with data is not KFS010 for either', async () => {
    const file = 'kfs041-argo-elsewhere.yaml';
    const report = runDoctor(loadManifests([fixturePath('doctor', file)], 'default').snapshot, { namespaces: ['team-a'] });
    assert.deepEqual(
      report.findings.filter((f) => f.id === 'KFS010').map((f) => f.level),
      ['ok'],
    );
    const r = await validate(loadYaml<ConfigMap>('kfp-launcher', 'valid-02-s3-aws-static-secret.yaml'));
    assert.ok(!(r.warnings ?? []).some((w) => w.startsWith('KFS010')), JSON.stringify(r.warnings));
  });
});

describe('other objects pass untouched', () => {
  it('a ConfigMap with another name is allowed without looking at it', async () => {
    const r = await admit(
      lenient.app,
      PATH,
      review('ConfigMap', 'team-a', { metadata: { name: 'other' }, data: { providers: '\t' } }, 'CREATE', 'other'),
    );
    assert.deepEqual(r.warnings, undefined);
    assert.equal(r.allowed, true);
  });
  it('DELETE is allowed when the tenant rule is off', async () => {
    const r = await admit(lenient.app, PATH, review('ConfigMap', 'team-a', null, 'DELETE', 'kfp-launcher'));
    assert.equal(r.allowed, true);
  });
  it('UPDATE is validated like CREATE', async () => {
    const cm = loadYaml<ConfigMap>('kfp-launcher', 'invalid-01-missing-default-credentials.yaml');
    const r = await admit(lenient.app, PATH, review('ConfigMap', 'team-a', cm, 'UPDATE', 'kfp-launcher'));
    assert.equal(r.allowed, false);
  });
});

describe('life cycle: deletion, finalizers, unchanged data, namespace', () => {
  const strict = testApp(policyFixture('example.yaml'));
  const invalid = loadYaml<ConfigMap>('kfp-launcher', 'invalid-01-missing-default-credentials.yaml');
  const deleteBy = (username: string) => {
    const body = review('ConfigMap', 'team-a', null, 'DELETE', 'kfp-launcher');
    body.request.userInfo = { username, groups: ['system:authenticated'] };
    return body;
  };

  it("with the tenant rule, a tenant's DELETE of kfp-launcher is denied: runs would fall back to KFP's shared root", async () => {
    const r = await admit(strict.app, PATH, deleteBy('alice@example.com'));
    assert.equal(r.allowed, false);
    assert.match(r.status?.message ?? '', /deleting kfp-launcher sends team-a's runs to KFP's shared default root/);
  });
  it('namespace deletion and garbage collection are never blocked', async () => {
    for (const who of [
      'system:serviceaccount:kube-system:namespace-controller',
      'system:serviceaccount:kube-system:generic-garbage-collector',
    ]) {
      const r = await admit(strict.app, PATH, deleteBy(who));
      assert.equal(r.allowed, true, who);
    }
  });
  it('a cluster administrator (system:masters) may delete it', async () => {
    const body = deleteBy('admin');
    body.request.userInfo = { username: 'admin', groups: ['system:masters', 'system:authenticated'] };
    assert.equal((await admit(strict.app, PATH, body)).allowed, true);
  });
  it('other ConfigMaps are deleted freely', async () => {
    const body = review('ConfigMap', 'team-a', null, 'DELETE', 'other');
    assert.equal((await admit(strict.app, PATH, body)).allowed, true);
  });
  it('removing a finalizer from an invalid kfp-launcher being deleted is allowed (it would stay Terminating)', async () => {
    const terminating = { ...invalid, metadata: { ...invalid.metadata, deletionTimestamp: '2026-12-03T10:00:00Z', finalizers: [] } };
    const body = review('ConfigMap', 'team-a', terminating, 'UPDATE', 'kfp-launcher');
    body.request.oldObject = { ...terminating, metadata: { ...terminating.metadata, finalizers: ['example.com/keep'] } };
    assert.equal((await admit(lenient.app, PATH, body)).allowed, true);
  });
  it('an update that leaves the data unchanged is allowed, one that changes it is validated', async () => {
    const labelled = { ...invalid, metadata: { ...invalid.metadata, labels: { team: 'a' } } };
    const same = review('ConfigMap', 'team-a', labelled, 'UPDATE', 'kfp-launcher');
    same.request.oldObject = invalid;
    assert.equal((await admit(lenient.app, PATH, same)).allowed, true);
    const changed = review('ConfigMap', 'team-a', { ...invalid, data: { ...invalid.data, extra: 'x' } }, 'UPDATE', 'kfp-launcher');
    changed.request.oldObject = invalid;
    assert.equal((await admit(lenient.app, PATH, changed)).allowed, false);
  });
  it('a review without request.namespace is denied as a bad request (the tenant rule is per namespace)', async () => {
    const body = review(
      'ConfigMap',
      'team-a',
      loadYaml<ConfigMap>('kfp-launcher-profile', 'inside-own-root.yaml'),
      'CREATE',
      'kfp-launcher',
    );
    delete (body.request as { namespace?: string }).namespace;
    const r = await admit(strict.app, PATH, body);
    assert.equal(r.allowed, false);
    assert.equal(r.status?.code, 400);
    assert.match(r.status?.message ?? '', /request.namespace: empty/);
  });
  it('denial messages and warnings carry no raw control characters', async () => {
    const r = await admit(
      strict.app,
      PATH,
      review(
        'ConfigMap',
        'team-a',
        loadYaml<ConfigMap>('kfp-launcher-profile', 'control-characters-in-root.yaml'),
        'CREATE',
        'kfp-launcher',
      ),
    );
    const text = `${r.status?.message ?? ''}${(r.warnings ?? []).join('')}`;
    assert.ok(text.length > 0);
    assert.doesNotMatch(text.replace(/\n/g, ''), /[\u0000-\u001f\u007f-\u009f]/);
    // kfstore's own line breaks stay line breaks: kubectl shows one finding per line.
    assert.match(r.status?.message ?? '', /:\n- \[KFS\d{3}\] /);
    assert.doesNotMatch(r.status?.message ?? '', /\\n/);
  });
});

describe('StorePolicy kfpVersion: the webhook judges by the configured KFP release', () => {
  const kfp215 = testApp(policyFixture('kfp-2.15.yaml'));
  const kfp214 = testApp(policyFixture('kfp-2.14.yaml'));

  it('minio:// with fromEnv is allowed with the warning that KFP 2.15 cannot open it', async () => {
    const r = await validate(loadYaml<ConfigMap>('kfp-launcher', 'warn-05-minio-fromenv.yaml'), kfp215.app);
    assert.equal(r.allowed, true);
    assert.ok(
      (r.warnings ?? []).some((w) => w.startsWith('KFS022:') && w.includes('minio:// with fromEnv fails on KFP 2.15.0')),
      JSON.stringify(r.warnings),
    );
  });

  it("an override's maxRetries without a default one: denied naming the crash on 2.15, allowed on 2.14, which ignores the key", async () => {
    const cm = loadYaml<ConfigMap>('kfp-launcher', 'invalid-09-override-maxretries-panics.yaml');
    const on215 = await validate(cm, kfp215.app);
    assert.equal(on215.allowed, false);
    assert.match(on215.status?.message ?? '', /rejected by kfstore \(rules of KFP 2\.15\.0\):/);
    assert.match(on215.status?.message ?? '', /crashes/);
    const on214 = await validate(cm, kfp214.app);
    assert.equal(on214.allowed, true, on214.status?.message);
    assert.ok(
      (on214.warnings ?? []).some((w) => w.startsWith('KFS012:') && w.includes('read since 2.15.0')),
      JSON.stringify(on214.warnings),
    );
  });
});
