// credentialDrift (--probe): a rotated key reaches a namespace only through its own Secret. The store
// rejecting the namespace's key (InvalidAccessKeyId) or signature (SignatureDoesNotMatch) means that
// copy is stale; a pod that reads the keys from env at start (ml-pipeline-ui-artifact) and started
// before the Secret last changed still holds the old ones. canonical/bundle-kubeflow#538,
// awslabs/kubeflow-manifests#704.
import type { ObjectMeta, SnapshotIndex } from '../../cluster/snapshot.ts';
import type { NamespaceView } from '../../inspect/namespace-view.ts';
import { doctorFinding } from '../finding.ts';
import type { DoctorFinding } from '../finding.ts';

/** The S3 error codes of a key or signature the store does not accept. */
export const REJECTED_CREDENTIALS: Readonly<Record<string, string>> = {
  InvalidAccessKeyId: 'the store does not know its access key',
  SignatureDoesNotMatch: 'its secret key does not match the access key (Swift answers this for an unknown access key too)',
};

/** A pod that holds credentials in its environment, read at start. */
export interface EnvKeyPod {
  name: string;
  namespace: string;
  /** status.startTime (RFC 3339); undefined while pending. */
  startTime?: string;
  /** Secrets its env or envFrom names. */
  secrets: string[];
}

/** When a Secret last changed: its newest managedFields time, else its creation. */
export function secretChangedAt(meta: ObjectMeta): string | undefined {
  const times = (meta.managedFields ?? []).map((f) => f.time).filter((t): t is string => t !== undefined && !Number.isNaN(Date.parse(t)));
  const newest = times.sort((a, b) => Date.parse(b) - Date.parse(a))[0];
  return newest ?? meta.creationTimestamp;
}

/** The rejection code among a probe's evidence values (`403 InvalidAccessKeyId`), if any. */
export function rejectionIn(evidence: Record<string, string> | undefined): string | undefined {
  for (const v of Object.values(evidence ?? {})) for (const code of Object.keys(REJECTED_CREDENTIALS)) if (v.includes(code)) return code;
  return undefined;
}

export interface DriftInput {
  view: NamespaceView;
  /** The bucket probe succeeded with the namespace's credentials. */
  accepted: boolean;
  /** The probe's evidence. */
  evidence?: Record<string, string>;
  pods: EnvKeyPod[];
}

export function credentialDriftChecks(index: SnapshotIndex, input: DriftInput): DoctorFinding[] {
  const ns = input.view.namespace;
  const secretName = input.view.credentials.secret?.name;
  const out: DoctorFinding[] = [];
  const code = rejectionIn(input.evidence);
  if (code !== undefined && secretName !== undefined)
    out.push(
      doctorFinding(
        'credentialDrift',
        'error',
        ns,
        { kind: 'Secret', name: secretName },
        `the store rejects ${ns}'s credentials from Secret ${secretName} (${code}): ${REJECTED_CREDENTIALS[code]}, ` +
          'as when the copy was not updated after a rotation',
        `put the current key pair into Secret ${secretName} in ${ns}, then restart what reads it from env ` +
          `(kubectl rollout restart deployment -n ${ns} ml-pipeline-ui-artifact)`,
        { code },
      ),
    );
  for (const pod of input.pods.filter((p) => p.namespace === ns)) {
    for (const name of pod.secrets) {
      const secret = index.secret(ns, name);
      const changed = secret === undefined ? undefined : secretChangedAt(secret.metadata);
      if (changed === undefined || pod.startTime === undefined || Date.parse(pod.startTime) >= Date.parse(changed)) continue;
      out.push(
        doctorFinding(
          'credentialDrift',
          'warn',
          ns,
          { kind: 'Pod', name: pod.name },
          `pod ${pod.name} started ${pod.startTime}, before Secret ${name} last changed (${changed}): ` +
            'it still holds the previous keys in its environment',
          `restart it so it reads the current keys (kubectl rollout restart deployment -n ${ns} ml-pipeline-ui-artifact)`,
          { podStarted: pod.startTime, secretChanged: changed },
        ),
      );
    }
  }
  if (out.length === 0 && input.accepted && secretName !== undefined)
    out.push(
      doctorFinding(
        'credentialDrift',
        'ok',
        ns,
        { kind: 'Secret', name: secretName },
        `the store accepts ${ns}'s credentials from Secret ${secretName}; no pod holds keys older than the Secrets it reads`,
        '',
      ),
    );
  return out;
}
