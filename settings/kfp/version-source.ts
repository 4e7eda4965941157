// Which KFP release a cluster (or a directory of manifests) runs, and how kfstore learnt it: a
// flag or the StorePolicy first, then the `ml-pipeline` Deployment (its image tag, else its
// app.kubernetes.io/version label), else the newest release kfstore knows, said out loud.
import type { DeploymentObject } from '../cluster/snapshot.ts';
import { NEWEST_SUPPORTED, compareVersions, formatVersion, kfpRules, parseKfpVersion, unsupportedReason } from './versions.ts';
import type { KfpRules, KfpVersion } from './versions.ts';

export const KFP_API_DEPLOYMENT = 'ml-pipeline';
export const KFP_NAMESPACE = 'kubeflow';
export const VERSION_LABEL = 'app.kubernetes.io/version';

export type VersionSource = 'flag' | 'policy' | 'image' | 'label' | 'assumed';

export interface KfpVersionInfo {
  /** The release whose rules apply. */
  version: string;
  source: VersionSource;
  /** Where it came from, for reports: the flag, the image, or why it was assumed. */
  detail: string;
  /** Set when the rules applied are not exactly that release's (newer than kfstore knows). */
  note?: string;
}

export type VersionResult = { ok: true; info: KfpVersionInfo; rules: KfpRules } | { ok: false; error: string };

/** The version in a `--kfp-version` flag or StorePolicy `kfpVersion`. */
export function explicitVersion(text: string, source: 'flag' | 'policy'): VersionResult {
  const name = source === 'flag' ? '--kfp-version' : 'kfpVersion';
  const version = parseKfpVersion(text);
  if (version === undefined) return { ok: false, error: `${name}: '${text}' is not a KFP release (write X.Y or X.Y.Z, e.g. 2.15)` };
  const reason = unsupportedReason(version);
  if (reason !== undefined) return { ok: false, error: `${name}: ${reason}` };
  return known(version, source, source === 'flag' ? '--kfp-version' : 'StorePolicy kfpVersion');
}

/** The release an `ml-pipeline` Deployment runs: its API server image tag, else its version label. */
export function deploymentVersion(
  d: DeploymentObject,
): { version: KfpVersion; source: 'image' | 'label'; detail: string } | { why: string } {
  const where = `${d.metadata.namespace ?? KFP_NAMESPACE}/${d.metadata.name}`;
  const containers = d.spec?.template?.spec?.containers ?? [];
  const api = containers.find((c) => c.name === 'ml-pipeline-api-server') ?? containers[0];
  const tag = api?.image === undefined ? undefined : imageTag(api.image);
  const fromTag = tag === undefined ? undefined : parseKfpVersion(tag);
  if (fromTag !== undefined && api?.image !== undefined)
    return { version: fromTag, source: 'image', detail: `image ${api.image} of Deployment ${where}` };
  const label = d.metadata.labels?.[VERSION_LABEL];
  const fromLabel = label === undefined ? undefined : parseKfpVersion(label);
  if (fromLabel !== undefined)
    return { version: fromLabel, source: 'label', detail: `label ${VERSION_LABEL}=${label} of Deployment ${where}` };
  return { why: `Deployment ${where} names no release (image ${api?.image ?? 'none'}, no ${VERSION_LABEL} label)` };
}

export interface DetectInput {
  flag?: string;
  /** `ml-pipeline` Deployments found (kubeflow's first). */
  deployments: DeploymentObject[];
  /** Why the Deployment could not be read (RBAC), when it could not. */
  unreadable?: string;
}

export function detectKfpVersion(input: DetectInput): VersionResult {
  if (input.flag !== undefined) return explicitVersion(input.flag, 'flag');
  const candidates = [...input.deployments].sort(
    (a, b) => Number(b.metadata.namespace === KFP_NAMESPACE) - Number(a.metadata.namespace === KFP_NAMESPACE),
  );
  const whys: string[] = [];
  for (const d of candidates) {
    const found = deploymentVersion(d);
    if ('why' in found) {
      whys.push(found.why);
      continue;
    }
    const reason = unsupportedReason(found.version);
    if (reason !== undefined)
      return { ok: false, error: `${reason} (${found.detail}); set --kfp-version to the release whose rules to apply` };
    return known(found.version, found.source, found.detail);
  }
  const why = input.unreadable ?? (whys.length > 0 ? whys.join('; ') : `no Deployment ${KFP_API_DEPLOYMENT} found in ${KFP_NAMESPACE}`);
  const newest = formatVersion(NEWEST_SUPPORTED);
  return {
    ok: true,
    info: {
      version: newest,
      source: 'assumed',
      detail: `${why}: assuming the newest release kfstore knows, ${newest}; set --kfp-version if the cluster runs another`,
    },
    rules: kfpRules(NEWEST_SUPPORTED),
  };
}

/** The rules for what a snapshot recorded; the newest release's when nothing was. */
export function rulesOf(info: KfpVersionInfo | undefined): KfpRules {
  return rulesForVersion(info?.version);
}

/** The rules for a validated `kfpVersion` (StorePolicy); the newest release's when unset. */
export function rulesForVersion(text: string | undefined): KfpRules {
  return kfpRules((text === undefined ? undefined : parseKfpVersion(text)) ?? NEWEST_SUPPORTED);
}

/**
 * The level of a finding that holds only from some release on: WARN for a release read or given, INFO when it
 * was assumed (the cluster may run an older one, where the problem does not exist).
 */
export function releaseDependentLevel(info: KfpVersionInfo | undefined): 'warn' | 'info' {
  return info?.source === 'assumed' ? 'info' : 'warn';
}

/** One line for reports: `KFP 2.15.0 (image ... of Deployment kubeflow/ml-pipeline)`. */
export function describeKfp(info: KfpVersionInfo): string {
  const how = info.source === 'assumed' ? `assumed: ${info.detail}` : `from ${info.detail}`;
  return `KFP ${info.version} (${how})${info.note !== undefined ? `; ${info.note}` : ''}`;
}

function known(version: KfpVersion, source: VersionSource, detail: string): VersionResult {
  const info: KfpVersionInfo = { version: formatVersion(version), source, detail };
  if (compareVersions(version, NEWEST_SUPPORTED) > 0)
    info.note = `newer than ${formatVersion(NEWEST_SUPPORTED)}, the newest release kfstore knows: its rules apply`;
  return { ok: true, info, rules: kfpRules(version) };
}

// `registry:5000/kfp-api-server:2.15.0@sha256:...` -> `2.15.0`; no tag -> undefined.
function imageTag(image: string): string | undefined {
  const name = image.split('@')[0] ?? '';
  const colon = name.lastIndexOf(':');
  return colon > name.lastIndexOf('/') ? name.slice(colon + 1) : undefined;
}
