// What changed in the meaning of ids, for users who suppress them (`--skip`, kfstore.dev/skip):
// rendered as the "Changes" section of docs/checks.md. Newest first.
export interface CheckChange {
  ids: readonly string[];
  version: string;
  text: string;
}

export const CHANGES: readonly CheckChange[] = [
  {
    ids: ['KFS020', 'KFS032', 'KFS035', 'KFS036', 'KFS064'],
    version: 'after 0.1.0',
    text:
      'New: KFS020 (key layout vs the KFP 2.17 UI ownership check) and KFS064 (SeaweedFS version vs the 2.17 bucket-policy model), both only for KFP >= 2.17 and at INFO while the release is assumed. ' +
      "KFS019's suggested root follows ml-pipeline-ui's ARTIFACT_NAMESPACE_KEY_PREFIX on 2.17, so KFS019 and KFS020 propose the same root. " +
      'KFS032 also reviews the service accounts recurring runs name for their runs (live: ScheduledWorkflows are read with --probe). ' +
      'New with --probe: KFS036 (credential drift), reported besides KFS061 for rejected keys; KFS061 keeps its meaning. ' +
      'New with --iam-policy-dir: KFS035 (the username policy variable in a policy for a profile that acts as a role).',
  },
  {
    ids: ['KFS001', 'KFS022', 'KFS034', 'KFS037'],
    version: 'after 0.1.0',
    text:
      'Checks follow the KFP release (--kfp-version, the ml-pipeline image, StorePolicy kfpVersion): KFS001 is reported (INFO; WARN when the release had to be assumed or the policy names another), ' +
      'KFS022 only where the release fails (2.2-2.16). KFS034 is reported under a StorePolicy with webIdentity or gcpServiceAccount. ' +
      "KFS037 also covers GKE Workload Identity (the service account's iam.gke.io/gcp-service-account annotation), besides the web-identity token.",
  },
  {
    ids: ['KFS019', 'KFS024', 'KFS025'],
    version: 'after 0.1.0',
    text:
      'KFS019 covered three problems. It keeps "root not namespace-scoped" (WARN). The tenant rule (a root outside the profile\'s root under a policy with ' +
      'requireProfilePrefix, and deleting kfp-launcher; ERROR, denied by the webhook) is now KFS024; roots two tenants share (WARN, ERROR with the same access key) are KFS025. ' +
      "KFS019 is no longer reported for a root inside the policy's profile root, and its fix suggests that root, so it never proposes a root KFS024 rejects.",
  },
  {
    ids: ['KFS014', 'KFS021', 'KFS022', 'KFS023'],
    version: 'after 0.1.0',
    text:
      'KFS014 keeps "KFP fails or crashes computing the session" (ERROR). A broken provider only runs of another scheme reach is now KFS021 (WARN); ' +
      'minio:// with fromEnv on KFP <= 2.16 is KFS022 (WARN); a secretRef with empty names is KFS023 (WARN).',
  },
  {
    ids: ['KFS031', 'KFS038'],
    version: 'after 0.1.0',
    text: 'KFS031 keeps "Secret key missing or empty". A Secret data value that is not valid base64 is now KFS038.',
  },
  {
    ids: ['KFS033'],
    version: 'after 0.1.0',
    text: 'Empty credential values are ignored: two namespaces whose Secrets are both empty (migrate\'s templates) no longer "share an access key", and KFS025 no longer calls their keys the same.',
  },
  {
    ids: ['KFS010'],
    version: 'after 0.1.0',
    text: 'The webhook and doctor decide KFS010 with one rule: a kfp-launcher without defaultPipelineRoot and providers (including one with no data) is a WARN in both; doctor reported it OK before.',
  },
  {
    ids: ['KFS030', 'KFS031'],
    version: 'after 0.1.0',
    text: 'The level follows the severity context: WARN at admission, ERROR for doctor (live and offline), as before, now declared in the registry.',
  },
];
