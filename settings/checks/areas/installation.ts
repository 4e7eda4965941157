// A. Installation and ownership (catalogue section A; rendered in docs/checks.md).
import type { CheckSpec } from '../spec.ts';

export const INSTALLATION = {
  kfpVersion: {
    id: 'KFS001',
    title: 'KFP version and storage generation',
    area: 'installation',
    levels: ['info', 'error'],
    detects: 'The KFP version and which storage model applies: <= 2.14 shared MinIO credentials; 2.15-2.16 SeaweedFS per-namespace IAM users; 2.17 bucket-policy list isolation; external stores or deployKF.',
    doc:
      'Read from the image tags of the ml-pipeline and ml-pipeline-ui Deployments in the kubeflow namespace, the presence of a seaweedfs or minio Deployment, ' +
      'the selector of Service minio-service (app=seaweedfs means SeaweedFS under the MinIO name), and deployKF markers. INFO, ERROR when KFP is not found. ' +
      'Other checks use it where KFP versions differ (the storage layout changed in 2.15 and 2.17).',
    reporters: ['doctor'],
    planned: true,
  },
  profileNamespace: {
    id: 'KFS002',
    title: 'Multi-user mode and profile namespaces',
    area: 'installation',
    levels: ['info', 'warn', 'error', 'ok'],
    detects: 'A namespace doctor checks is not labelled pipelines.kubeflow.org/enabled=true (WARN when it is a Kubeflow profile), or does not exist (ERROR).',
    doc: "The KFP profile controller (sync.py) provisions kfp-launcher, artifact-repositories and credentials only in namespaces whose label is exactly \"true\".",
    reporters: ['doctor'],
  },
  provisioned: {
    id: 'KFS003',
    title: 'Missing per-namespace KFP resources',
    area: 'installation',
    levels: ['warn', 'error', 'ok'],
    detects: 'An enabled namespace lacks ConfigMap metadata-grpc-configmap (WARN) or a Secret that kfp-launcher or the Argo repository references (ERROR).',
    doc: 'The profile controller has not reconciled the namespace (kubeflow/pipelines#12480, kubeflow/kubeflow#5273): look at its logs and metacontroller.',
    reporters: ['doctor'],
  },
  ownership: {
    id: 'KFS004',
    title: 'Who owns the config (will edits stick?)',
    area: 'installation',
    levels: ['info', 'warn'],
    detects: 'kfp-launcher, artifact-repositories or the credentials Secret is managed by Argo CD, Flux, Helm or Kyverno (WARN) or by the profile controller (INFO).',
    doc:
      'Read from managedFields managers, argocd.argoproj.io/* and generate.kyverno.io/* annotations and app.kubernetes.io/managed-by. A GitOps owner reverts in-cluster edits; ' +
      'the profile controller re-creates a deleted credentials Secret with a NEW access key (sync.py), so deleting it to "reset" it changes the credentials.',
    reporters: ['doctor'],
  },
} as const satisfies Record<string, CheckSpec>;
