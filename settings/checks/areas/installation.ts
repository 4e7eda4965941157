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
