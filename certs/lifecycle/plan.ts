// The pure decision: given what the Secret holds and what caBundle the webhooks publish, which
// steps bring the serving certificate and CA back to health. Crypto happens in apply.ts, Kubernetes
// I/O in kube.ts; this file only reads certificates and compares times.
//
// The CA rolls over in three phases, each at least --min-overlap-hours long, so that whatever
// caBundle an API server still uses and whichever leaf a webhook pod still serves, they agree:
//   phase 1  ca-next.crt/key = new CA; caBundle = old + new; leaf unchanged (from old).
//            Waits until every named webhook has published the new CA, then the overlap.
//   phase 2  ca.crt/key = new CA, leaf issued by new, ca-previous.crt = old; caBundle = new + old.
//            Waits the overlap: pods may still serve the old leaf until their Secret volume updates.
//   phase 3  ca-previous.crt dropped; caBundle = new.
// Each transition keeps the old leaf trusted by the new caBundle and the new leaf trusted by the
// old one, so the order in which the Secret and the webhook configurations change does not matter.
import { certificateInfo, isIssuedBy, keyMatchesCert, needsRenewal } from '../ca.ts';
import type { KeyPairPem } from '../ca.ts';
import { bundleTrusts } from './bundle.ts';
import { normalizeIp } from './names.ts';
import type { Action, LeafReason, LifecycleOptions, RotationState } from './types.ts';

const HOUR_MS = 60 * 60 * 1000;

export function planRotation(state: RotationState, now: Date, opts: LifecycleOptions): Action[] {
  const s = state.stored;
  if (s === undefined) return [{ kind: 'create' }];
  const caProblem = unusableCA(s.ca, now);
  if (caProblem !== undefined || s.ca === undefined) {
    // Nothing can be served from this CA any more: there is no safe overlap to wait for.
    return [{ kind: 'replace-ca', why: caProblem ?? 'missing' }];
  }
  const overlapOver = s.phaseSince !== undefined && now.getTime() - s.phaseSince.getTime() >= opts.minOverlapHours * HOUR_MS;
  const actions: Action[] = [];
  if (s.previousCaCert !== undefined) {
    if (s.phaseSince === undefined) actions.push({ kind: 'restart-rollover' });
    else if (overlapOver) actions.push({ kind: 'drop-previous-ca' });
  } else if (s.nextCa !== undefined) {
    const next = s.nextCa;
    if (unusableCA(next, now) !== undefined) actions.push({ kind: 'start-rollover' });
    // The overlap only counts once every webhook trusts the new CA (an earlier patch may have failed).
    else if (s.phaseSince === undefined || !state.publishedBundles.every((b) => bundleTrusts(b, next.certPem))) actions.push({ kind: 'restart-rollover' });
    else if (overlapOver) return [{ kind: 'switch-ca' }];
  } else if (needsRenewal(s.ca.certPem, now, opts.caRenewBeforeDays)) {
    actions.push({ kind: 'start-rollover' });
  }
  const reason = leafProblem(s.leaf, s.ca, now, opts);
  if (reason !== undefined) actions.push({ kind: 'issue-leaf', reason });
  return actions;
}

/** Why `ca` cannot sign or anchor anything, or undefined when it can. */
export function unusableCA(ca: KeyPairPem | undefined, now: Date): string | undefined {
  if (ca === undefined) return 'missing';
  try {
    const info = certificateInfo(ca.certPem);
    if (!info.isCA) return 'not a CA certificate';
    if (!keyMatchesCert(ca)) return 'the key does not match the certificate';
    if (now.getTime() >= info.notAfter.getTime()) return `expired ${info.notAfter.toISOString()}`;
    if (now.getTime() < info.notBefore.getTime()) return `not valid before ${info.notBefore.toISOString()}`;
    return undefined;
  } catch {
    return 'unreadable';
  }
}

export function leafProblem(leaf: KeyPairPem | undefined, ca: KeyPairPem, now: Date, opts: LifecycleOptions): LeafReason | undefined {
  if (leaf === undefined) return 'missing';
  try {
    if (!keyMatchesCert(leaf)) return 'missing';
    if (!isIssuedBy(leaf.certPem, ca.certPem)) return 'issuer';
    const info = certificateInfo(leaf.certPem);
    if (!sameSet(info.dnsNames.map((n) => n.toLowerCase()), opts.dnsNames) || !sameSet(info.ipAddresses.map(normalizeIp), opts.ipAddresses)) return 'names';
    if (!needsRenewal(leaf.certPem, now, opts.renewBeforeDays)) return undefined;
    // A leaf already ending with its CA cannot be extended: reissuing every run would not help,
    // the CA rollover will. Only a leaf that is actually invalid is replaced then.
    const caEnd = certificateInfo(ca.certPem).notAfter.getTime();
    const stillValid = now.getTime() >= info.notBefore.getTime() && now.getTime() < info.notAfter.getTime();
    if (stillValid && info.notAfter.getTime() >= caEnd - 60_000) return undefined;
    return 'expiring';
  } catch {
    return 'missing';
  }
}

function sameSet(have: string[], want: string[]): boolean {
  const a = new Set(have);
  const b = new Set(want);
  return a.size === b.size && [...a].every((x) => b.has(x));
}
