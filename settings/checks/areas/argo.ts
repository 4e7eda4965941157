// D. Argo artifact repository (catalogue section D; rendered in docs/checks.md): archived logs and v1 artifacts.
import type { CheckSpec } from '../spec.ts';

export const ARGO = {
  argoRepository: {
    id: 'KFS040',
    title: 'artifact-repositories missing or annotation wrong',
    area: 'argo',
    levels: ['error', 'warn', 'ok'],
    detects:
      'The namespace has no artifact-repositories ConfigMap (WARN: Argo falls back to the cluster default, shared bucket and credentials), or its default-artifact-repository annotation or value does not resolve (ERROR).',
    doc: 'Argo artifact-repository-ref; kubeflow/pipelines#8269.',
    reporters: ['doctor'],
  },
  argoDisagrees: {
    id: 'KFS041',
    title: 'Argo and launcher disagree',
    area: 'argo',
    levels: ['warn'],
    detects:
      "The Argo repository's bucket, endpoint, TLS or Secret differs from the launcher's session, or its keyFormat is not under a namespace prefix.",
    doc: 'The UI then reads logs and artifacts with different credentials (sync.py artifact-repositories; kubeflow/pipelines#9975).',
    reporters: ['doctor'],
  },
} as const satisfies Record<string, CheckSpec>;
