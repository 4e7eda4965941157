// `storeUnreachable`: may the namespace's pipeline pods open a connection to the store endpoint KFP's launcher
// uses, under the namespace's NetworkPolicies? Decided by settings/network/egress.ts; nothing is reported
// when no policy restricts the pods' egress, or when the policies were not read.
import type { SnapshotIndex } from '../../cluster/snapshot.ts';
import type { NamespaceView } from '../../inspect/namespace-view.ts';
import { evaluateEgress } from '../../network/egress.ts';
import type { Destination } from '../../network/egress.ts';
import { doctorFinding } from '../finding.ts';
import type { DoctorFinding } from '../finding.ts';

/** The label KFP v2 gives every pipeline pod (driver and launcher); other labels vary by run. */
export const PIPELINE_POD_LABELS: Readonly<Record<string, string>> = { 'pipelines.kubeflow.org/v2_component': 'true' };

export function networkChecks(index: SnapshotIndex, view: NamespaceView): DoctorFinding[] {
  const policies = index.snapshot.networkPolicies;
  const ns = view.namespace;
  // Some of the namespace's policies unread: what is read proves nothing (the others may restrict egress).
  if (policies === undefined || !view.session.ok || index.unknown('NetworkPolicy', ns) !== undefined) return [];
  const own = policies.filter((p) => (p.metadata.namespace ?? '') === ns);
  const dest = destinationOf(index, ns, view.session.value.provider, view.session.value.params);
  const verdict = evaluateEgress(own, { ...PIPELINE_POD_LABELS }, dest);
  if (!verdict.restricted) return [];
  const where = describe(dest);
  const list = verdict.policies.join(', ');
  const obj = { kind: 'NetworkPolicy', name: verdict.policies[0] ?? '' };
  if (verdict.allowed === true)
    return [
      doctorFinding('storeUnreachable', 'ok', ns, obj, `NetworkPolicy ${verdict.by} lets pipeline pods reach the store at ${where}`, ''),
    ];
  if (verdict.allowed === 'unknown')
    return [
      doctorFinding(
        'storeUnreachable',
        'info',
        ns,
        obj,
        `NetworkPolicies ${list} restrict pipeline pods' egress; whether they allow the store at ${where} cannot be decided here: ${verdict.why}`,
        `check from a pipeline pod (nc -z ${hostPort(dest)}), or allow the store's address and port explicitly`,
      ),
    ];
  return [
    doctorFinding(
      'storeUnreachable',
      'error',
      ns,
      obj,
      `NetworkPolicies ${list} select pipeline pods in ${ns} and allow no egress to the store at ${where}: runs hang on upload`,
      `add an egress rule allowing TCP ${hostPort(dest)} for pods labelled pipelines.kubeflow.org/v2_component=true`,
    ),
  ];
}

/** The endpoint the launcher connects to, as a destination the policies are judged against. */
export function destinationOf(index: SnapshotIndex, namespace: string, provider: string, params: Record<string, string>): Destination {
  if (provider === 'gs') return { kind: 'dns', host: 'storage.googleapis.com', port: 443 };
  const raw = params.endpoint ?? '';
  const tls = !['1', 't', 'T', 'TRUE', 'true', 'True'].includes(params.disableSSL ?? '');
  const scheme = raw.startsWith('http://') ? 'http' : raw.startsWith('https://') ? 'https' : tls ? 'https' : 'http';
  const rest = raw.replace(/^https?:\/\//, '').replace(/\/.*$/, '');
  const host = rest === '' ? `s3.${params.region ?? 'us-east-1'}.amazonaws.com` : (rest.split(':')[0] ?? '');
  const explicit = rest.includes(':') ? Number(rest.split(':')[1]) : undefined;
  const port = explicit !== undefined && Number.isInteger(explicit) ? explicit : scheme === 'https' ? 443 : 80;
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(host)) return { kind: 'ip', ip: host, port };
  const labels = host.split('.');
  const svc = host.endsWith('.svc') || host.endsWith('.svc.cluster.local');
  // name.namespace counts as a Service when that namespace is known; a bare name is a Service in the pod's namespace.
  const serviceNs =
    labels.length === 1
      ? namespace
      : svc || (labels.length === 2 && index.namespace(labels[1] ?? '') !== undefined)
        ? labels[1]
        : undefined;
  if (serviceNs === undefined) return labels.length === 2 ? { kind: 'dns', host, port, maybeService: true } : { kind: 'dns', host, port };
  const name = labels[0] ?? '';
  const nsLabels = index.namespace(serviceNs)?.metadata.labels;
  const target = targetPortOf(index, serviceNs, name, port);
  return {
    kind: 'service',
    name,
    namespace: serviceNs,
    port,
    ...(nsLabels !== undefined ? { namespaceLabels: nsLabels } : {}),
    ...(target !== undefined ? { targetPort: target } : {}),
  };
}

/** The Service's target port for `port` when the Service is known and gives a number (a name is the pods' to resolve). */
function targetPortOf(index: SnapshotIndex, namespace: string, name: string, port: number): number | undefined {
  const svc = index.snapshot.services.find((s) => s.metadata.name === name && s.metadata.namespace === namespace);
  const entry = svc?.ports?.find((p) => p.port === port);
  if (entry === undefined) return undefined;
  return entry.targetPort === undefined ? port : typeof entry.targetPort === 'number' ? entry.targetPort : undefined;
}

function hostPort(d: Destination): string {
  return `${d.kind === 'ip' ? d.ip : d.kind === 'service' ? `${d.name}.${d.namespace}` : d.host}:${d.port}`;
}

function describe(d: Destination): string {
  if (d.kind !== 'service') return hostPort(d);
  return `${hostPort(d)} (Service ${d.name} in ${d.namespace}${d.targetPort !== undefined && d.targetPort !== d.port ? `, target port ${d.targetPort}` : ''})`;
}
