// The pure side of the certificate lifecycle: planRotation's decisions, applyActions' results, and
// the invariant that makes rotation safe: the served leaf always chains to a CA in caBundle, before
// and after every transition.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
// ca.ts first: it installs the Reflect shim that @peculiar/x509 needs at import time.
import { certificateInfo, generateCA, isIssuedBy, issueServingCert } from '../../certs/ca.ts';
import { applyActions } from '../../certs/lifecycle/apply.ts';
import { bundleTrusts, caBundlePem, pemCertificates } from '../../certs/lifecycle/bundle.ts';
import { serviceDnsNames } from '../../certs/lifecycle/names.ts';
import { planRotation } from '../../certs/lifecycle/plan.ts';
import { PHASE_SINCE_ANNOTATION, decodeSecret, encodeSecret } from '../../certs/lifecycle/secret.ts';
import type { Action, CertState, LifecycleOptions, StoredCerts } from '../../certs/lifecycle/types.ts';
import { caBundlePatch, publishedBundles } from '../../certs/lifecycle/webhook-config.ts';

const DAY = 24 * 60 * 60 * 1000;
const HOUR = 60 * 60 * 1000;
const T0 = new Date('2030-01-01T00:00:00Z');
const at = (days: number, hours = 0): Date => new Date(T0.getTime() + days * DAY + hours * HOUR);

const OPTS: LifecycleOptions = {
  dnsNames: serviceDnsNames('kfstore-webhook', 'kfstore-system'),
  ipAddresses: [],
  commonName: 'kfstore-webhook.kfstore-system.svc',
  caDays: 3650,
  leafDays: 90,
  renewBeforeDays: 30,
  caRenewBeforeDays: 180,
  minOverlapHours: 24,
};

/** One ensure run without Kubernetes: plan, apply, and publish the resulting caBundle. */
type World = { stored: StoredCerts | undefined; bundle: string };
async function run(world: World, now: Date, opts = OPTS): Promise<{ world: World; actions: Action[]; state: CertState }> {
  const actions = planRotation({ stored: world.stored, publishedBundles: world.bundle === '' ? [] : [world.bundle] }, now, opts);
  const state = actions.length === 0 ? (world.stored as CertState) : (await applyActions(world.stored, actions, now, opts)).state;
  return { world: { stored: state, bundle: caBundlePem(state) }, actions, state };
}

function kinds(actions: Action[]): string[] {
  return actions.map((a) => (a.kind === 'issue-leaf' ? `issue-leaf:${a.reason}` : a.kind));
}

function chainsToBundle(leafPem: string, bundle: string): boolean {
  return pemCertificates(bundle).some((ca) => isIssuedBy(leafPem, ca));
}

function serial(pem: string): string {
  return certificateInfo(pem).serial;
}

describe('planRotation + applyActions', () => {
  test('fresh install: a CA and a leaf for the Service names, caBundle = the CA; then nothing to do', async () => {
    assert.deepEqual(planRotation({ stored: undefined, publishedBundles: [] }, T0, OPTS), [{ kind: 'create', keep: [] }]);
    const first = await run({ stored: undefined, bundle: '' }, T0);
    const { ca, leaf } = first.state;
    assert.ok(certificateInfo(ca.certPem).isCA);
    assert.ok(isIssuedBy(leaf.certPem, ca.certPem));
    assert.deepEqual(certificateInfo(leaf.certPem).dnsNames.sort(), [
      'kfstore-webhook',
      'kfstore-webhook.kfstore-system',
      'kfstore-webhook.kfstore-system.svc',
      'kfstore-webhook.kfstore-system.svc.cluster.local',
    ]);
    assert.equal(certificateInfo(leaf.certPem).notAfter.getTime(), at(90).getTime());
    assert.deepEqual(pemCertificates(first.world.bundle), pemCertificates(ca.certPem));
    const again = await run(first.world, at(1));
    assert.deepEqual(again.actions, []);
  });

  test('leaf near expiry: a new leaf from the same CA; wrong names or issuer: a new leaf too', async () => {
    const { world } = await run({ stored: undefined, bundle: '' }, T0);
    const ca = world.stored?.ca?.certPem ?? '';
    assert.deepEqual(kinds((await run(world, at(59))).actions), []);
    const renewed = await run(world, at(60));
    assert.deepEqual(kinds(renewed.actions), ['issue-leaf:expiring']);
    assert.equal(renewed.state.ca.certPem, ca, 'same CA');
    assert.notEqual(serial(renewed.state.leaf.certPem), serial(world.stored?.leaf?.certPem ?? ''));
    assert.ok(isIssuedBy(renewed.state.leaf.certPem, ca));
    assert.equal(renewed.world.bundle, world.bundle, 'caBundle unchanged by a leaf renewal');

    const withIp = { ...OPTS, ipAddresses: ['127.0.0.1'], dnsNames: [...OPTS.dnsNames, 'webhook.example.com'] };
    const names = await run(world, at(1), withIp);
    assert.deepEqual(kinds(names.actions), ['issue-leaf:names']);
    assert.deepEqual(certificateInfo(names.state.leaf.certPem).ipAddresses, ['127.0.0.1']);
    assert.ok(certificateInfo(names.state.leaf.certPem).dnsNames.includes('webhook.example.com'));
    assert.deepEqual(kinds((await run(names.world, at(1), withIp)).actions), []);
    assert.deepEqual(kinds((await run(names.world, at(1))).actions), ['issue-leaf:names'], 'a name removed is a mismatch too');

    const stranger = await generateCA({ commonName: 'someone else', validityDays: 100, now: T0 });
    const foreign = await issueServingCert({
      ca: stranger,
      commonName: 'x',
      dnsNames: OPTS.dnsNames,
      ipAddresses: [],
      validityDays: 90,
      now: T0,
    });
    const issuer = await run({ stored: { ...world.stored, leaf: foreign }, bundle: world.bundle }, at(1));
    assert.deepEqual(kinds(issuer.actions), ['issue-leaf:issuer']);
    assert.ok(isIssuedBy(issuer.state.leaf.certPem, ca));
  });

  test('CA near expiry: phase 1, phase 2 after the overlap, phase 3 after another', async () => {
    const install = await run({ stored: undefined, bundle: '' }, T0);
    const oldCA = install.state.ca;
    // Keep the leaf fresh so only the CA is due.
    const day = 3650 - 180;
    const renewed = await run(install.world, at(day - 1));
    assert.deepEqual(kinds(renewed.actions), ['issue-leaf:expiring']);

    const p1 = await run(renewed.world, at(day));
    assert.deepEqual(kinds(p1.actions), ['start-rollover']);
    const newCA = p1.state.nextCa;
    assert.ok(newCA !== undefined);
    assert.equal(p1.state.ca, oldCA, 'phase 1 keeps the current CA');
    assert.equal(p1.state.leaf, renewed.state.leaf, 'phase 1 keeps the leaf');
    assert.deepEqual(
      pemCertificates(p1.world.bundle),
      [...pemCertificates(oldCA.certPem), ...pemCertificates(newCA.certPem)],
      'caBundle = old + new',
    );
    assert.equal(p1.state.phaseSince?.getTime(), at(day).getTime());

    assert.deepEqual(kinds((await run(p1.world, at(day, 23))).actions), [], 'phase 1 lasts the overlap');
    // A caBundle patch that never landed: the overlap restarts instead of switching.
    const unpublished = await run({ ...p1.world, bundle: renewed.world.bundle }, at(day, 30));
    assert.deepEqual(kinds(unpublished.actions), ['restart-rollover']);
    assert.equal(unpublished.state.phaseSince?.getTime(), at(day, 30).getTime());

    const p2 = await run(p1.world, at(day, 24));
    assert.deepEqual(kinds(p2.actions), ['switch-ca']);
    assert.equal(p2.state.ca, newCA);
    assert.equal(p2.state.nextCa, undefined);
    assert.deepEqual(pemCertificates(p2.state.previousCaCert ?? ''), pemCertificates(oldCA.certPem));
    assert.ok(isIssuedBy(p2.state.leaf.certPem, newCA.certPem), 'phase 2 leaf comes from the new CA');
    assert.deepEqual(
      pemCertificates(p2.world.bundle),
      [...pemCertificates(newCA.certPem), ...pemCertificates(oldCA.certPem)],
      'caBundle = new + old',
    );

    assert.deepEqual(kinds((await run(p2.world, at(day, 47))).actions), [], 'phase 2 lasts the overlap');
    const p3 = await run(p2.world, at(day, 48));
    assert.deepEqual(kinds(p3.actions), ['drop-previous-ca']);
    assert.equal(p3.state.previousCaCert, undefined);
    assert.equal(p3.state.phaseSince, undefined);
    assert.equal(p3.state.leaf, p2.state.leaf);
    assert.deepEqual(pemCertificates(p3.world.bundle), pemCertificates(newCA.certPem));
    assert.deepEqual(kinds((await run(p3.world, at(day, 72))).actions), []);

    // No disagreement in either order: each step's leaf is trusted by the caBundle before and after it.
    const steps = [renewed, p1, p2, p3];
    for (let i = 1; i < steps.length; i += 1) {
      const before = steps[i - 1] as (typeof steps)[number];
      const after = steps[i] as (typeof steps)[number];
      for (const leaf of [before.state.leaf.certPem, after.state.leaf.certPem]) {
        for (const bundle of [before.world.bundle, after.world.bundle])
          assert.ok(chainsToBundle(leaf, bundle), `transition ${i}: a leaf is not trusted`);
      }
    }
  });

  test('daily runs over a CA lifetime: always a valid leaf that chains to the published caBundle', async () => {
    const opts: LifecycleOptions = { ...OPTS, caDays: 250, caRenewBeforeDays: 100 };
    let world: World = { stored: undefined, bundle: '' };
    const seen: string[] = [];
    const caSerials = new Set<string>();
    for (let d = 0; d <= 400; d += 1) {
      const now = at(d, 3);
      const before = world;
      const r = await run(world, now, opts);
      world = r.world;
      seen.push(...kinds(r.actions));
      const leaf = r.state.leaf.certPem;
      const info = certificateInfo(leaf);
      assert.ok(info.notBefore <= now && now < info.notAfter, `day ${d}: leaf not valid`);
      assert.ok(chainsToBundle(leaf, world.bundle), `day ${d}: leaf does not chain to caBundle`);
      if (before.stored?.leaf !== undefined)
        assert.ok(chainsToBundle(before.stored.leaf.certPem, world.bundle), `day ${d}: yesterday's leaf not trusted by today's caBundle`);
      if (before.bundle !== '')
        assert.ok(chainsToBundle(leaf, before.bundle), `day ${d}: today's leaf not trusted by yesterday's caBundle`);
      caSerials.add(serial(r.state.ca.certPem));
    }
    const rollovers = seen.filter((k) => k === 'start-rollover').length;
    assert.equal(rollovers, 2, seen.join(' '));
    assert.equal(seen.filter((k) => k === 'switch-ca').length, 2);
    assert.equal(seen.filter((k) => k === 'drop-previous-ca').length, 2);
    assert.deepEqual(
      seen.filter((k) => k === 'create' || k === 'adopt-ca'),
      ['create'],
      'one CA made at install, then only rollovers',
    );
    assert.ok(seen.filter((k) => k.startsWith('issue-leaf')).length <= 10, 'no reissue storm');
    assert.equal(caSerials.size, 3);
  });

  test('an expired CA, or an empty Secret, is replaced at once: nothing valid is served from it', async () => {
    const { world } = await run({ stored: undefined, bundle: '' }, T0);
    const expired = planRotation({ stored: world.stored, publishedBundles: [world.bundle] }, at(3651), OPTS);
    assert.deepEqual(
      expired.map((a) => a.kind),
      ['create'],
    );
    assert.match(expired[0]?.kind === 'create' ? (expired[0].why ?? '') : '', /^the CA expired 2039-12-30T00:00:00\.000Z$/);
    assert.deepEqual(expired[0]?.kind === 'create' ? expired[0].keep : undefined, [], 'an expired CA is not kept in caBundle');
    assert.deepEqual(planRotation({ stored: {}, publishedBundles: [] }, T0, OPTS), [
      { kind: 'create', why: 'no CA certificate', keep: [] },
    ]);
  });

  test('a CA key that does not match: a new CA takes over, the leaf in use and its CA stay trusted (faults suite has the rest)', async () => {
    const { world } = await run({ stored: undefined, bundle: '' }, T0);
    const other = await generateCA({ commonName: 'x', validityDays: 10, now: T0 });
    const mismatched = { ...world.stored, ca: { certPem: world.stored?.ca?.certPem ?? '', keyPem: other.keyPem } };
    const adopted = await run({ stored: mismatched, bundle: world.bundle }, at(1));
    assert.deepEqual(kinds(adopted.actions), ['adopt-ca']);
    assert.equal(adopted.state.leaf, world.stored?.leaf, 'the serving certificate in use stays');
    assert.ok(bundleTrusts(adopted.world.bundle, world.stored?.ca?.certPem ?? ''), 'its CA stays in caBundle');
    assert.ok(chainsToBundle(adopted.state.leaf.certPem, adopted.world.bundle));
  });
  test('a leaf that already ends with its CA is not reissued every run while the rollover waits', async () => {
    const opts: LifecycleOptions = { ...OPTS, caDays: 100, caRenewBeforeDays: 60 };
    const install = await run({ stored: undefined, bundle: '' }, T0, opts);
    const p1 = await run(install.world, at(65), opts);
    assert.deepEqual(kinds(p1.actions), ['start-rollover', 'issue-leaf:expiring']);
    assert.equal(
      certificateInfo(p1.state.leaf.certPem).notAfter.getTime(),
      certificateInfo(install.state.ca.certPem).notAfter.getTime(),
      'capped at the CA',
    );
    // The caBundle patch keeps failing (stale bundle): the overlap restarts, the leaf is left alone.
    const stalled = await run({ ...p1.world, bundle: install.world.bundle }, at(80), opts);
    assert.deepEqual(kinds(stalled.actions), ['restart-rollover']);
  });
});

describe('Secret and webhook configuration encoding', () => {
  test('a state survives the Secret round trip, other annotations are kept', async () => {
    const { state } = await run({ stored: undefined, bundle: '' }, T0);
    const withNext: CertState = { ...state, nextCa: await generateCA({ commonName: 'n', validityDays: 10, now: T0 }), phaseSince: at(2) };
    const base = {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: 's', namespace: 'ns', resourceVersion: '7', annotations: { keep: 'me' } },
      type: 'kubernetes.io/tls',
      stringData: { x: 'y' },
    };
    const secret = encodeSecret(base, { namespace: 'ns', name: 's' }, withNext);
    assert.equal(secret.metadata.resourceVersion, '7');
    assert.equal(secret.metadata.annotations?.keep, 'me');
    assert.equal(secret.metadata.annotations?.[PHASE_SINCE_ANNOTATION], at(2).toISOString());
    assert.equal('stringData' in secret, false);
    assert.deepEqual(Object.keys(secret.data ?? {}).sort(), ['ca-next.crt', 'ca-next.key', 'ca.crt', 'ca.key', 'tls.crt', 'tls.key']);
    assert.deepEqual(decodeSecret(secret), withNext);
    const plain = encodeSecret(secret, { namespace: 'ns', name: 's' }, state);
    assert.equal(plain.metadata.annotations?.[PHASE_SINCE_ANNOTATION], undefined);
    assert.deepEqual(decodeSecret(plain), state);
  });

  test('caBundlePatch sets every entry, carries the resourceVersion, and is undefined when nothing differs', () => {
    const pem = '-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n';
    const b64 = Buffer.from(pem).toString('base64');
    const config = {
      metadata: { name: 'w', resourceVersion: '42' },
      webhooks: [
        { name: 'a.b.c', clientConfig: { url: 'https://x' } },
        { name: 'd.e.f', clientConfig: { caBundle: b64 } },
      ],
    };
    assert.deepEqual(caBundlePatch(config, pem), [
      { op: 'replace', path: '/metadata/resourceVersion', value: '42' },
      { op: 'add', path: '/webhooks/0/clientConfig/caBundle', value: b64 },
    ]);
    assert.deepEqual(publishedBundles(config), ['', pem]);
    assert.ok(bundleTrusts(`${pem}${pem}`, pem));
    const done = { ...config, webhooks: config.webhooks.map((w) => ({ ...w, clientConfig: { ...w.clientConfig, caBundle: b64 } })) };
    assert.equal(caBundlePatch(done, pem), undefined);
  });
});
