// Kubernetes NetworkPolicy egress, evaluated for one destination the way the network plugin enforces it: a pod
// selected by any policy with Egress in its policyTypes may only reach what some egress rule of those policies
// allows (the union); a rule allows a destination when its `to` and its `ports` both match (either empty =
// all). What the cluster decides at run time (a DNS name's addresses, a Service's endpoints and target port,
// named ports) is reported as unknown rather than guessed.
import { matchesSelector } from '../label-selectors/label-selector.ts';
import type { LabelSelector } from '../policy/schema.ts';

export interface NetworkPolicyPeer {
  ipBlock?: { cidr: string; except?: string[] };
  namespaceSelector?: LabelSelector;
  podSelector?: LabelSelector;
}

export interface NetworkPolicyPort {
  protocol?: string;
  port?: number | string;
  endPort?: number;
}

export interface NetworkPolicySpec {
  podSelector?: LabelSelector;
  policyTypes?: string[];
  egress?: { to?: NetworkPolicyPeer[]; ports?: NetworkPolicyPort[] }[];
  ingress?: unknown[];
}

export interface NetworkPolicyObject {
  metadata: { name: string; namespace?: string };
  spec?: NetworkPolicySpec;
}

/** Where the traffic goes: an IP address, a cluster Service (with its namespace's labels when known), or another DNS name. */
export type Destination =
  | { kind: 'ip'; ip: string; port: number }
  | {
      kind: 'service';
      name: string;
      namespace: string;
      namespaceLabels?: Record<string, string>;
      port: number;
      /** The port its pods listen on, when the Service is known: what the policy sees after DNAT. */
      targetPort?: number;
    }
  /** maybeService: name.namespace of a namespace not known here (with -n, other namespaces are not read). */
  | { kind: 'dns'; host: string; port: number; maybeService?: true };

export type EgressVerdict =
  /** No policy restricts the pods' egress. */
  | { restricted: false }
  | { restricted: true; policies: string[]; allowed: true; by: string }
  | { restricted: true; policies: string[]; allowed: false }
  | { restricted: true; policies: string[]; allowed: 'unknown'; why: string };

/** Policies restricting egress of pods with these labels (in their own namespace). */
export function egressPolicies(policies: NetworkPolicyObject[], podLabels: Record<string, string>): NetworkPolicyObject[] {
  return policies.filter((p) => {
    const spec = p.spec ?? {};
    const egress = spec.policyTypes !== undefined ? spec.policyTypes.includes('Egress') : spec.egress !== undefined;
    return egress && matchesSelector(spec.podSelector ?? {}, podLabels);
  });
}

export function evaluateEgress(policies: NetworkPolicyObject[], podLabels: Record<string, string>, dest: Destination): EgressVerdict {
  const applying = egressPolicies(policies, podLabels);
  if (applying.length === 0) return { restricted: false };
  const names = applying.map((p) => p.metadata.name);
  const unknown: string[] = [];
  for (const p of applying) {
    for (const [i, rule] of (p.spec?.egress ?? []).entries()) {
      const to = peersAllow(rule.to ?? [], dest);
      const ports = portsAllow(rule.ports ?? [], dest);
      if (to === true && ports === true) return { restricted: true, policies: names, allowed: true, by: `${p.metadata.name} egress[${i}]` };
      if (to !== false && ports !== false)
        unknown.push(`${p.metadata.name} egress[${i}]: ${[to, ports].filter((x) => typeof x === 'string').join('; ')}`);
    }
  }
  if (unknown.length > 0) return { restricted: true, policies: names, allowed: 'unknown', why: unknown.join(' / ') };
  return { restricted: true, policies: names, allowed: false };
}

/** true, false, or why it cannot be told. */
type Match = true | false | string;

function peersAllow(peers: NetworkPolicyPeer[], dest: Destination): Match {
  if (peers.length === 0) return true;
  const results = peers.map((peer) => peerAllows(peer, dest));
  if (results.includes(true)) return true;
  return results.find((r): r is string => typeof r === 'string') ?? false;
}

function peerAllows(peer: NetworkPolicyPeer, dest: Destination): Match {
  if (peer.ipBlock !== undefined) {
    // Every IPv4 address, whatever a name resolves to.
    if (peer.ipBlock.cidr === '0.0.0.0/0' && (peer.ipBlock.except ?? []).length === 0) return true;
    // Cluster Services are reached at their pods' IPs (after DNAT): an ipBlock meant for the pod network may match them.
    if (dest.kind !== 'ip')
      return `ipBlock ${peer.ipBlock.cidr}: the addresses ${dest.kind === 'service' ? `Service ${dest.name}.${dest.namespace}'s pods have` : `${dest.host} resolves to`} are not known here`;
    if (!inCidr(dest.ip, peer.ipBlock.cidr)) return false;
    return !(peer.ipBlock.except ?? []).some((c) => inCidr(dest.ip, c));
  }
  // Namespace and pod selectors match pods only: an IP only if it is a pod's, a DNS name outside the cluster never.
  if (dest.kind === 'ip') return `a pod or namespace selector matches ${dest.ip} only if it is a pod's IP`;
  if (dest.kind === 'dns')
    return dest.maybeService === true ? `${dest.host} may be a Service in a namespace whose labels are not known` : false;
  if (peer.namespaceSelector !== undefined) {
    if (dest.namespaceLabels === undefined) return `the labels of namespace ${dest.namespace} are not known`;
    if (!matchesSelector(peer.namespaceSelector, dest.namespaceLabels)) return false;
  } else if (peer.podSelector !== undefined) {
    // A podSelector alone selects pods in the policy's own namespace: the store's namespace must be that one.
    return `podSelector without namespaceSelector: Service ${dest.name}.${dest.namespace}'s pods, and whether they are in this namespace, are not known`;
  }
  const pods = peer.podSelector;
  if (
    pods !== undefined &&
    ((pods.matchLabels !== undefined && Object.keys(pods.matchLabels).length > 0) || (pods.matchExpressions ?? []).length > 0)
  )
    return `podSelector: the labels of Service ${dest.name}.${dest.namespace}'s pods are not known`;
  return true;
}

function portsAllow(ports: NetworkPolicyPort[], dest: Destination): Match {
  if (ports.length === 0) return true;
  const results = ports.map((p): Match => {
    if ((p.protocol ?? 'TCP') !== 'TCP') return false;
    if (p.port === undefined) return true;
    if (typeof p.port === 'string') return `named port ${p.port}: the destination's port names are not known`;
    // For a Service the policy sees the target port, which may differ from the Service port.
    const seen = dest.kind === 'service' ? dest.targetPort : dest.port;
    if (seen === undefined)
      return `port ${p.port}${p.endPort !== undefined ? `-${p.endPort}` : ''}: the Service's target port for ${dest.port} is not known`;
    return p.endPort !== undefined ? seen >= p.port && seen <= p.endPort : seen === p.port;
  });
  if (results.includes(true)) return true;
  return results.find((r): r is string => typeof r === 'string') ?? false;
}

function ipv4(ip: string): number | undefined {
  const parts = ip.split('.');
  if (parts.length !== 4 || parts.some((x) => !/^\d{1,3}$/.test(x) || Number(x) > 255)) return undefined;
  return parts.reduce((acc, x) => acc * 256 + Number(x), 0);
}

/** IPv4 CIDR containment; an IPv6 block never contains an IPv4 address. */
function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const a = ipv4(ip);
  const b = ipv4(base ?? '');
  const n = Number(bits ?? '32');
  if (a === undefined || b === undefined || !Number.isInteger(n) || n < 0 || n > 32) return false;
  const size = 2 ** (32 - n);
  return Math.floor(a / size) === Math.floor(b / size);
}
