// Tenancy across namespaces: roots that are not namespace-scoped (rootNotNamespaced), roots two
// tenants share (sharedRoot: reported on the tenant whose root is inside the other's, whether or not
// the other is in scope), and credentials that are shared, well-known defaults, or the KFP admin's
// (sharedCredentials). Empty values are no credentials: they are never "shared".
// Fixes suggest the profile's root from the policy when there is one, so no finding proposes a
// root that the tenant rule (outsideProfileRoot) rejects.
import type { SnapshotIndex } from '../../cluster/snapshot.ts';
import { namespaceView } from '../../inspect/namespace-view.ts';
import type { NamespaceView } from '../../inspect/namespace-view.ts';
import { LAUNCHER_CONFIGMAP } from '../../kfp/launcher-config.ts';
import { parsePipelineRoot, rootContains } from '../../kfp/pipeline-root.ts';
import { doctorFinding } from '../finding.ts';
import { suggestedProfileRoot } from './ui-ownership.ts';
import type { DoctorFinding } from '../finding.ts';

/** Where KFP's own (admin) object-store Secret lives. */
const KFP_NAMESPACE = 'kubeflow';
const ADMIN_SECRET = 'mlpipeline-minio-artifact';

interface Tenant {
  namespace: string;
  scheme: string;
  bucket: string;
  prefix: string;
  accessKey?: string;
  /** Its credentials Secret is referenced but was not read (RBAC, or out of reach with -n). */
  keyUnread?: true;
}

function tenantOf(index: SnapshotIndex, v: NamespaceView): Tenant | undefined {
  // An unreadable kfp-launcher would make the root look like KFP's default.
  if (v.unreadable?.some((u) => u.name === LAUNCHER_CONFIGMAP) === true) return undefined;
  const root = parsePipelineRoot(v.pipelineRoot.value);
  if (!root.ok) return undefined;
  const secret = v.credentials.secret;
  const accessRole = secret?.keys.find((k) => k.role === 'accessKeyKey');
  const value =
    secret !== undefined && accessRole !== undefined ? index.secret(v.namespace, secret.name)?.values[accessRole.key] : undefined;
  const accessKey = value === undefined || value.empty ? undefined : value.fingerprint;
  const unread =
    secret !== undefined &&
    index.secret(v.namespace, secret.name) === undefined &&
    index.unknown('Secret', v.namespace, secret.name) !== undefined;
  return {
    namespace: v.namespace,
    scheme: root.value.scheme,
    bucket: root.value.bucket,
    prefix: root.value.prefix,
    ...(accessKey !== undefined ? { accessKey } : {}),
    ...(unread ? { keyUnread: true as const } : {}),
  };
}

function overlap(a: Tenant, b: Tenant): boolean {
  return a.scheme === b.scheme && a.bucket === b.bucket && (a.prefix.startsWith(b.prefix) || b.prefix.startsWith(a.prefix));
}

/** Tenants of the namespaces outside `views` that have a kfp-launcher in the snapshot. */
function others(index: SnapshotIndex, views: NamespaceView[]): Tenant[] {
  const inScope = new Set(views.map((v) => v.namespace));
  const names = new Set(
    index.snapshot.configMaps
      .filter((c) => c.metadata.name === LAUNCHER_CONFIGMAP && !inScope.has(c.metadata.namespace ?? ''))
      .map((c) => c.metadata.namespace ?? ''),
  );
  return [...names].sort().flatMap((ns) => tenantOf(index, namespaceView(index, ns)) ?? []);
}

/** With -n: the other namespaces whose roots overlap this one's (the edge reads their Secrets). */
export function overlappingOthers(index: SnapshotIndex, namespace: string): string[] {
  const self = tenantOf(index, namespaceView(index, namespace));
  if (self === undefined) return [];
  return others(index, [namespaceView(index, namespace)])
    .filter((t) => overlap(self, t))
    .map((t) => t.namespace);
}

export function tenancyChecks(index: SnapshotIndex, views: NamespaceView[], keyPrefix = 'private-artifacts'): DoctorFinding[] {
  const out: DoctorFinding[] = [];
  const tenants: Tenant[] = [];
  for (const v of views) {
    const t = tenantOf(index, v);
    if (t === undefined) continue;
    tenants.push(t);
    if (!t.prefix.split('/').includes(v.namespace) && !insidePolicyRoot(v)) {
      out.push(
        doctorFinding(
          'rootNotNamespaced',
          'warn',
          v.namespace,
          { kind: 'ConfigMap', name: LAUNCHER_CONFIGMAP },
          `root ${v.pipelineRoot.value} has no ${v.namespace} segment: artifacts are not namespace-scoped`,
          `use a root such as ${suggestedRoot(v, t, keyPrefix)}`,
        ),
      );
    }
  }
  // Overlaps with namespaces out of scope count too: `-n geo` must see that geo sits inside atlas.
  const all = [...tenants, ...others(index, views)];
  for (const [i, a] of all.entries()) {
    for (const b of all.slice(i + 1)) {
      if (i >= tenants.length || !overlap(a, b)) continue;
      // Reported on the namespace whose root is inside the other's (both, when they are equal):
      // its artifacts are the ones the other tenant can reach.
      const nested =
        a.prefix === b.prefix
          ? [
              [a, b],
              [b, a],
            ]
          : a.prefix.length > b.prefix.length
            ? [[a, b]]
            : [[b, a]];
      for (const [inner, outer] of nested as [Tenant, Tenant][])
        out.push(
          overlapFinding(
            inner,
            outer,
            suggestedRoot(
              views.find((v) => v.namespace === inner.namespace),
              inner,
              keyPrefix,
            ),
          ),
        );
    }
  }
  if (index.snapshot.othersUnread !== undefined) {
    const u = index.snapshot.othersUnread;
    for (const t of tenants)
      out.push(
        doctorFinding(
          'unreadable',
          'info',
          t.namespace,
          undefined,
          `roots of other namespaces could not be listed (${u.reason}): overlaps with ${t.namespace}'s root were not checked`,
          `\`${u.check}\` must say yes, or run doctor -A`,
        ),
      );
  }
  out.push(...credentialChecks(index, views));
  return out;
}

/** A root to suggest: the policy's profile root when there is one, else the usual layout. */
// The same root uiKeyLayout suggests (KFP 2.17's UI prefix), so the two fixes agree.
function suggestedRoot(v: NamespaceView | undefined, t: Tenant, keyPrefix: string): string {
  return suggestedProfileRoot(v, t, keyPrefix);
}

// The policy gives each profile its root: a root inside it is scoped as the administrator chose
// (e.g. a bucket per namespace), whatever its segments are named.
function insidePolicyRoot(v: NamespaceView): boolean {
  if (v.policy === undefined) return false;
  const own = parsePipelineRoot(v.policy.pipelineRoot);
  const root = parsePipelineRoot(v.pipelineRoot.value);
  return own.ok && root.ok && rootContains(own.value, root.value);
}

function overlapFinding(inner: Tenant, outer: Tenant, suggestion: string): DoctorFinding {
  const sameKey = inner.accessKey !== undefined && inner.accessKey === outer.accessKey;
  const where = (t: Tenant): string => `${t.scheme}://${t.bucket}/${t.prefix}`;
  const how =
    inner.prefix === outer.prefix
      ? `write to the same root ${where(inner)}`
      : `write to overlapping roots: ${where(inner)} is inside ${outer.namespace}'s ${where(outer)}`;
  const keys = sameKey
    ? ' with the same access key: each can read the other\u2019s artifacts'
    : inner.keyUnread === true || outer.keyUnread === true
      ? ' (access keys not compared: a credentials Secret could not be read)'
      : '';
  return doctorFinding(
    'sharedRoot',
    sameKey ? 'error' : 'warn',
    inner.namespace,
    { kind: 'ConfigMap', name: LAUNCHER_CONFIGMAP },
    `${inner.namespace} and ${outer.namespace} ${how}${keys}`,
    `give ${inner.namespace} a prefix of its own, e.g. ${suggestion}, and its own credentials`,
  );
}

function credentialChecks(index: SnapshotIndex, views: NamespaceView[]): DoctorFinding[] {
  const out: DoctorFinding[] = [];
  const admin = index.secret(KFP_NAMESPACE, ADMIN_SECRET);
  const adminPrints = new Set(Object.values(admin?.values ?? {}).map((v) => v.fingerprint));
  const byAccessKey = new Map<string, string[]>();
  for (const v of views) {
    const use = v.credentials.secret;
    if (use === undefined) continue;
    const secret = index.secret(v.namespace, use.name);
    if (secret === undefined) continue;
    const obj = { kind: 'Secret', name: use.name };
    const facts = use.keys.map((k) => secret.values[k.key]).filter((f) => f !== undefined);
    const wellKnown = facts.find((f) => f.wellKnown !== undefined)?.wellKnown;
    if (wellKnown !== undefined) {
      out.push(
        doctorFinding(
          'sharedCredentials',
          'error',
          v.namespace,
          obj,
          `Secret ${use.name} holds the well-known ${wellKnown} credentials: any step can read every tenant's artifacts`,
          'issue per-namespace credentials (kubectl kfstore migrate) and rotate the default ones',
        ),
      );
      continue;
    }
    if (v.namespace !== KFP_NAMESPACE && facts.some((f) => !f.empty && adminPrints.has(f.fingerprint))) {
      out.push(
        doctorFinding(
          'sharedCredentials',
          'error',
          v.namespace,
          obj,
          `Secret ${use.name} holds the same credentials as ${KFP_NAMESPACE}/${ADMIN_SECRET} (KFP's admin)`,
          'give the namespace its own, prefix-limited credentials',
        ),
      );
      continue;
    }
    const access = use.keys.find((k) => k.role === 'accessKeyKey');
    const value = access !== undefined ? secret.values[access.key] : undefined;
    // An empty value (migrate's template Secret before its keys are filled) is no credential.
    const print = value === undefined || value.empty ? undefined : value.fingerprint;
    if (print !== undefined) byAccessKey.set(print, [...(byAccessKey.get(print) ?? []), v.namespace]);
  }
  for (const namespaces of byAccessKey.values()) {
    if (namespaces.length < 2) continue;
    for (const ns of namespaces) {
      const others = namespaces.filter((n) => n !== ns);
      out.push(
        doctorFinding(
          'sharedCredentials',
          'warn',
          ns,
          undefined,
          `${ns} shares its access key with ${others.slice(0, 3).join(', ')}${others.length > 3 ? ` and ${others.length - 3} more` : ''}`,
          'issue one access key per namespace, limited to its own prefix',
        ),
      );
    }
  }
  return out;
}
