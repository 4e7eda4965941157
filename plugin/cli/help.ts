// Help texts. Kept free of imports so `--help` starts as fast as Node itself.
export const VERSION = '0.1.0';

export const MAIN_HELP = `kubectl kfstore: per-namespace object storage for Kubeflow Pipelines

Usage:
  kubectl kfstore <command> [flags]

Commands:
  inspect     show each namespace's artifact settings and where every value comes from
  doctor      find what will break runs, hide artifacts, or let one team read another's artifacts
  migrate     move namespaces to an external S3 store (plan, backup, apply, rollback)
  checks      list every check id doctor, migrate and the webhook report (-o json|yaml)
  version     print the plugin version
  completion  how shell completion works (through kubectl)

Flags go after the command (kubectl refuses flags before a plugin name).

Examples:
  # Check a GitOps tree before merging (no cluster needed)
  kubectl kfstore doctor -f gitops/profiles/ --policy policy.yaml

  # Every profile namespace of the current cluster, with object-store probes
  kubectl kfstore doctor -A --probe

  # One namespace's effective settings as YAML
  kubectl kfstore inspect -n team-a -o yaml

Run 'kubectl kfstore <command> --help' for a command's flags.
Exit codes: 0 ok, 1 findings at or above --fail-on, 2 could not run.
`;

const OUTPUT_FLAGS = `      --no-headers             tables without the header line (and doctor without its summary)
      --color WHEN             auto (default: on a terminal unless NO_COLOR is set), always or never
  -v, --v LEVEL                log level; 1 and up also print the API requests made (stderr)
  -h, --help                   this help
`;

const COMMON_FLAGS = `Cluster and scope (as kubectl spells them):
      --kubeconfig FILE        use this kubeconfig only (default: $KUBECONFIG merged first-file-wins, or ~/.kube/config)
      --context NAME           kubeconfig context to use
  -n, --namespace NAME         one namespace (default: the context's namespace)
  -A, --all-namespaces         every KFP profile namespace (label pipelines.kubeflow.org/enabled=true)
  -l, --selector SELECTOR      with -A: the namespace label selector instead
  -f, --filename PATH          read manifests from files or directories instead of a cluster (repeatable;
                               - reads stdin); a kustomization's namespace: applies to the tree under it
  -k, --kustomize DIR          render DIR with kubectl kustomize and read the result (as kubectl apply -k)
      --exclude GLOB           with -f: skip files or directories matching GLOB (repeatable; a GLOB
                               without / matches names at any depth); Helm charts are skipped with a note
      --policy FILE            a kfstore StorePolicy: adds what the webhook would inject and checks profile roots
      --kfp-version X.Y        judge by this KFP release's rules (default: the ml-pipeline Deployment's
                               image tag in kubeflow; without one, the newest release kfstore knows)
  -o, --output FORMAT          table (default), wide (more columns), json or yaml
      --request-timeout SECS   per API request (default 30)
${OUTPUT_FLAGS}`;

export const INSPECT_HELP = `Show, per namespace, where KFP artifacts go and with which credentials: the pipeline root, the
store session exactly as KFP's driver computes it, the credentials source (Secret and key names,
whether they exist; never values), Argo's artifact repository, what the webhook would inject under
--policy, and the source of every value.

Usage:
  kubectl kfstore inspect [flags]

Examples:
  # The current context's namespace
  kubectl kfstore inspect

  # Every profile namespace, with the region and where each value comes from
  kubectl kfstore inspect -A -o wide

  # Manifests in a repository, and what the webhook would inject under a policy
  kubectl kfstore inspect -f gitops/ --policy policy.yaml -o yaml

${COMMON_FLAGS}`;

export const DOCTOR_HELP = `Diagnose every selected namespace with stable check ids (KFS###): what breaks runs, hides
artifacts from the UI, or lets one team read another's artifacts, each with a fix.

Usage:
  kubectl kfstore doctor [flags]

Examples:
  # A GitOps tree in CI: exit 1 on errors, nothing needs a cluster
  kubectl kfstore doctor -f gitops/profiles/

  # Every profile namespace, failing on warnings too, with file:line and fix columns
  kubectl kfstore doctor -A --fail-on warn -o wide

  # Prove each namespace's credentials against the object store
  kubectl kfstore doctor -n team-a --probe --probe-write

  # The installation itself: placeholders, split endpoints, missing regions, the UI's reach of
  # each profile's artifacts; --probe reads one artifact per profile the way the UI does
  kubectl kfstore doctor --installation --probe

  # Only some checks (ids from kubectl kfstore checks), machine-readable
  kubectl kfstore doctor -A --only ID,ID -o json

${COMMON_FLAGS}
Doctor:
  -o, --output FORMAT          also sarif (GitHub code scanning), junit (a test case per check per
                               namespace) or github (workflow annotations); with -f, findings carry file:line
      --fail-on LEVEL          exit 1 when a finding is at or above error (default), warn or info
      --exit-zero              report only: exit 0 even with findings
      --skip IDS               skip these checks (comma-separated, repeatable); also the annotation
                               kfstore.dev/skip: "<id>,..." on a Namespace or ConfigMap
      --only IDS               run only these checks (kubectl kfstore checks lists the ids)
      --installation           check the KFP installation's storage settings (API server, UI, Argo's
                               workflow-controller-configmap, kfp-launcher) in namespace kubeflow, or -n,
                               and the UI's path to each profile's artifacts (artifact proxy, Istio, RBAC)
      --probe                  also check the object store with each namespace's own credentials
                               (bucket reachable, cross-tenant access denied, stale multipart uploads),
                               and ask the API server whether the run's service account may read them,
                               and whether NetworkPolicies let pipeline pods reach the store
      --probe-write            also write, read and delete a probe object under each namespace's root
      --s3-ca-bundle FILE      trust this CA for S3 endpoints (probes)
      --service-account NAME   the pipeline runner service account for token and access checks (default default-editor)
      --iam-policy-dir DIR     IAM policies (<namespace>.json, or shared *.json; migrate --iam-policy-dir writes
                               them) to check against the profiles' identities: \${aws:username} with a role
`;

export const CHECKS_HELP = `List every check kfstore reports: id, level, area and what it detects (docs/checks.md
has the same catalogue with its documentation).

Usage:
  kubectl kfstore checks [-o table|json|yaml]

Examples:
  # Every check id, its levels and title
  kubectl kfstore checks

  # The catalogue as one document, for tooling
  kubectl kfstore checks -o json
`;

export const MIGRATE_HELP = `kubectl kfstore migrate: move profile namespaces to an external S3 store

Usage:
  kubectl kfstore migrate --to s3 --bucket B [--endpoint URL|aws|gcs|r2|oss|ibm] [--region R] [flags]
  kubectl kfstore migrate --rollback -n NS | -A
  kubectl kfstore migrate --to s3 --installation --bucket B [flags]
  kubectl kfstore migrate --rollback --installation

Plans kfp-launcher, artifact-repositories and the credentials Secret per namespace, prints the
plan and its diff, backs up what it changes into the Secret kfstore-migrate-backup (gzipped, split
so each Secret stays under 1 MiB), then applies with optimistic concurrency (a namespace edited
since the plan, or a write the API server refuses, is left as it was).

Stage, then switch: a namespace switches (kfp-launcher, then KFP uses the target) only when its
target credentials are known (--clone-secret-from, or its Secret already filled) and the target
bucket answers to them. Otherwise only its Secret is written, as a template, and migrate says
before any prompt which keys to fill; run the command again (or with --switch) afterwards.

Examples:
  # See the plan and its diff for one namespace; nothing changes
  kubectl kfstore migrate --to s3 --bucket kfp-art --region us-east-1 -n team-a --dry-run

  # Every profile namespace, credentials copied from an existing Secret per profile
  kubectl kfstore migrate --to s3 --bucket kfp-art --region us-east-1 -A \\
    --clone-secret-from kubeflow/s3-keys-{profile} --copy-artifacts

  # A GitOps tree, edited in place without asking (CI)
  kubectl kfstore migrate --to s3 --bucket kfp-art --region us-east-1 -f gitops/ --yes

  # Undo
  kubectl kfstore migrate --rollback -n team-a

  # The installation itself (API server, UI, Argo's default repository in kubeflow), and what
  # stored URIs still point at the old store
  kubectl kfstore migrate --to s3 --installation --bucket kfp-art --region us-east-1 \
    --clone-secret-from kubeflow/s3-keys --dry-run

Target:
      --to s3                  required
      --bucket B               the bucket
      --endpoint E             a URL or aws (default), gcs, r2, oss, ibm
      --region R               required for aws, oss, ibm
      --account A              Cloudflare account id (r2)
      --path-style true|false  override the provider's addressing style
      --root-template T        default s3://{bucket}/v2/artifacts/{profile}
      --secret-name T          default kfstore-object-store--{profile}
      --clone-secret-from NS/NAME  copy the credentials from this Secret (NAME may use {profile})
      --policy FILE            take bucket, endpoint, region and root from a StorePolicy

Flags:
  -n, --namespace NS           one namespace; -A every profile namespace; -l SELECTOR
  -f, --filename PATH          offline: edit the manifests in place (no backup: they are in git);
                               new objects go to kfstore-migrate-<namespace>.yaml, Secrets as templates
      --out-dir DIR            with -f: write the whole tree there instead of editing in place
      --dry-run                print the plan and diff, change nothing
      --yes                    do not ask for confirmation (live, and -f editing files in place);
                               without it and without a terminal to ask on, migrate refuses
      --force                  migrate even with runs in progress
      --switch                 only switch namespaces whose credentials are known and pass the
                               target check; stage nothing (exit 1 while some namespace is not ready)
      --rollback               restore what kfstore-migrate-backup saved, then delete it
      --installation           the KFP installation's own storage settings (namespace kubeflow, or
                               -n): ml-pipeline's and ml-pipeline-ui's env, workflow-controller-
                               configmap, the bucket key the API server reads; with --rollback, undo it
      --copy-artifacts         before switching a namespace, copy its objects (same keys) from the
                               current store to the target bucket (verified, resumable; cluster
                               only), then check the target holds every one. The copy is skipped
                               only for the very same bucket: same endpoint and credentials, or a
                               marker written with the target keys read back with the source's
                               (a bucket name alone proves nothing: accounts have their own)
      --skip-target-check      do not HeadBucket the target first (this machine cannot reach it)
      --iam-policy-dir DIR     write <namespace>.json and backend.json IAM policies
  -o, --output FORMAT          table (default), wide, json or yaml for the plan
${OUTPUT_FLAGS}
Ctrl-C stops the copy (open multipart uploads are aborted) and stops before the next namespace
(exit 130); namespaces not reached stay as they were, and a re-run resumes. Multipart uploads are
recorded in the target (<prefix>.kfstore/uploads/), so a re-run after a crash aborts the ones a
killed run left open, and only those.
`;

export const VERSION_HELP = `Print the plugin version.

Usage:
  kubectl kfstore version [flags]

Examples:
  # The version, as one line
  kubectl kfstore version

  # As JSON, with the Node.js runtime and platform
  kubectl kfstore version -o json

Flags:
  -o, --output FORMAT          json or yaml (default: one line of text)
  -h, --help                   this help
`;

export const COMPLETION_HELP = `Shell completion for kubectl kfstore comes through kubectl (1.26 or later): kubectl asks the
executable kubectl_complete-kfstore, installed next to kubectl-kfstore, for candidates (commands,
flags, -o formats, namespaces and contexts). Enable kubectl's own completion and it works.

Usage:
  kubectl kfstore completion

Examples:
  # bash: kubectl's completion covers plugins
  source <(kubectl completion bash)

  # zsh
  source <(kubectl completion zsh)

  # Check: should list the commands
  kubectl __complete kfstore ''

Flags:
  -h, --help                   this help
`;
