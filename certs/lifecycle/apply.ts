// Carries out planned actions in memory: generates keys and certificates and returns the new
// state plus one human line per step. Nothing is written anywhere; kube.ts does that.
import { certificateInfo, generateCA, issueServingCert } from '../ca.ts';
import type { KeyPairPem } from '../ca.ts';
import { pemCertificates, uniqueCerts } from './bundle.ts';
import type { Action, CertState, LeafReason, LifecycleOptions, StoredCerts } from './types.ts';

export type Applied = { state: CertState; lines: string[] };

const LEAF_REASONS: Record<LeafReason, string> = {
  missing: 'none usable in the Secret',
  early: 'the previous one is not valid yet by this clock: it was issued by a clock ahead of this one',
  expiring: 'the previous one expires within the renewal window',
  names: 'the previous one does not carry the requested names',
  issuer: 'the previous one was not issued by the current CA',
};

export async function applyActions(
  stored: StoredCerts | undefined,
  actions: Action[],
  now: Date,
  opts: LifecycleOptions,
): Promise<Applied> {
  const lines: string[] = [];
  const s: StoredCerts = { ...stored };
  const newCA = async (): Promise<KeyPairPem> => {
    const ca = await generateCA({ commonName: `kfstore webhook CA ${now.toISOString()}`, validityDays: opts.caDays, now });
    lines.push(`generated CA serial ${describe(ca.certPem)}`);
    return ca;
  };
  const newLeaf = async (ca: KeyPairPem, why: string): Promise<KeyPairPem> => {
    const leaf = await issueServingCert({
      ca,
      commonName: opts.commonName,
      dnsNames: opts.dnsNames,
      ipAddresses: opts.ipAddresses,
      validityDays: opts.leafDays,
      now,
    });
    lines.push(`issued serving certificate serial ${describe(leaf.certPem)} (${why})`);
    return leaf;
  };
  // Certificates kept in caBundle for the overlap: whatever was kept before, plus `keep`.
  const keepTrusting = (keep: string[], base: string | undefined): void => {
    const certs = uniqueCerts([...pemCertificates(base ?? ''), ...keep.flatMap(pemCertificates)]);
    if (certs.length === 0) delete s.previousCaCert;
    else s.previousCaCert = certs.join('');
  };
  const hours = `${opts.minOverlapHours} h`;

  for (const action of actions) {
    switch (action.kind) {
      case 'create': {
        if (action.why !== undefined) lines.push(`replacing the CA (${action.why}); no valid serving certificate from it to keep serving`);
        s.ca = await newCA();
        s.leaf = await newLeaf(s.ca, 'new CA');
        delete s.nextCa;
        keepTrusting(action.keep, undefined);
        if (s.previousCaCert === undefined) delete s.phaseSince;
        else {
          s.phaseSince = now;
          lines.push(
            `caBundle keeps trusting ${serials(s.previousCaCert)}, trusted before, for ${hours}: pods may still serve a certificate they issued`,
          );
        }
        break;
      }
      case 'adopt-ca': {
        lines.push(`the CA in the Secret cannot sign (${action.why}); a new CA takes over while its serving certificate stays in use`);
        const next = action.promoteNext ? s.nextCa : undefined;
        s.ca = next ?? (await newCA());
        delete s.nextCa;
        keepTrusting(action.keep, undefined);
        s.phaseSince = now;
        lines.push(
          `CA ${serial(s.ca)} is now current; caBundle keeps ${serials(s.previousCaCert ?? '')}; the serving certificate moves to the new CA once every webhook has trusted it for ${hours}`,
        );
        break;
      }
      case 'refuse':
        throw new Error(action.why);
      case 'start-rollover':
        if (s.ca === undefined) throw new Error('start-rollover planned without a CA');
        s.nextCa = await newCA();
        s.phaseSince = now;
        lines.push(
          `CA rollover phase 1: caBundle trusts CA ${serial(s.ca)} and the new CA ${serial(s.nextCa)}; the serving certificate moves to the new CA after ${hours}`,
        );
        break;
      case 'restart-rollover':
        s.phaseSince = now;
        lines.push(`overlap of ${hours} (re)started at ${now.toISOString()}: ${action.why}`);
        break;
      case 'switch-ca': {
        const next = s.nextCa;
        if (next === undefined || s.ca === undefined) throw new Error('switch-ca planned without a next CA');
        keepTrusting(action.keep, s.previousCaCert);
        s.ca = next;
        delete s.nextCa;
        s.phaseSince = now;
        lines.push(`CA rollover phase 2: CA ${serial(next)} is now current; caBundle keeps the previous CA for ${hours}`);
        s.leaf = await newLeaf(next, 'CA rollover');
        break;
      }
      case 'switch-leaf':
        if (s.ca === undefined) throw new Error('switch-leaf planned without a CA');
        s.phaseSince = now;
        s.leaf = await newLeaf(s.ca, 'moved to the current CA, which every webhook has trusted for the overlap');
        lines.push(`caBundle keeps ${serials(s.previousCaCert ?? '')} for another ${hours}`);
        break;
      case 'keep-served':
        keepTrusting(action.keep, s.previousCaCert);
        s.phaseSince = now;
        lines.push(
          `the serving certificate in use comes from ${serials(action.keep.join(''))}, not the current CA: caBundle keeps trusting it; the serving certificate moves after ${hours}`,
        );
        break;
      case 'drop-previous-ca':
        lines.push(`CA rollover phase 3: dropped the previous ${serials(s.previousCaCert ?? '')} from caBundle`);
        delete s.previousCaCert;
        delete s.phaseSince;
        break;
      case 'issue-leaf':
        if (s.ca === undefined) throw new Error('issue-leaf planned without a CA');
        s.leaf = await newLeaf(s.ca, LEAF_REASONS[action.reason]);
        break;
    }
  }
  if (s.ca === undefined || s.leaf === undefined) throw new Error('the planned actions leave no CA or serving certificate');
  return { state: { ...s, ca: s.ca, leaf: s.leaf }, lines };
}

function serial(pair: KeyPairPem | undefined): string {
  return pair === undefined ? '' : certificateInfo(pair.certPem).serial;
}

/** "CA <serial>" or "CAs <serial>, <serial>" for a PEM bundle; unreadable entries are named as such. */
function serials(pem: string): string {
  const list = pemCertificates(pem).map((c) => {
    try {
      return certificateInfo(c).serial;
    } catch {
      return '(unreadable)';
    }
  });
  return `${list.length === 1 ? 'CA' : 'CAs'} ${list.join(', ')}`;
}

function describe(certPem: string): string {
  const info = certificateInfo(certPem);
  return `${info.serial} expiring ${info.notAfter.toISOString()}`;
}
