// C. Credentials (catalogue section C; rendered in docs/checks.md): the Secrets sessions read, and whose keys they hold.
import type { CheckSpec } from '../spec.ts';

export const CREDENTIALS = {
  secretMissing: {
    id: 'KFS030',
    title: 'Referenced Secret missing',
    area: 'credentials',
    levels: ['error', 'warn'],
    // At admission the Secret may be created next; for a running profile every run fails.
    contextLevels: { admission: 'warn', live: 'error', offline: 'error' },
    detects: 'A Secret named by providers (default or an override) or by the Argo artifact repository does not exist in the namespace.',
    doc:
      'Drivers fail with \'failed to get Bucket credentials from secret name="..."\' (object_store.go getS3BucketCredential); Argo pods fail with MountVolume.SetUp failed. ' +
      'The webhook warns (the Secret may be created next, and it sees Secret metadata only with deploy/components/secret-warnings); doctor reports an error.',
    reporters: ['webhook', 'doctor'],
  },
  secretKeyMissing: {
    id: 'KFS031',
    title: 'Secret key missing or empty',
    area: 'credentials',
    levels: ['error', 'warn'],
    contextLevels: { admission: 'warn', live: 'error', offline: 'error' },
    detects: 'The Secret a session or the Argo repository reads has no value (missing or empty) for accessKeyKey, secretKeyKey or tokenKey.',
    doc: 'The launcher fails with "bucket credential secret has no value for: secret key" (object_store.go getS3BucketCredential). The webhook cannot see keys (metadata only): doctor reports this.',
    reporters: ['doctor'],
  },
  sharedCredentials: {
    id: 'KFS033',
    title: 'Default, shared or admin credentials',
    area: 'credentials',
    levels: ['error', 'warn'],
    detects: 'A namespace\'s credentials Secret holds well-known default credentials or those of kubeflow/mlpipeline-minio-artifact (ERROR), or the same non-empty access key as another namespace (WARN).',
    doc:
      'Compared by fingerprint, never by value. Empty values are no credentials (migrate\'s empty template Secrets), so they are never "shared". ' +
      'Sources: the SeaweedFS base mlpipeline-minio-artifact Secret, sync.py <= 2.14, kubeflow/pipelines#12373.',
    reporters: ['doctor'],
  },
  webIdentity: {
    id: 'KFS037',
    title: 'Web-identity token does not verify',
    area: 'credentials',
    levels: ['error', 'ok'],
    detects: 'With a webIdentity policy: a token requested for the profile\'s service account with the policy\'s audience does not verify against the cluster\'s OIDC discovery and JWKS (signature, issuer, audience, expiry, subject).',
    doc: 'What AWS STS checks before AssumeRoleWithWebIdentity; kfstore-specific (not in the upstream catalogue).',
    reporters: ['doctor'],
  },
  secretNotBase64: {
    id: 'KFS038',
    title: 'Secret data not valid base64',
    area: 'credentials',
    levels: ['error'],
    detects: 'A credentials Secret in the manifests has a data value that is not valid base64: the API server rejects the manifest.',
    doc: 'Reported for Secrets read from files (-f). Encode data values with base64, or use stringData. Split from KFS031 (see Changes).',
    reporters: ['doctor'],
  },
} as const satisfies Record<string, CheckSpec>;
