// F. Network (catalogue section F; rendered in docs/checks.md): can pipeline pods reach the store at all.
import type { CheckSpec } from '../spec.ts';

export const NETWORK = {
  storeUnreachable: {
    id: 'KFS060',
    title: 'Store not reachable from the namespace',
    area: 'network',
    levels: ['error', 'info', 'ok'],
    detects:
      "NetworkPolicies in the namespace select its pipeline pods (label pipelines.kubeflow.org/v2_component=true) and restrict egress, and no egress rule allows the store endpoint's host and port (ERROR); " +
      "INFO when that depends on what only the cluster knows: the addresses a DNS name resolves to, a Service's pods, labels and target port, named ports.",
    doc:
      "The endpoint is the one KFP's launcher uses (providers' endpoint, else the release's built-in one; AWS and GCS by their DNS names); an IP literal is compared with ipBlocks and port ranges, " +
      "a cluster Service (name.namespace, .svc) with namespaceSelectors on its namespace's labels and, when the manifests hold the Service, port rules on its target port (what the policy sees after DNAT). Runs hang on upload when the traffic is dropped. " +
      "Read from manifests (-f) and, with --probe, from the cluster. Not yet: the store side's ingress policy (KFP 2.16 seaweedfs-networkpolicy.yaml admits namespaces labelled " +
      'app.kubernetes.io/part-of=kubeflow-profile on 8333), and DNS egress (port 53) needed to resolve a name.',
    reporters: ['doctor'],
  },
} as const satisfies Record<string, CheckSpec>;
