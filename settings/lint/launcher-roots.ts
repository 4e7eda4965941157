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
    (overrides ?? []).forEach((o, index) => sites.push(siteFor(scheme, overrides ?? [], index, o)));
  }
  return sites;
}

function siteFor(scheme: OverrideSite['scheme'], overrides: OverrideLike[], index: number, o: OverrideLike): OverrideSite {
  const base = { scheme, index, bucketName: o.bucketName, keyPrefix: o.keyPrefix };
  if (!/^[^/?]+$/.test(o.bucketName) || o.keyPrefix.includes('?')) return { ...base, unreachable: { kind: 'bucket' } };
  const k = o.keyPrefix;
  // A root's key prefix is '' or ends with '/'; try the closest such prefixes under keyPrefix.
  const candidates = [k === '' || k.endsWith('/') ? k : `${k}/`, `${k}kfstore-probe/`, `${k}~/`];
  let firstMatch = -1;
  for (const prefix of candidates) {
    const winner = overrides.findIndex((x) => x.bucketName === o.bucketName && prefix.startsWith(x.keyPrefix));
    if (firstMatch < 0) firstMatch = winner;
    if (winner !== index) continue;
    const root = rootFor(scheme, o.bucketName, prefix);
    const parsed = parsePipelineRoot(root);
    if (parsed.ok && parsed.value.prefix === prefix) return { ...base, root };
  }
  return { ...base, unreachable: { kind: 'shadowed', by: firstMatch } };
}
