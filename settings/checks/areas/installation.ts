// A. Installation and ownership (catalogue section A; rendered in docs/checks.md).
import type { CheckSpec } from '../spec.ts';

export const INSTALLATION = {
  kfpVersion: {
    id: 'KFS001',
    title: 'KFP version and storage generation',
    area: 'installation',
    levels: ['info', 'warn'],
    detects:
      "The KFP release whose rules the checks apply, how it was learnt (--kfp-version, the ml-pipeline Deployment's image tag or app.kubernetes.io/version label, or assumed), and the storage layout " +
      "KFP's stock manifests give it: <= 2.14 MinIO with one key pair for every profile; 2.15-2.16 SeaweedFS with a key pair per profile; 2.17 adds bucket-policy list isolation. " +
      "WARN when a live cluster names no release (the newest rules are assumed), or when the StorePolicy's kfpVersion (the webhook's rules) is not the cluster's release.",
    doc:
      'Rules that differ between releases (docs/kfp-versions.md, settings/kfp/versions.ts): providers read since 2.2, forcePathStyle since 2.4, maxRetries since 2.15 (and its override crash), ' +
      "fromEnv honouring providers' region and endpoint from 2.17, the built-in minio:// endpoint (seaweedfs from 2.16). KFP v1 is refused: it has no v2 launcher. " +
      'Read from the ml-pipeline Deployment in namespace kubeflow (one field-selected LIST), or one among -f manifests. The SeaweedFS/MinIO Deployments and deployKF markers are not read yet.',
    reporters: ['doctor'],
    kfp: "all: it decides which release's rules the other checks apply",
  },
  profileNamespace: {
    id: 'KFS002',
    title: 'Multi-user mode and profile namespaces',
    area: 'installation',
    levels: ['info', 'warn', 'error', 'ok'],
    detects:
      'A namespace doctor checks is not labelled pipelines.kubeflow.org/enabled=true (WARN when it is a Kubeflow profile), or does not exist (ERROR).',
    doc: 'The KFP profile controller (sync.py) provisions kfp-launcher, artifact-repositories and credentials only in namespaces whose label is exactly "true".',
    reporters: ['doctor'],
  },
  provisioned: {
    id: 'KFS003',
    title: 'Missing per-namespace KFP resources',
    area: 'installation',
    levels: ['warn', 'error', 'ok'],
    detects:
      'An enabled namespace lacks ConfigMap metadata-grpc-configmap (WARN) or a Secret that kfp-launcher or the Argo repository references (ERROR).',
    doc: 'The profile controller has not reconciled the namespace (kubeflow/pipelines#12480, kubeflow/kubeflow#5273): look at its logs and metacontroller.',
    reporters: ['doctor'],
  },
  ownership: {
    id: 'KFS004',
    title: 'Who owns the config (will edits stick?)',
    area: 'installation',
    levels: ['info', 'warn'],
    detects:
      'kfp-launcher, artifact-repositories or the credentials Secret is managed by Argo CD, Flux, Helm or Kyverno (WARN) or by the profile controller (INFO).',
    doc:
      'Read from managedFields managers, argocd.argoproj.io/* and generate.kyverno.io/* annotations and app.kubernetes.io/managed-by. A GitOps owner reverts in-cluster edits; ' +
      'the profile controller re-creates a deleted credentials Secret with a NEW access key (sync.py), so deleting it to "reset" it changes the credentials.',
    reporters: ['doctor'],
  },
  placeholder: {
    id: 'KFS005',
    title: "Unrendered kustomize placeholder in the installation's storage settings",
    area: 'installation',
    levels: ['error'],
    detects:
      'A storage setting of the KFP installation (ml-pipeline or ml-pipeline-ui env, pipeline-install-config, workflow-controller-configmap, kfp-launcher in kubeflow) ' +
      'still holds a kustomize var such as $(kfp-artifact-storage-endpoint) or $(kfp-namespace).',
    doc:
      'Kustomize replaces $(name) only for vars its configuration declares; a manifest applied without that build (or an overlay that drops the var) leaves the text in place, ' +
      'and KFP then dials a host literally named "$(kfp-artifact-storage-endpoint)". In a container env, $(NAME) of a variable defined earlier in the same container is ' +
      "Kubernetes' own expansion and is not reported. Read by doctor --installation.",
    reporters: ['doctor'],
  },
  storeMismatch: {
    id: 'KFS006',
    title: 'Installation components disagree on the object store',
    area: 'installation',
    levels: ['warn'],
    detects:
      "The API server (ml-pipeline env), Argo's workflow-controller-configmap artifactRepository and the kubeflow namespace's kfp-launcher name different endpoints or buckets.",
    doc:
      'KFP stores pipeline packages through the API server, logs and v1 artifacts through Argo and v2 artifacts through the launcher; the UI serves all of them. A hard-coded ' +
      'endpoint left in one of them after a move (kubeflow/manifests reports) leaves that part behind. Endpoints are compared without scheme, with .svc[.cluster.local] dropped ' +
      'and a bare Service name qualified by the installation namespace. Up to KFP 2.14 an API server without OBJECTSTORECONFIG_HOST uses the Service links of minio-service; from 2.15 the host is required.',
    reporters: ['doctor'],
    kfp: 'the API server fallback to minio-service Service links: <= 2.14',
  },
  installationRegion: {
    id: 'KFS007',
    title: 'AWS endpoint without a region in the installation',
    area: 'installation',
    levels: ['warn'],
    detects:
      "A component of the installation (API server, Argo's artifactRepository, the UI's s3 reader) names an amazonaws.com endpoint that encodes no region and sets no region.",
    doc:
      'Without a region, minio-go (API server, Argo) first asks the bucket for its location, which a policy without s3:GetBucketLocation refuses, and the UI signs for us-east-1 ' +
      '(frontend/server/configs.ts), which S3 rejects for buckets elsewhere. Set OBJECTSTORECONFIG_REGION, s3.region or AWS_REGION.',
    reporters: ['doctor'],
  },
  installationBlocked: {
    id: 'KFS008',
    title: 'Installation component that cannot start with its storage settings',
    area: 'installation',
    levels: ['error'],
    detects:
      'ml-pipeline or ml-pipeline-ui has an env var from a ConfigMap key that does not exist (not optional; offline only when the ConfigMap is among the manifests), ' +
      'or, from KFP 2.15 (a release read or given, not assumed), ml-pipeline has no OBJECTSTORECONFIG_HOST.',
    doc:
      'The kubelet refuses to start a container whose env names a missing ConfigMap or key (CreateContainerConfigError), e.g. pipeline-install-config without bucketName. ' +
      'From 2.15 the API server no longer falls back to the Service links of minio-service and exits with "ObjectStoreConfig.Host is required" (client_manager.go). Read by doctor --installation.',
    reporters: ['doctor'],
    kfp: 'OBJECTSTORECONFIG_HOST required from 2.15',
  },
  noArtifactProxy: {
    id: 'KFS050',
    title: 'Per-namespace store without artifact proxy',
    area: 'installation',
    levels: ['error', 'warn'],
    detects:
      "A profile namespace's kfp-launcher session is Secret-backed and at another endpoint than ml-pipeline-ui's own settings for that scheme, while the UI does not proxy " +
      '(ARTIFACTS_SERVICE_PROXY_ENABLED, from pipeline-install-config ARTIFACTS_PROXY_ENABLED, is not "true"). ERROR where the UI cannot use the namespace\'s Secret ' +
      '(KFP < 2.3: no providerInfo; 2.17: providerInfo dropped for user namespaces), WARN on 2.3-2.16, where the UI reads that Secret itself.',
    doc:
      'The UI reads an artifact with the store session the launcher recorded (providerInfo) only on KFP 2.3-2.16 (frontend/server/handlers/artifacts.ts, minio-helper.ts parseS3ProviderInfo); ' +
      "2.17 honours it only in its own namespace (PR #12860), so a user namespace's artifacts are read with the UI's MINIO_*/AWS_* settings, or through the namespace's ml-pipeline-ui-artifact proxy " +
      '(kubeflow/pipelines#12239, #12242). Stores compared as host:port (every amazonaws.com endpoint is AWS S3). With the proxy on, its problems are KFS051. Read by doctor --installation.',
    reporters: ['doctor'],
    kfp: 'ERROR before 2.3 and from 2.17, WARN 2.3-2.16',
  },
  artifactProxyBlocked: {
    id: 'KFS051',
    title: 'Artifact proxy unhealthy or blocked',
    area: 'installation',
    levels: ['error', 'info'],
    detects:
      'With ARTIFACTS_SERVICE_PROXY_ENABLED "true": a profile namespace lacks Deployment or Service ml-pipeline-ui-artifact, the Deployment has no available replica (live), its FRONTEND_SERVER_NAMESPACE ' +
      "is not the namespace (2.15+), its MINIO_* keys come from another Secret than the namespace's session (< 2.3), or an Istio AuthorizationPolicy there refuses ml-pipeline-ui's principal. " +
      "Also, whoever reads the namespace's store Secret for the UI on this release (ml-pipeline-ui on 2.3-2.16 without proxy, the proxy's service account with it) cannot get it (INFO when the manifests do not say).",
    doc:
      'With the proxy on, the UI sends every artifact request that names a namespace to http://ml-pipeline-ui-artifact.<namespace>:80 (artifacts.ts getArtifactsProxyHandler); the profile controller ' +
      '(sync.py) creates that Deployment and Service. Istio policies are evaluated for the source principal cluster.local/ns/kubeflow/sa/ml-pipeline-ui (DENY first, then ALLOW; ports, paths and when-conditions taken as matching): ' +
      'a refusal is the UI\'s "RBAC: access denied" (kubeflow/pipelines#10757, #6839). RBAC is asked of the API server (SubjectAccessReview) live and evaluated on the RBAC objects offline; ' +
      "KFP 2.3-2.16's ClusterRole ml-pipeline-ui grants get secrets everywhere, 2.17's does not need to. Read by doctor --installation.",
    reporters: ['doctor'],
    kfp: 'FRONTEND_SERVER_NAMESPACE from 2.15 (before: KFS052); the reader of the Secret: ml-pipeline-ui 2.3-2.16, the proxy 2.3+',
  },
  uiDefect: {
    id: 'KFS052',
    title: 'Known UI defects for this version/config',
    area: 'installation',
    levels: ['warn', 'error'],
    detects:
      'A multi-user UI (DEPLOYMENT=KUBEFLOW or ENABLE_AUTHZ=true) before 2.17 (ERROR: cross-tenant artifact reads); an artifact proxy without FRONTEND_SERVER_NAMESPACE before 2.15 (WARN); ' +
      's3:// sessions through the proxy on 2.16-2.17.0 (WARN: downloads fail).',
    doc:
      "Before 2.17 the UI's artifact endpoints do not check that the artifact belongs to the namespace asked for, and read any namespace's Secret with ClusterRole ml-pipeline-ui (kubeflow/pipelines#12373, #9889; " +
      'fixed by PR #12860 and #13433 in 2.17). Before 2.15 the profile controller starts ml-pipeline-ui-artifact without FRONTEND_SERVER_NAMESPACE, so it looks for Secrets in kubeflow (#12374, #12041). ' +
      'On 2.16-2.17.0 downloads of s3:// artifacts through the proxy fail with "Unable to get aws instance profile credentials: CredentialsProviderError" (#13717; fixed by PR #13734 after 2.17.0). Read by doctor --installation.',
    reporters: ['doctor'],
    kfp: 'cross-tenant reads < 2.17; proxy namespace < 2.15; proxy s3 downloads 2.16-2.17.0',
  },
  uiArtifactRead: {
    id: 'KFS054',
    title: "The UI's read of an artifact (probe)",
    area: 'installation',
    levels: ['error', 'info', 'ok'],
    detects:
      "With doctor --installation --probe: listing one key under a profile namespace's root (standalone: the installation namespace's) and reading its first bytes, with the endpoint and credentials the UI would use on this release, fails (ERROR), " +
      'cannot be tried (INFO: no artifact yet, credentials from the AWS default chain, a Secret doctor may not read), or works (OK).',
    doc:
      "The UI reads with the namespace's session (endpoint, region, disableSSL and the Secret of its providerInfo) on KFP 2.3-2.16 and through the artifact proxy, " +
      'else with its own MINIO_HOST.MINIO_NAMESPACE:MINIO_PORT, MINIO_SSL and MINIO_ACCESS_KEY/MINIO_SECRET_KEY (minio://) or AWS_S3_ENDPOINT, AWS_REGION, AWS_SSL and AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY (s3://) ' +
      '(frontend/server/configs.ts, handlers/artifacts.ts, minio-helper.ts). The read is path-style, as minio-js does for non-AWS hosts, and only reads: a key listed, then a ranged GetObject. kfstore-specific.',
    reporters: ['probe'],
    kfp: "the namespace's session 2.3-2.16 and through the proxy; the UI's own settings before 2.3 and on 2.17 without proxy",
  },
  uiStoreSettings: {
    id: 'KFS053',
    title: 'UI reachable store settings',
    area: 'installation',
    levels: ['warn'],
    detects:
      "ml-pipeline-ui reads minio:// artifacts from MINIO_HOST.MINIO_NAMESPACE:MINIO_PORT, which is not the API server's endpoint, or the installation's root is s3:// " +
      'and ml-pipeline-ui has neither AWS_S3_ENDPOINT nor AWS_REGION.',
    doc:
      "The UI's own settings (frontend/server/configs.ts; defaults MINIO_HOST minio-service up to 2.15, seaweedfs from 2.16, and s3.amazonaws.com/us-east-1) decide where previews and downloads are read " +
      'when no artifact proxy serves the namespace; a store moved for the API server but not the UI shows NoSuchBucket or connection errors in the UI. Read by doctor --installation.',
    reporters: ['doctor'],
    kfp: "the UI's MINIO_HOST default: seaweedfs from 2.16, minio-service before",
  },
} as const satisfies Record<string, CheckSpec>;
