// The certificate lifecycle under operational faults (issue 15), one test per fault: each drives
// `ensure` with the simulated clock against the in-process API server (test/certs/faults/world.ts)
// and checks, after every write and as time passes, that every serving certificate webhook pods
// serve or are about to load chains to every published caBundle, verified by node:crypto and by
// `openssl verify -attime` (which must agree). A negative control shows the check catches a
// rollover whose overlap is shorter than a Secret volume refresh.
import assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
// ca.ts first: it installs the Reflect shim that @peculiar/x509 needs at import time.
import { certificateInfo, generateCA, isIssuedBy } from '../../certs/ca.ts';
import { pemCertificates } from '../../certs/lifecycle/bundle.ts';
import { UsageError, parseEnsure } from '../../certs/lifecycle/flags.ts';
import { startKubeApiServer } from '../support/kube-apiserver/index.ts';
import type { KubeApiServer } from '../support/kube-apiserver/index.ts';
import { removeBundleFiles } from './faults/chain.ts';
import { foreignCA } from './faults/foreign-ca.ts';
import { DAY, HOUR, MINUTE, World } from './faults/world.ts';
import type { RunResult, WorldOptions } from './faults/world.ts';

const T0 = new Date('2031-05-01T03:17:00Z');
let server: KubeApiServer;
let dir = '';
let kubeconfig = '';
let worlds = 0;

before(async () => {
  server = await startKubeApiServer();
  dir = await mkdtemp(join(tmpdir(), 'kfstore-certs-faults-'));
  kubeconfig = join(dir, 'kubeconfig');
  await server.writeKubeconfig(kubeconfig);
});
after(async () => {
  await server.close();
  await rm(dir, { recursive: true, force: true });
  removeBundleFiles();
});

async function newWorld(opts: Partial<WorldOptions> = {}): Promise<World> {
  worlds += 1;
  return World.create(server, kubeconfig, { namespace: `faults-${worlds}`, start: T0, verify: 'both', ...opts });
}

function ok(r: RunResult): string[] {
  assert.equal(r.error, undefined, `the run failed: ${r.error ?? ''}`);
  return r.lines;
}

/** Install, then a day passes. */
async function installed(opts: Partial<WorldOptions> = {}): Promise<World> {
  const w = await newWorld(opts);
  const lines = ok(await w.ensure());
  assert.match(lines.join('\n'), /created Secret/);
  w.advance(DAY);
  return w;
}

/** One run a day for `n` days (each run, then a day passes); every run must succeed. */
async function daily(w: World, n: number, skewMs = 0): Promise<string[]> {
  const lines: string[] = [];
  for (let i = 0; i < n; i += 1) {
    lines.push(...ok(await w.ensure(skewMs)));
    w.advance(DAY);
  }
  return lines;
}

/** Nothing was ever rejected, and that was looked at often enough to mean something. */
function neverRejected(w: World, minChecks = 10): void {
  assert.deepEqual(w.violations, []);
  assert.ok(w.checks >= minChecks, `only ${w.checks} checks`);
}

const trusted = (w: World): string[][] => w.bundles().map((b) => pemCertificates(b.pem).map((c) => certificateInfo(c).serial));

/** After a CA replacement: served from the new CA, caBundle holds only it. */
function settledOn(w: World, caSerial: string): void {
  assert.equal(w.caSerial(), caSerial);
  const data = w.secretData();
  assert.ok(isIssuedBy(data['tls.crt'] ?? '', data['ca.crt'] ?? ''));
  assert.equal(data['ca-previous.crt'], undefined);
  for (const serials of trusted(w)) assert.deepEqual(serials, [caSerial]);
}

const otherKey = async (): Promise<string> => (await generateCA({ commonName: 'stray', validityDays: 10, now: T0 })).keyPem;

describe('a CA that cannot sign is replaced through the overlap, not swapped', () => {
  const faults: [string, (data: Record<string, string>) => Promise<void> | void, RegExp][] = [
    [
      'ca.key of another CA',
      async (d) => {
        d['ca.key'] = await otherKey();
      },
      /CA key does not match CA certificate/,
    ],
    ['ca.key missing', (d) => void delete d['ca.key'], /no CA key/],
    ['ca.crt missing (its CA is only in caBundle)', (d) => void delete d['ca.crt'], /no CA certificate/],
    [
      'ca.crt unparsable',
      (d) => {
        d['ca.crt'] = '-----BEGIN CERTIFICATE-----\nbm90IGEgY2VydGlmaWNhdGU=\n-----END CERTIFICATE-----\n';
      },
      /the CA certificate does not parse/,
    ],
  ];
  for (const [name, edit, why] of faults) {
    test(name, async () => {
      const w = await installed();
      const oldCA = w.caSerial();
      const oldLeaf = w.secretData()['tls.crt'];
      const data = w.secretData();
      await edit(data);
      await w.editSecret((d) => {
        for (const k of Object.keys(d)) delete d[k];
        Object.assign(d, data);
      });
      w.advance(HOUR);

      const adopt = ok(await w.ensure()).join('\n');
      assert.match(adopt, new RegExp(`the CA in the Secret cannot sign \\(${why.source}\\); a new CA takes over`));
      assert.doesNotMatch(adopt, /issued serving certificate/);
      const newCA = w.caSerial();
      assert.notEqual(newCA, oldCA);
      assert.equal(w.secretData()['tls.crt'], oldLeaf, 'the serving certificate in use stays');
      for (const serials of trusted(w)) assert.deepEqual(serials, [newCA, oldCA], 'caBundle = new + the CA in use');

      // Within the overlap nothing moves; after it the leaf moves; after another the old CA goes.
      assert.match(ok(await w.ensure(0)).join('\n'), /^nothing to do: .*served from a previous CA since/);
      w.advance(DAY);
      assert.match(ok(await w.ensure()).join('\n'), /issued serving certificate serial \S+ expiring \S+ \(moved to the current CA/);
      w.advance(DAY);
      assert.match(ok(await w.ensure()).join('\n'), new RegExp(`CA rollover phase 3: dropped the previous CA ${oldCA} from caBundle`));
      settledOn(w, newCA);
      w.advance(DAY);
      neverRejected(w);
    });
  }

  test('a CA takeover, then tls.key emptied the day after: the previous CA stays until the new certificate has been out for the overlap', async () => {
    // Found by the simulation (seed 12): the broken leaf hid that pods still served the old CA's certificate.
    const w = await installed();
    const oldCA = w.caSerial();
    await w.editSecret(async (d) => {
      d['ca.key'] = await otherKey();
    });
    assert.match(ok(await w.ensure()).join('\n'), /a new CA takes over/);
    w.advance(DAY);
    await w.editSecret((d) => {
      d['tls.key'] = '';
    });
    const lines = ok(await w.ensure()).join('\n');
    assert.match(
      lines,
      /overlap of 24 h \(re\)started at \S+: the serving certificate is replaced while pods may still serve one a previous CA issued/,
    );
    assert.doesNotMatch(lines, /dropped the previous CA/);
    for (const serials of trusted(w)) assert.ok(serials.includes(oldCA), 'the old CA is still trusted');
    w.advance(DAY);
    assert.match(ok(await w.ensure()).join('\n'), new RegExp(`dropped the previous CA ${oldCA}`));
    w.advance(DAY);
    neverRejected(w);
  });

  test('a CA replaced in the middle of a rollover: the next CA, already published, takes over', async () => {
    const w = await installed({ lifecycle: { caDays: 300, caRenewBeforeDays: 120 } });
    await daily(w, 180);
    assert.notEqual(w.caSerial('ca-next.crt'), '', 'in rollover phase 1');
    const next = w.caSerial('ca-next.crt');
    await w.editSecret(async (d) => {
      d['ca.key'] = await otherKey();
    });
    const lines = ok(await w.ensure()).join('\n');
    assert.match(lines, /cannot sign \(CA key does not match CA certificate\)/);
    assert.doesNotMatch(lines, /generated CA/, 'no third CA');
    assert.equal(w.caSerial(), next);
    w.advance(DAY);
    await daily(w, 3);
    settledOn(w, next);
    neverRejected(w);
  });
});

describe('clock skew', () => {
  test('a job clock 10 minutes or 3 hours behind the run that made the CA changes no CA', async () => {
    const w = await newWorld();
    ok(await w.ensure());
    const ca = w.caSerial();
    w.advance(MINUTE);
    assert.match(ok(await w.ensure(-10 * MINUTE)).join('\n'), /^nothing to do/);
    w.advance(MINUTE);
    // The serving certificate looks "not valid yet" to this clock: reissued from the same CA.
    const behind = ok(await w.ensure(-3 * HOUR)).join('\n');
    assert.match(behind, /issued serving certificate .* \(the previous one is not valid yet by this clock/);
    assert.doesNotMatch(behind, /generated CA|CA rollover|takes over/);
    assert.equal(w.caSerial(), ca);
    w.advance(DAY);
    await daily(w, 3);
    assert.equal(w.caSerial(), ca);
    neverRejected(w);
  });

  test('a job clock 50 minutes fast renews with a certificate valid at once (back-dated an hour)', async () => {
    const w = await installed();
    w.advance(59 * DAY);
    ok(await w.ensure(50 * MINUTE));
    const leaf = certificateInfo(w.secretData()['tls.crt'] ?? '');
    assert.ok(leaf.notBefore.getTime() <= w.now - 10 * MINUTE + 1000, 'valid for the API server already');
    w.advance(10 * MINUTE, MINUTE);
    assert.ok(
      w.pods.every((p) => p.served !== undefined && certificateInfo(p.served.certPem).serial === leaf.serial),
      'every pod serves it',
    );
    neverRejected(w);
  });

  test('a job clock 3 hours fast: pods keep the valid certificate until the new one is valid, through a renewal and a CA switch', async () => {
    const w = await installed({ lifecycle: { caDays: 300, caRenewBeforeDays: 120 } });
    w.advance(59 * DAY);
    const before = certificateInfo(w.secretData()['tls.crt'] ?? '').serial;
    ok(await w.ensure(3 * HOUR));
    const early = certificateInfo(w.secretData()['tls.crt'] ?? '');
    assert.ok(early.notBefore.getTime() > w.now, 'not yet valid for the API server');
    w.advance(110 * MINUTE, 5 * MINUTE);
    assert.ok(
      w.pods.every((p) => p.served !== undefined && certificateInfo(p.served.certPem).serial === before),
      'still the previous certificate',
    );
    w.advance(15 * MINUTE, 5 * MINUTE);
    assert.ok(
      w.pods.every((p) => p.served !== undefined && certificateInfo(p.served.certPem).serial === early.serial),
      'the new one, once valid',
    );
    // Day 180: rollover phase 1 by a normal clock, the switch by the fast one.
    w.advance(DAY);
    await daily(w, 120);
    assert.notEqual(w.caSerial('ca-next.crt'), '');
    assert.match(ok(await w.ensure(3 * HOUR)).join('\n'), /CA rollover phase 2/);
    w.advance(DAY);
    await daily(w, 3);
    neverRejected(w);
  });
});

describe('a CA of a kind the tool cannot sign with', () => {
  test('RSA in the Secret at the first run: refused, nothing published', async () => {
    const w = await newWorld();
    const rsa = await foreignCA('RSA', T0, w.lifecycle.dnsNames);
    await w.seedSecret({ 'ca.crt': rsa.ca.certPem, 'ca.key': rsa.ca.keyPem, 'tls.crt': '', 'tls.key': '' });
    const r = await w.ensure();
    assert.equal(
      r.error,
      `Secret ${w.ns}/kfstore-webhook-tls: CA key must be an ECDSA P-256 key, not RSA, and no valid serving certificate from it is in use; put an ECDSA P-256 CA in ca.crt and ca.key, or remove both to let kfstore-certs create one`,
    );
    assert.deepEqual(r.lines, []);
    assert.ok(
      w.bundles().every((b) => b.pem === ''),
      'caBundle not published',
    );
    assert.equal(w.secretData()['ca.crt'], rsa.ca.certPem);
  });

  test('P-384 already serving and published: rolled over to P-256 through the overlap, still valid at day 91 and after', async () => {
    const w = await newWorld();
    const p384 = await foreignCA('P-384', T0, w.lifecycle.dnsNames);
    await w.seedSecret({ 'ca.crt': p384.ca.certPem, 'ca.key': p384.ca.keyPem, 'tls.crt': p384.leaf.certPem, 'tls.key': p384.leaf.keyPem });
    w.publish(p384.ca.certPem);
    w.advance(MINUTE);
    const first = ok(await w.ensure()).join('\n');
    assert.match(first, /cannot sign \(CA key must be an ECDSA P-256 key, not EC secp384r1\)/);
    w.advance(DAY);
    await daily(w, 100);
    const data = w.secretData();
    assert.equal(
      new (await import('node:crypto')).X509Certificate(data['ca.crt'] ?? '').publicKey.asymmetricKeyDetails?.namedCurve,
      'prime256v1',
    );
    settledOn(w, w.caSerial());
    neverRejected(w, 300);
  });
});

describe('overlap bounds', () => {
  test('--min-overlap-hours below a Secret volume refresh is refused', () => {
    for (const hours of ['0', '0.05']) {
      assert.throws(
        () => parseEnsure(['--namespace', 'x', '--secret', 's', '--service', 'svc', '--min-overlap-hours', hours], {}),
        (e: Error) => e instanceof UsageError && /at least 0\.1/.test(e.message),
      );
    }
  });

  test('three runs five seconds apart do not finish a rollover', async () => {
    const w = await installed({ lifecycle: { minOverlapHours: 0.1, caDays: 200, caRenewBeforeDays: 100 } });
    await daily(w, 99);
    const lines: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      lines.push(...ok(await w.ensure()));
      w.advance(5000, 1000);
    }
    assert.match(lines.join('\n'), /CA rollover phase 1/);
    assert.doesNotMatch(lines.join('\n'), /CA rollover phase 2/);
    neverRejected(w);
  });

  test('the shortest overlap allowed (6 min) against a 3 min refresh: a whole rollover, never rejected', async () => {
    const w = await installed({ lifecycle: { minOverlapHours: 0.1, caDays: 200, caRenewBeforeDays: 100 } });
    await daily(w, 99);
    const lines: string[] = [];
    for (let i = 0; i < 4; i += 1) {
      lines.push(...ok(await w.ensure()));
      w.advance(6 * MINUTE, 30 * 1000);
    }
    assert.match(lines.join('\n'), /phase 1[\s\S]*phase 2[\s\S]*phase 3/);
    neverRejected(w);
  });

  test('negative control: an overlap shorter than the refresh (36 s, below the flag minimum) is caught', async () => {
    const w = await installed({ verify: 'node', lifecycle: { minOverlapHours: 0.01, caDays: 200, caRenewBeforeDays: 100 } });
    await daily(w, 99);
    assert.equal(w.violations.length, 0, 'nothing rejected before the rollover');
    for (let i = 0; i < 4; i += 1) {
      ok(await w.ensure());
      w.advance(40 * 1000, 10 * 1000);
    }
    assert.ok(w.violations.length > 0, 'the check sees pods served a certificate whose CA left caBundle');
    assert.match(w.violations[0]?.problem ?? '', /^served no certificate in caBundle issued serving certificate/);
  });
});

describe('configurations and writes that fail', () => {
  test('the validating configuration deleted: every run fails loudly, yet the Secret is renewed and the mutating webhook still works at day 91', async () => {
    const w = await installed();
    w.deleteConfig('ValidatingWebhookConfiguration');
    for (let day = 1; day <= 95; day += 1) {
      const r = await w.ensure();
      assert.match(
        r.error ?? '',
        new RegExp(`^ValidatingWebhookConfiguration ${w.ns}-v: not found \\(re-apply the overlay, then run ensure again\\)`),
      );
      w.advance(DAY);
    }
    const leaf = certificateInfo(w.secretData()['tls.crt'] ?? '');
    assert.ok(leaf.notAfter.getTime() > w.now + 50 * DAY, 'renewed');
    assert.equal(w.bundles().length, 2, 'the mutating configuration, both webhooks');
    w.restoreConfig('ValidatingWebhookConfiguration');
    assert.match(ok(await w.ensure()).join('\n'), /^patched caBundle of ValidatingWebhookConfiguration/);
    neverRejected(w, 300);
  });

  for (const phase of ['phase 1', 'phase 2', 'a CA takeover'] as const) {
    test(`a caBundle patch that fails after the Secret write, at ${phase}`, async () => {
      const w = await installed({ lifecycle: { caDays: 300, caRenewBeforeDays: 120 } });
      if (phase === 'a CA takeover')
        await w.editSecret(async (d) => {
          d['ca.key'] = await otherKey();
        });
      else await daily(w, phase === 'phase 1' ? 179 : 180);
      const fault = w.fail('ValidatingWebhookConfiguration', 'PATCH');
      const r = await w.ensure();
      assert.equal(fault.hits, 1);
      assert.match(r.error ?? '', /ValidatingWebhookConfiguration .*injected fault/);
      assert.match(r.lines.join('\n'), /updated Secret/);
      w.advance(DAY);
      await daily(w, 4);
      neverRejected(w);
    });
  }

  test('the Secret deleted while pods serve: the new CA is published before the new certificate is written, the old one kept', async () => {
    const w = await installed();
    const old = w.caSerial();
    w.advance(9 * DAY);
    await w.deleteSecret();
    const lines = ok(await w.ensure()).join('\n');
    assert.match(
      lines,
      /^patched caBundle of MutatingWebhookConfiguration \S+ to trust the new CA before the serving certificate changes\npatched caBundle of ValidatingWebhookConfiguration \S+ to trust the new CA before the serving certificate changes\n/,
    );
    assert.match(lines, new RegExp(`caBundle keeps trusting CA ${old}, trusted before`));
    w.advance(DAY);
    await daily(w, 2);
    settledOn(w, w.caSerial());
    neverRejected(w);
  });

  test('a corrupted tls.crt: a new certificate from the same CA, pods keep the valid one meanwhile', async () => {
    const w = await installed();
    const ca = w.caSerial();
    await w.editSecret((d) => {
      d['tls.crt'] = 'garbage';
    });
    w.advance(HOUR);
    assert.match(ok(await w.ensure()).join('\n'), /issued serving certificate .* \(none usable in the Secret\)/);
    assert.equal(w.caSerial(), ca);
    w.advance(DAY);
    neverRejected(w);
  });
});

describe('switching certificate tools', () => {
  test('from cert-manager to self-managed: the cert-manager CA stays trusted while pods still serve its certificate', async () => {
    const w = await newWorld();
    const cmCA = await generateCA({ commonName: 'kfstore-webhook-ca', validityDays: 1825, now: new Date(T0.getTime() - 100 * DAY) });
    const { issueServingCert } = await import('../../certs/ca.ts');
    const cmLeaf = await issueServingCert({
      ca: cmCA,
      commonName: w.lifecycle.commonName,
      dnsNames: w.lifecycle.dnsNames,
      ipAddresses: [],
      validityDays: 90,
      now: new Date(T0.getTime() - 10 * DAY),
    });
    w.publish(cmCA.certPem);
    w.serveExternally(cmLeaf);
    w.advance(MINUTE);
    const lines = ok(await w.ensure()).join('\n');
    assert.match(lines, new RegExp(`caBundle keeps trusting CA ${certificateInfo(cmCA.certPem).serial}, trusted before`));
    // The rolling update replaces the pods within the overlap.
    w.advance(DAY, 10 * MINUTE);
    await daily(w, 2);
    settledOn(w, w.caSerial());
    neverRejected(w);
  });
});
