// Which pipeline roots a kfp-launcher ConfigMap can be asked about: its default root, and for
// every override a root that reaches that override first (KFP picks the first matching one).
import { parsePipelineRoot, rootFor } from '../kfp/pipeline-root.ts';
import type { Scheme } from '../kfp/pipeline-root.ts';
import type { BucketProviders } from '../kfp/providers.ts';

export interface OverrideSite {
  scheme: Exclude<Scheme, 'mem'>;
  index: number;
  bucketName: string;
  keyPrefix: string;
  /** A root whose session KFP would compute with this override; absent when none exists. */
  root?: string;
  /** Why no root reaches this override. */
  unreachable?: { kind: 'bucket' } | { kind: 'shadowed'; by: number };
}

interface OverrideLike {
  bucketName: string;
  keyPrefix: string;
}

export function overrideSites(providers: BucketProviders | undefined): OverrideSite[] {
  const sites: OverrideSite[] = [];
  const groups: [OverrideSite['scheme'], OverrideLike[] | undefined][] = [
    ['s3', providers?.s3?.Overrides],
    ['minio', providers?.minio?.Overrides],
    ['gs', providers?.gs?.Overrides],
  ];
  for (const [scheme, overrides] of groups) {
    const first = firstMatchIndex(overrides ?? []);
    for (const [index, o] of (overrides ?? []).entries()) sites.push(siteFor(scheme, first, index, o));
  }
  return sites;
}

/**
 * KFP's "first override whose bucket is equal and whose keyPrefix starts the root's prefix", in
 * time linear in the prefix length (a trie of keyPrefixes per bucket): trying each override
 * against each root, or each length of a long prefix, would let one `kubectl apply` stall.
 */
function firstMatchIndex(overrides: OverrideLike[]): (bucket: string, prefix: string) => number {
  interface TrieNode {
    next: Map<string, TrieNode>;
    /** Index of the earliest override whose keyPrefix ends here. */
    first: number;
  }
  const buckets = new Map<string, TrieNode>();
  const childOf = (node: TrieNode, ch: string): TrieNode => {
    let child = node.next.get(ch);
    if (child === undefined) {
      child = { next: new Map(), first: -1 };
      node.next.set(ch, child);
    }
    return child;
  };
  overrides.forEach((o, i) => {
    let node: TrieNode = buckets.get(o.bucketName) ?? { next: new Map(), first: -1 };
    buckets.set(o.bucketName, node);
    for (const ch of o.keyPrefix) node = childOf(node, ch);
    if (node.first < 0) node.first = i;
  });
  return (bucket, prefix) => {
    let node = buckets.get(bucket);
    let best = -1;
    for (const ch of prefix) {
      if (node === undefined) break;
      if (node.first >= 0 && (best < 0 || node.first < best)) best = node.first;
      node = node.next.get(ch);
    }
    if (node !== undefined && node.first >= 0 && (best < 0 || node.first < best)) best = node.first;
    return best;
  };
}

function siteFor(
  scheme: OverrideSite['scheme'],
  firstMatch: (bucket: string, prefix: string) => number,
  index: number,
  o: OverrideLike,
): OverrideSite {
  const base = { scheme, index, bucketName: o.bucketName, keyPrefix: o.keyPrefix };
  if (!/^[^/?]+$/.test(o.bucketName) || o.keyPrefix.includes('?')) return { ...base, unreachable: { kind: 'bucket' } };
  const k = o.keyPrefix;
  // A root's key prefix is '' or ends with '/'; try the closest such prefixes under keyPrefix.
  const candidates = [k === '' || k.endsWith('/') ? k : `${k}/`, `${k}kfstore-probe/`, `${k}~/`];
  let shadowedBy = -1;
  for (const prefix of candidates) {
    const winner = firstMatch(o.bucketName, prefix);
    if (shadowedBy < 0) shadowedBy = winner;
    if (winner !== index) continue;
    const root = rootFor(scheme, o.bucketName, prefix);
    const parsed = parsePipelineRoot(root);
    if (parsed.ok && parsed.value.prefix === prefix) return { ...base, root };
  }
  return { ...base, unreachable: { kind: 'shadowed', by: shadowedBy } };
}
