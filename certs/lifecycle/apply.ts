// Carries out planned actions in memory: generates keys and certificates and returns the new
// state plus one human line per step. Nothing is written anywhere; kube.ts does that.
import { certificateInfo, generateCA, issueServingCert } from '../ca.ts';
import type { KeyPairPem } from '../ca.ts';
import type { Action, CertState, LeafReason, LifecycleOptions, StoredCerts } from './types.ts';

export type Applied = { state: CertState; lines: string[] };

const LEAF_REASONS: Record<LeafReason, string> = {
  missing: 'none usable in the Secret',
  expiring: 'the previous one expires within the renewal window',
  names: 'the previous one does not carry the requested names',
  issuer: 'the previous one was not issued by the current CA',
};

export async function applyActions(stored: StoredCerts | undefined, actions: Action[], now: Date, opts: LifecycleOptions): Promise<Applied> {
  const lines: string[] = [];
  const s: StoredCerts = { ...stored };
  const newCA = async (): Promise<KeyPairPem> => {
    const ca = await generateCA({ commonName: `kfstore webhook CA ${now.toISOString()}`, validityDays: opts.caDays, now });
    lines.push(`generated CA serial ${describe(ca.certPem)}`);
    return ca;
  };
  const newLeaf = async (ca: KeyPairPem, why: string): Promise<KeyPairPem> => {
    const leaf = await issueServingCert({ ca, commonName: opts.commonName, dnsNames: opts.dnsNames, ipAddresses: opts.ipAddresses, validityDays: opts.leafDays, now });
    lines.push(`issued serving certificate serial ${describe(leaf.certPem)} (${why})`);
    return leaf;
  };
  const hours = `${opts.minOverlapHours} h`;

  for (const action of actions) {
    switch (action.kind) {
      case 'create':
      case 'replace-ca': {
        if (action.kind === 'replace-ca') lines.push(`replacing the CA without overlap: the stored one is ${action.why}`);
        s.ca = await newCA();
        s.leaf = await newLeaf(s.ca, 'new CA');
        delete s.nextCa;
        delete s.previousCaCert;
        delete s.phaseSince;
        break;
      }
      case 'start-rollover':
        s.nextCa = await newCA();
        s.phaseSince = now;
        lines.push(`CA rollover phase 1: caBundle trusts CA ${serial(s.ca)} and the new CA ${serial(s.nextCa)}; the serving certificate moves to the new CA after ${hours}`);
        break;
      case 'restart-rollover':
        s.phaseSince = now;
        lines.push(`CA rollover: overlap of ${hours} (re)started at ${now.toISOString()} (no start time recorded, or not every webhook trusted the new CA yet)`);
        break;
      case 'switch-ca': {
        const next = s.nextCa;
        if (next === undefined || s.ca === undefined) throw new Error('switch-ca planned without a next CA');
        s.previousCaCert = s.ca.certPem;
        s.ca = next;
        delete s.nextCa;
        s.phaseSince = now;
        lines.push(`CA rollover phase 2: CA ${serial(next)} is now current; caBundle keeps the previous CA for ${hours}`);
        s.leaf = await newLeaf(next, 'CA rollover');
        break;
      }
      case 'drop-previous-ca':
        lines.push(`CA rollover phase 3: dropped the previous CA ${s.previousCaCert === undefined ? '' : certificateInfo(s.previousCaCert).serial} from caBundle`);
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

function describe(certPem: string): string {
  const info = certificateInfo(certPem);
  return `${info.serial} expiring ${info.notAfter.toISOString()}`;
}
