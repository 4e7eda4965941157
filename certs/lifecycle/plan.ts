// The pure decision: given what the Secret holds and what caBundle the webhooks publish, which
// steps bring the serving certificate and CA back to health. Crypto happens in apply.ts, Kubernetes
// I/O in kube.ts; this file only reads certificates and compares times.
//
// The invariant every step keeps: the serving certificate webhook pods serve, and the one the
// Secret makes them serve next, both chain to every caBundle published before and after the step.
// Hence trust is only ever added ahead of use and removed after an overlap of --min-overlap-hours,
// and the served certificate only moves to a CA every webhook has trusted for that overlap:
//   phase 1  ca-next.crt/key = new CA; caBundle = old + new; leaf unchanged (from old).
//            Waits until every webhook has published the new CA, then the overlap.
//   phase 2  ca.crt/key = new CA, leaf issued by new, ca-previous.crt = old; caBundle = new + old.
//            Waits the overlap: pods may still serve the old leaf until their Secret volume updates.
//   phase 3  ca-previous.crt dropped; caBundle = new.
// A CA that cannot sign (key missing, not its own, of another type; certificate unreadable or
// missing) while its serving certificate is still valid is replaced the same way, starting at
// "phase 2 without the new leaf": the new CA becomes current, the old one is kept in
// ca-previous.crt, and the leaf moves once the new CA has been published for the overlap.
// Only when nothing valid is being served does a new CA and leaf come at once (ensure.ts then
// publishes the new CA before the Secret changes).
import { certificateInfo, caKeyProblem, isIssuedBy, keyMatchesCert, needsRenewal } from '../ca.ts';
import type { CertificateInfo, KeyPairPem } from '../ca.ts';
import { bundleTrusts, pemCertificates } from './bundle.ts';
import { normalizeIp } from './names.ts';
import { servedAnchor, unexpiredCerts } from './trust.ts';
import type { Action, LeafReason, LifecycleOptions, RotationState } from './types.ts';

const HOUR_MS = 60 * 60 * 1000;
const DAY_MS = 24 * HOUR_MS;

export type CAProblem = { why: string; unsupported: boolean };

const NO_START = 'no start time was recorded';
const NOT_EVERYWHERE = 'not every webhook trusted the new CA yet';

export function planRotation(state: RotationState, now: Date, opts: LifecycleOptions): Action[] {
  const s = state.stored;
  const published = state.publishedBundles;
  if (s === undefined) return [{ kind: 'create', keep: unexpiredCerts(published, now) }];
  const known = [s.ca?.certPem, s.previousCaCert, s.nextCa?.certPem, ...published].flatMap((t) =>
    t === undefined ? [] : pemCertificates(t),
  );
  const anchor = servedAnchor(s.leaf, known, now);

  const problem = unusableCA(s.ca, now);
  if (problem !== undefined || s.ca === undefined) {
    const why = problem?.why ?? 'no CA certificate';
    // What may anchor a certificate pods serve: the one in the Secret (anchor), and whatever caBundle
    // trusts now. The stored CA certificate itself only if it is one of those.
    const keep = unexpiredCerts([anchor, s.previousCaCert, ...published], now);
    if (anchor !== undefined) {
      const next = s.nextCa;
      const promoteNext = next !== undefined && unusableCA(next, now) === undefined;
      return [{ kind: 'adopt-ca', why, promoteNext, keep: promoteNext ? keep.filter((c) => !bundleTrusts(c, next.certPem)) : keep }];
    }
    if (problem?.unsupported === true) return [{ kind: 'refuse', why }];
    return [{ kind: 'create', why, keep }];
  }

  const ca = s.ca;
  const overlapOver = s.phaseSince !== undefined && now.getTime() - s.phaseSince.getTime() >= opts.minOverlapHours * HOUR_MS;
  const everywhere = (certPem: string): boolean => published.every((b) => bundleTrusts(b, certPem));
  const servedFromCa = anchor !== undefined && bundleTrusts(ca.certPem, anchor);
  const actions: Action[] = [];
  if (s.nextCa !== undefined) {
    const next = s.nextCa;
    if (unusableCA(next, now) !== undefined) actions.push({ kind: 'start-rollover' });
    // The overlap only counts once every webhook trusts the new CA (an earlier patch may have failed).
    else if (s.phaseSince === undefined || !everywhere(next.certPem))
      actions.push({ kind: 'restart-rollover', why: s.phaseSince === undefined ? NO_START : NOT_EVERYWHERE });
    else if (overlapOver) return [{ kind: 'switch-ca', keep: unexpiredCerts([ca.certPem, s.previousCaCert, anchor], now) }];
  } else if (anchor !== undefined && !servedFromCa) {
    // Served from a CA that is not the current one: keep trusting it, and move the leaf over only
    // once every webhook has trusted the current CA for the overlap.
    if (s.previousCaCert === undefined || !bundleTrusts(s.previousCaCert, anchor)) actions.push({ kind: 'keep-served', keep: [anchor] });
    else if (s.phaseSince === undefined || !everywhere(ca.certPem))
      actions.push({ kind: 'restart-rollover', why: s.phaseSince === undefined ? NO_START : NOT_EVERYWHERE });
    else if (overlapOver) actions.push({ kind: 'switch-leaf' });
  } else if (s.previousCaCert !== undefined) {
    // Nothing valid in the Secret: pods may still serve a certificate a previous CA issued, so the
    // overlap starts again with the new certificate issued below.
    if (anchor === undefined)
      actions.push({
        kind: 'restart-rollover',
        why: 'the serving certificate is replaced while pods may still serve one a previous CA issued',
      });
    else if (s.phaseSince === undefined) actions.push({ kind: 'restart-rollover', why: NO_START });
    else if (overlapOver) actions.push({ kind: 'drop-previous-ca' });
  } else if (certificateInfo(ca.certPem).notAfter.getTime() - now.getTime() <= opts.caRenewBeforeDays * DAY_MS) {
    actions.push({ kind: 'start-rollover' });
  }
  // From the same CA a new leaf changes nothing caBundle must trust; with nothing valid served
  // there is nothing to keep. A leaf served from another CA moves only by switch-leaf above.
  const reason = leafProblem(s.leaf, ca, now, opts);
  if (reason !== undefined && (anchor === undefined || servedFromCa)) actions.push({ kind: 'issue-leaf', reason });
  return actions;
}

/** Why `ca` cannot sign or anchor anything, or undefined when it can. notBefore is not judged (see trust.ts). */
export function unusableCA(ca: KeyPairPem | undefined, now: Date): CAProblem | undefined {
  const broken = (why: string): CAProblem => ({ why, unsupported: false });
  if (ca === undefined || ca.certPem.trim() === '') return broken('no CA certificate');
  let info: CertificateInfo;
  try {
    info = certificateInfo(ca.certPem);
  } catch {
    return broken('the CA certificate does not parse');
  }
  if (!info.isCA) return broken('the CA certificate is not a CA');
  if (ca.keyPem.trim() === '') return broken('no CA key');
  const key = caKeyProblem(ca);
  if (key !== undefined) return { why: key.message, unsupported: key.kind === 'unsupported' };
  if (now.getTime() >= info.notAfter.getTime()) return broken(`the CA expired ${info.notAfter.toISOString()}`);
  return undefined;
}

export function leafProblem(leaf: KeyPairPem | undefined, ca: KeyPairPem, now: Date, opts: LifecycleOptions): LeafReason | undefined {
  if (leaf === undefined) return 'missing';
  try {
    if (!keyMatchesCert(leaf)) return 'missing';
    if (!isIssuedBy(leaf.certPem, ca.certPem)) return 'issuer';
    const info = certificateInfo(leaf.certPem);
    if (
      !sameSet(
        info.dnsNames.map((n) => n.toLowerCase()),
        opts.dnsNames,
      ) ||
      !sameSet(info.ipAddresses.map(normalizeIp), opts.ipAddresses)
    )
      return 'names';
    // Issued by a clock ahead of this one: from the same CA a new leaf is safe whichever clock is right.
    if (now.getTime() < info.notBefore.getTime()) return 'early';
    if (!needsRenewal(leaf.certPem, now, opts.renewBeforeDays)) return undefined;
    // A leaf already ending with its CA cannot be extended: reissuing every run would not help,
    // the CA rollover will. Only a leaf that is actually invalid is replaced then.
    const caEnd = certificateInfo(ca.certPem).notAfter.getTime();
    if (now.getTime() < info.notAfter.getTime() && info.notAfter.getTime() >= caEnd - 60_000) return undefined;
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
