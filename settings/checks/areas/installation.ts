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
} as const satisfies Record<string, CheckSpec>;
