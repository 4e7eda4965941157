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
    detects:
      'The Secret a session or the Argo repository reads has no value (missing or empty) for accessKeyKey, secretKeyKey or tokenKey.',
    doc: 'The launcher fails with "bucket credential secret has no value for: secret key" (object_store.go getS3BucketCredential). The webhook cannot see keys (metadata only): doctor reports this.',
    reporters: ['doctor'],
  },
  runAccountAccess: {
    id: 'KFS032',
    title: 'Run service account cannot read config or Secret',
    area: 'credentials',
    levels: ['error', 'info', 'ok'],
    detects:
      'The service account pipeline runs use (--service-account, default default-editor), or one a recurring run names for its runs (ScheduledWorkflow spec.serviceAccount, ' +
      "or spec.workflow.spec.serviceAccountName; a Workflow's spec.serviceAccountName among -f manifests), may not get ConfigMap kfp-launcher or the credentials Secret kfp-launcher names (ERROR); " +
      'INFO when the manifests bind it to a role they do not hold, so the answer is unknown.',
    doc:
      "KFP's driver and launcher read both through the Kubernetes API in the run's namespace with the run's token (config.go FetchLauncherConfigMap, object_store.go getS3BucketCredential; kubeflow/pipelines#14180); " +
      'multi-user manifests run pipelines as default-editor (params.env DEFAULTPIPELINERUNNERSERVICEACCOUNT). Live (with --probe): one SubjectAccessReview per object for system:serviceaccount:<ns>:<sa>; ' +
      'when doctor may not create SubjectAccessReviews, KFS091 says so. Offline (-f): the Roles, ClusterRoles (with aggregation by matchLabels) and bindings in the files, evaluated as the RBAC authorizer does; ' +
      "not decided when the files hold no RoleBinding in the namespace (the profile controller creates default-editor's).",
    reporters: ['doctor'],
  },
  sharedCredentials: {
    id: 'KFS033',
    title: 'Default, shared or admin credentials',
    area: 'credentials',
    levels: ['error', 'warn'],
    detects:
      "A namespace's credentials Secret holds well-known default credentials or those of kubeflow/mlpipeline-minio-artifact (ERROR), or the same non-empty access key as another namespace (WARN).",
    doc:
      'Compared by fingerprint, never by value. Empty values are no credentials (migrate\'s empty template Secrets), so they are never "shared". ' +
      'Sources: the SeaweedFS base mlpipeline-minio-artifact Secret, sync.py <= 2.14, kubeflow/pipelines#12373.',
    reporters: ['doctor'],
  },
  staticKeysShadowIdentity: {
    id: 'KFS034',
    title: 'Static keys shadowing web identity or Workload Identity',
    area: 'credentials',
    levels: ['warn', 'ok'],
    detects:
      'Under a StorePolicy that gives a profile an identity: with webIdentity, a kfp-launcher session that reads static keys from a Secret (fromEnv false), or pipeline pods the webhook left ' +
      'without the role because their own AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (env or an envFrom Secret) would shadow it (annotation kfstore.dev/skipped); with gcpServiceAccount, a gs session that reads a JSON key from a Secret.',
    doc:
      "The AWS SDKs take static keys before a web-identity token, so the role is silently unused (deployKF/deployKF#75, #79; kubeflow/pipelines#11729); KFP's launcher signs with a secretRef's keys " +
      "(object_store.go getS3BucketCredential) and opens gs:// with a secretRef's JSON key instead of Application Default Credentials (getGCSTokenClient). Pipeline pods are read only when the policy has web identity. " +
      "The upstream catalogue's ml-pipeline environment keys (OBJECTSTORECONFIG_ACCESSKEY) are not checked yet.",
    reporters: ['doctor'],
  },
  workloadIdentity: {
    id: 'KFS037',
    title: "Profile service account cannot act as the policy's cloud identity",
    area: 'credentials',
    levels: ['error', 'ok'],
    detects:
      "AWS (policy webIdentity): a token requested for the profile's service account with the policy's audience does not verify against the cluster's OIDC discovery and JWKS " +
      "(signature, issuer, audience, expiry, subject). GKE (policy gcpServiceAccount): the service account is missing or its iam.gke.io/gcp-service-account annotation is not the policy's Google service account.",
    doc:
      "AWS: what STS checks before AssumeRoleWithWebIdentity. GKE: KFP's gs:// path with fromEnv (or no gs provider) uses Application Default Credentials, which Workload Identity derives from the pod's " +
      'Kubernetes service account and its annotation; the GCP-side roles/iam.workloadIdentityUser binding is not visible from the cluster. kfstore-specific (not in the upstream catalogue).',
    reporters: ['doctor'],
  },
  usernameWithRole: {
    id: 'KFS035',
    title: `Role-based identity with \${aws:username} policies`,
    area: 'credentials',
    levels: ['warn', 'info'],
    detects:
      `A profile's runs act as an IAM role (StorePolicy webIdentity, or eks.amazonaws.com/role-arn on the run's service account) while a policy document given to doctor --iam-policy-dir ` +
      `(<namespace>.json, or a shared *.json) uses \${aws:username}: ` +
      'WARN for each profile with a role the document applies to; INFO for a document that applies to no such profile (right for IAM users, wrong if attached to a role).',
    doc:
      `\${aws:username} is defined only for IAM users: for an assumed role (IRSA, EKS Pod Identity, any web identity) the key is absent, so a statement that needs it never matches ` +
      '(Allow grants nothing; AWS IAM User Guide, "IAM policy elements: Variables and tags", "Request information that you can use for policy variables"). Scope prefixes with the literal namespace, ' +
      `or \${aws:PrincipalTag/kubernetes-namespace} with EKS Pod Identity session tags. What kfstore cannot see: the policies attached in IAM (it does not call AWS: no iam:GetRolePolicy), ` +
      'which roles a shared document is attached to, and EKS Pod Identity associations (they live in AWS, not in the cluster); ' +
      `a key pair that belongs to an IAM user is not a role, so KFP's stock SeaweedFS policy (sync.py, 2.17: private-artifacts/\${aws:username}/*, the SeaweedFS identity name) is not reported. Advisory.`,
    reporters: ['doctor'],
  },
  credentialDrift: {
    id: 'KFS036',
    title: 'Credential drift after rotation',
    area: 'credentials',
    levels: ['error', 'warn', 'ok'],
    detects:
      "With --probe: the store rejects the namespace's access key or signature (InvalidAccessKeyId, SignatureDoesNotMatch) (ERROR); pods that carry the keys in their environment " +
      '(ml-pipeline-ui-artifact in the namespace) started before the credentials Secret last changed (WARN).',
    doc:
      'A rotated key reaches a namespace only through its own Secret: a stale copy fails every upload (canonical/bundle-kubeflow#538, awslabs/kubeflow-manifests#704), and a pod reads env keys once, at start, ' +
      "so it keeps the old key until restarted. The Secret's last change is the newest managedFields time (creationTimestamp when it has none); a pod's start is status.startTime. " +
      'Reported besides KFS061, whose meaning is unchanged (the bucket is not reachable with these credentials). Live only: pods are read with one LIST (label app=ml-pipeline-ui-artifact). ' +
      'Some stores (Swift) answer an unknown access key with SignatureDoesNotMatch, AWS with InvalidAccessKeyId.',
    reporters: ['probe'],
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
