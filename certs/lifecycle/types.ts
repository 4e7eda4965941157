// Shapes shared by the certificate lifecycle: what the Secret holds, what a run is asked to keep
// true, and the decisions the planner makes. No I/O here.
import type { KeyPairPem } from '../ca.ts';

/** The Secret's contents, decoded; any part may be missing or unusable and the planner copes. */
export type StoredCerts = {
  ca?: KeyPairPem;
  leaf?: KeyPairPem;
  /** CA rollover phase 1: the CA that will replace `ca`, already published in caBundle. */
  nextCa?: KeyPairPem;
  /** CA rollover phase 2: the replaced CA's certificate, still published until its leaves are gone. */
  previousCaCert?: string;
  /** When the current rollover phase (1 or 2) began. */
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

export type LeafReason = 'missing' | 'expiring' | 'names' | 'issuer';

export type Action =
  | { kind: 'create' }
  | { kind: 'replace-ca'; why: string }
  | { kind: 'start-rollover' }
  | { kind: 'restart-rollover' }
  | { kind: 'switch-ca' }
  | { kind: 'drop-previous-ca' }
  | { kind: 'issue-leaf'; reason: LeafReason };

/** What the planner sees: the Secret, and every caBundle currently on the named webhooks (PEM). */
export type RotationState = {
  stored: StoredCerts | undefined;
  publishedBundles: string[];
};
