// B. The kfp-launcher ConfigMap (catalogue section B; rendered in docs/checks.md), plus the tenant rule kfstore's policy adds.
// The webhook and doctor report these from the same lint (settings/lint/).
import type { CheckSpec } from '../spec.ts';

export const LAUNCHER = {
  launcherMissing: {
    id: 'KFS010',
    title: 'kfp-launcher missing or empty (implicit defaults)',
    area: 'launcher',
    levels: ['warn', 'ok'],
    detects:
      'A namespace has no kfp-launcher ConfigMap, or one with no data: runs use KFP defaults (minio://mlpipeline/v2/artifacts, shared and not namespace-scoped).',
    doc:
      'KFP reads kfp-launcher and falls back to its defaults when it is absent or empty (env.go FromConfigMap; objectstore.DefaultEndpointInMultiUserMode). ' +
      'The webhook warns when an empty kfp-launcher is admitted; doctor reports the same rule for every namespace.',
    reporters: ['webhook', 'doctor'],
  },
  rootInvalid: {
    id: 'KFS011',
    title: 'defaultPipelineRoot invalid',
    area: 'launcher',
    levels: ['error', 'warn'],
    detects:
      "The pipeline root does not parse as KFP parses it, has an unsupported scheme, a control character or kfstore's length bound (ERROR), or holds an unrendered placeholder such as $(...) or {profile_name} (WARN).",
    doc:
      'KFP parses roots with ^[a-z][a-z0-9]+:///?([^/?]+)(/[^?]*)?(\\?.+)?$ (objectstore/config.go ParseBucketPathToConfig) and supports s3, minio, gs; ' +
      'runs fail with "parse bucket config failed: unrecognized pipeline root format". The kustomize base ships $(kfp-default-pipeline-root).',
    reporters: ['webhook', 'doctor'],
  },
  providersInvalid: {
    id: 'KFS012',
    title: 'providers block unparsable or wrong shape',
    area: 'launcher',
    levels: ['error', 'warn', 'info'],
    detects:
      "data.providers does not parse or match KFP's schema, or is past kfstore's bounds (ERROR); it holds keys KFP ignores (typos, wrong case) or kfp-launcher has data keys KFP does not read (WARN, INFO).",
    doc:
      'KFP unmarshals providers with Go YAML v2 (env.go getBucketProviders): a parse error fails every run ("failed to unmarshall kfp bucket providers"), ' +
      'while an unknown key is silently ignored, so a typo in secretRef or fromEnv changes behaviour without an error.',
    reporters: ['webhook', 'doctor'],
    kfp: '< 2.2 providers is ignored altogether (WARN); forcePathStyle is read since 2.4 and maxRetries since 2.15 (earlier: unknown keys, WARN)',
  },
  providerMissing: {
    id: 'KFS013',
    title: "Provider missing for the root's scheme",
    area: 'launcher',
    levels: ['warn'],
    detects:
      "providers configures other schemes but not the one of a root: s3:// falls back to the pod's environment credentials, minio:// to the built-in mlpipeline-minio-artifact session.",
    doc: 's3.go (no default and no overrides means fromEnv) and minio.go (default session).',
    reporters: ['webhook', 'doctor'],
  },
  credentialsIncomplete: {
    id: 'KFS014',
    title: 'Credentials stanza incomplete (hard failures and crashes)',
    area: 'launcher',
    levels: ['error', 'ok'],
    detects:
      'KFP fails or its driver crashes computing the store session of the default root or an override: default.credentials missing, fromEnv false without secretRef, an override without credentials, an override maxRetries without default.maxRetries.',
    doc:
      's3.go ProvideSessionInfo returns "missing default credentials", "missing override credentials", "missing override secretref", and dereferences a nil ' +
      'Default.Credentials.SecretRef or Default.MaxRetries (panic: runtime error: invalid memory address or nil pointer dereference). OK means KFP computes a session for the default root.',
    reporters: ['webhook', 'doctor'],
    kfp: 'the maxRetries crash from 2.15 (earlier releases ignore maxRetries)',
  },
  overrideUnreachable: {
    id: 'KFS015',
    title: 'Overrides that never match or are shadowed',
    area: 'launcher',
    levels: ['warn'],
    detects:
      "An override no root can select: shadowed by an earlier override, a bucketName no root can name, a keyPrefix with a leading '/' or without a trailing '/'.",
    doc: "KFP uses the first override whose bucketName equals the bucket and whose keyPrefix starts the root's prefix (s3.go getOverrideByPrefix).",
    reporters: ['webhook', 'doctor'],
  },
  queryRoot: {
    id: 'KFS016',
    title: 'Query-string pipeline root',
    area: 'launcher',
    levels: ['warn', 'error'],
    detects:
      'A root with a query string (KFP then ignores providers and uses environment credentials), query parameters KFP >= 2.5 rejects, or a path gocloud opens at another prefix (WARN); ' +
      "any query-string root before KFP 2.1, which appends each run's path after the query (ERROR).",
    doc:
      'For roots with ?region=, endpoint=, ... KFP hands the URL to gocloud (object_store.go, blob.OpenBucket); KFP 2.5 moved to gocloud v0.40 (AWS SDK v2), ' +
      'which rejects v1 parameters such as s3ForcePathStyle unless awssdk=v1 (kubeflow/pipelines#9456).',
    reporters: ['webhook', 'doctor'],
    kfp: '< 2.1 ERROR (fixed by commit 9a306129f8); >= 2.5 for the accepted query parameters',
  },
  region: {
    id: 'KFS017',
    title: 'Region problems',
    area: 'launcher',
    levels: ['warn'],
    detects:
      'An AWS S3 session (no endpoint, or *.amazonaws.com) without a region: uploads fail with MissingRegion. Up to KFP 2.16, a fromEnv session whose providers set region or endpoint: ' +
      "the launcher ignores them and the pod's AWS_REGION/AWS_ENDPOINT_URL decide.",
    doc: "kubeflow/pipelines#11310 (MissingRegion), #8111. KFP 2.17 applies the session's settings with fromEnv (object_store.go createS3BucketSession, useExplicitS3Client).",
    reporters: ['webhook', 'doctor'],
    kfp: "<= 2.16 for fromEnv ignoring providers' region and endpoint",
  },
  tlsPathStyle: {
    id: 'KFS018',
    title: 'TLS and path-style consistency',
    area: 'launcher',
    levels: ['warn'],
    detects:
      'The endpoint scheme and disableSSL disagree, or forcePathStyle is false on a non-AWS endpoint (virtual-hosted URLs need wildcard DNS and certificates).',
    doc: 'object_store.go newS3Client picks the scheme from disableSSL and the addressing from forcePathStyle (awslabs/kubeflow-manifests#225).',
    reporters: ['webhook', 'doctor'],
  },
  rootNotNamespaced: {
    id: 'KFS019',
    title: 'Root not namespace-scoped',
    area: 'launcher',
    levels: ['warn'],
    detects:
      "In a profile namespace, the effective root's key prefix has no segment named after the namespace (and no policy gives the profile a root it stays inside).",
    doc:
      "Artifacts of every namespace on such a root share a prefix: a run can read or overwrite another tenant's artifacts when credentials allow (KFP <= 2.14 shared MinIO credentials; " +
      "kubeflow/pipelines#4649, #8406). The fix suggests the profile's root from --policy when one is given, so it never proposes a root the tenant rule (KFS024) rejects.",
    reporters: ['doctor'],
  },
  uiKeyLayout: {
    id: 'KFS020',
    title: 'Key layout the 2.17 UI cannot attribute to the namespace',
    area: 'launcher',
    levels: ['warn', 'info', 'ok'],
    detects:
      "KFP >= 2.17: in a profile namespace, the key of defaultPipelineRoot or of the Argo repository's keyFormat does not start with <prefix>/<namespace>/, " +
      "where <prefix> is ml-pipeline-ui's ARTIFACT_NAMESPACE_KEY_PREFIX (default private-artifacts). INFO instead of WARN when the release was assumed, not read.",
    doc:
      "The 2.17 UI serves an artifact only when the metadata store records it for the namespace or, failing that, when the object key's first segment is the prefix and the second the " +
      'namespace (frontend/server/helpers/mlmd-validator.ts namespaceFromArtifactUri, mode mlmd-then-prefix; kubeflow/pipelines#13433, #13683). Pod logs and Argo (v1) artifacts are not in the metadata store, ' +
      "so under any other layout the UI denies them. Not reported when ml-pipeline-ui sets ARTIFACT_NAMESPACE_OWNERSHIP_MODE=mlmd-only (the prefix is never consulted). The prefix is read from ml-pipeline-ui's env " +
      '(and pipeline-install-config) when doctor can read them (live: kubeflow; -f: the manifests), else the default is assumed and said. ' +
      "The fix suggests the policy's profile root when one is given (so KFS024 never rejects it), else <prefix>/<namespace>/v2/artifacts, which also satisfies KFS019.",
    reporters: ['doctor'],
    kfp: '>= 2.17 (the UI ownership check); not reported for earlier releases',
  },
  otherSchemeFails: {
    id: 'KFS021',
    title: 'Provider unusable for runs with another scheme',
    area: 'launcher',
    levels: ['warn'],
    detects:
      'A provider the default root does not use (e.g. gs while the root is s3://) makes KFP fail for any run that pins a root of its scheme.',
    doc: 'The same failures as KFS014, but only runs with their own pipeline_root of that scheme reach them, so they are warnings.',
    reporters: ['webhook', 'doctor'],
  },
  minioFromEnv: {
    id: 'KFS022',
    title: 'minio:// root with fromEnv credentials',
    area: 'launcher',
    levels: ['warn'],
    detects:
      'A minio:// session with an endpoint and fromEnv credentials: KFP <= 2.16 has no gocloud driver for the "minio" scheme, so uploads fail.',
    doc:
      "Use an s3:// root with the same endpoint, or credentials.secretRef. Decided by the release in use (--kfp-version, the ml-pipeline image, the StorePolicy's kfpVersion for the webhook): " +
      'not reported on 2.17, which opens minio:// with fromEnv through the S3 driver (object_store.go useExplicitS3Client), nor before 2.2, which reads no providers.',
    reporters: ['webhook', 'doctor'],
    kfp: '2.2-2.16 fails; 2.17 opens minio:// with the S3 driver',
  },
  secretRefEmpty: {
    id: 'KFS023',
    title: 'secretRef with empty names',
    area: 'launcher',
    levels: ['warn'],
    detects:
      "credentials.fromEnv is false but secretRef's secretName or a key name is empty or misspelt: the launcher cannot read credentials.",
    doc: 'object_store.go getS3BucketCredential reads the named Secret and keys; an empty name fails at run time.',
    reporters: ['webhook', 'doctor'],
  },
  outsideProfileRoot: {
    id: 'KFS024',
    title: "Root outside the profile's own root (tenant rule)",
    area: 'launcher',
    levels: ['error'],
    detects:
      "With a policy that sets requireProfilePrefix: a root a profile's runs write to (defaultPipelineRoot, an override, a run's own pipeline_root) is outside the profile's root, " +
      "opens another prefix through its query string or has . or .. segments; or kfp-launcher is deleted, which sends runs to KFP's shared default root.",
    doc:
      "Judged where KFP really writes: KFP's prefix for plain roots, gocloud's reading of the URL KFP builds for roots with a query string. " +
      'The webhook denies these; doctor reports them with --policy.',
    reporters: ['webhook', 'doctor'],
  },
  sharedRoot: {
    id: 'KFS025',
    title: 'Roots shared across tenants',
    area: 'launcher',
    levels: ['warn', 'error'],
    detects:
      "Two namespaces write to the same or nested bucket and prefix (ERROR when they also use the same access key: each can read the other's artifacts).",
    doc: "Reported on the namespace whose root is inside the other's (both when equal), whether or not the other namespace is in scope. Access keys are compared by fingerprint, never by value.",
    reporters: ['doctor'],
  },
} as const satisfies Record<string, CheckSpec>;
