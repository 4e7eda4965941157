// Shapes shared by the certificate lifecycle: what the Secret holds, what a run is asked to keep
// true, and the decisions the planner makes. No I/O here.
import type { KeyPairPem } from '../ca.ts';

/** The Secret's contents, decoded; any part may be missing or unusable and the planner copes. */
export type StoredCerts = {
  ca?: KeyPairPem;
  leaf?: KeyPairPem;
  /** CA rollover phase 1: the CA that will replace `ca`, already published in caBundle. */
  nextCa?: KeyPairPem;
  /**
   * Certificates (PEM, one or more) still published in caBundle because a serving certificate
   * issued by them may still be served: the replaced CA in rollover phase 2, or whatever caBundle
   * trusted when an unusable CA was replaced. Dropped once the overlap has passed.
   */
  previousCaCert?: string;
  /** When the current phase began (rollover phase 1 or 2, or a serving certificate waiting to move CA). */
  phaseSince?: Date;
};

/** A complete state: what a run writes. */
export type CertState = StoredCerts & { ca: KeyPairPem; leaf: KeyPairPem };

export type LifecycleOptions = {
  /** Subject alternative names the serving certificate must carry, exactly. */
  dnsNames: string[];
  ipAddresses: string[];
  commonName: string;
  caDays: number;
  leafDays: number;
  renewBeforeDays: number;
  /** A CA with this little validity left starts a rollover. */
  caRenewBeforeDays: number;
  /** Time each rollover phase lasts at least, for caBundle and Secret volumes to propagate. */
  minOverlapHours: number;
};

export type LeafReason = 'missing' | 'early' | 'expiring' | 'names' | 'issuer';

/**
 * `keep`: certificates (PEM) that stay in caBundle as previousCaCert because a serving certificate
 * they issued may still be served. Only drop-previous-ca ever takes trust away.
 */
export type Action =
  /** A new CA and serving certificate: no Secret yet, or nothing in it can sign or is being served. */
  | { kind: 'create'; why?: string; keep: string[] }
  /** The stored CA cannot sign (why) but its serving certificate is valid: a new CA takes over, the leaf stays for now. */
  | { kind: 'adopt-ca'; why: string; keep: string[]; promoteNext: boolean }
  /** Stop: the stored CA is of a kind this tool cannot sign with, and nothing it issued is being served. */
  | { kind: 'refuse'; why: string }
  | { kind: 'start-rollover' }
  | { kind: 'restart-rollover'; why: string }
  | { kind: 'switch-ca'; keep: string[] }
  /** The serving certificate moves to the current CA once every caBundle has trusted it for the overlap. */
  | { kind: 'switch-leaf' }
  /** The serving certificate comes from a CA the Secret does not keep: keep trusting that CA for the overlap. */
  | { kind: 'keep-served'; keep: string[] }
  | { kind: 'drop-previous-ca' }
  | { kind: 'issue-leaf'; reason: LeafReason };

/** What the planner sees: the Secret, and every caBundle currently on the named webhooks (PEM). */
export type RotationState = {
  stored: StoredCerts | undefined;
  publishedBundles: string[];
};
