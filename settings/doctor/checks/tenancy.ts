// KFS019 and KFS033 across namespaces: roots that are not namespace-scoped or that two tenants
// share, and credentials that are shared, well-known defaults, or the KFP admin's.
import type { SnapshotIndex } from '../../cluster/snapshot.ts';
import type { NamespaceView } from '../../inspect/namespace-view.ts';
import { parsePipelineRoot } from '../../kfp/pipeline-root.ts';
import { doctorFinding } from '../finding.ts';
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
}

export function tenancyChecks(index: SnapshotIndex, views: NamespaceView[]): DoctorFinding[] {
  const out: DoctorFinding[] = [];
  const tenants: Tenant[] = [];
  for (const v of views) {
    const root = parsePipelineRoot(v.pipelineRoot.value);
    if (!root.ok) continue;
    const secret = v.credentials.secret;
    const accessRole = secret?.keys.find((k) => k.role === 'accessKeyKey');
    const accessKey = secret !== undefined && accessRole !== undefined ? index.secret(v.namespace, secret.name)?.values[accessRole.key]?.fingerprint : undefined;
    tenants.push({ namespace: v.namespace, scheme: root.value.scheme, bucket: root.value.bucket, prefix: root.value.prefix, ...(accessKey !== undefined ? { accessKey } : {}) });
    if (!root.value.prefix.split('/').includes(v.namespace)) {
      out.push(doctorFinding('KFS019', 'warn', v.namespace, { kind: 'ConfigMap', name: 'kfp-launcher' }, `root ${v.pipelineRoot.value} has no ${v.namespace} segment: artifacts are not namespace-scoped`, `use a root such as ${root.value.scheme}://${root.value.bucket}/private-artifacts/${v.namespace}/v2/artifacts`));
    }
  }
  for (const a of tenants) {
    for (const b of tenants) {
      if (a.namespace >= b.namespace || a.scheme !== b.scheme || a.bucket !== b.bucket) continue;
      if (!(a.prefix.startsWith(b.prefix) || b.prefix.startsWith(a.prefix))) continue;
      const sameKey = a.accessKey !== undefined && a.accessKey === b.accessKey;
      out.push(
        doctorFinding(
          'KFS019',
          sameKey ? 'error' : 'warn',
          a.namespace,
          { kind: 'ConfigMap', name: 'kfp-launcher' },
          `${a.namespace} and ${b.namespace} write to overlapping roots (${a.scheme}://${a.bucket}/${a.prefix || ''} and .../${b.prefix || ''})${sameKey ? ' with the same access key: each can read the other\u2019s artifacts' : ''}`,
          `give each namespace its own prefix, e.g. ${a.scheme}://${a.bucket}/private-artifacts/<namespace>/v2/artifacts, and its own credentials`,
        ),
      );
    }
  }
  out.push(...credentialChecks(index, views));
  return out;
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
      out.push(doctorFinding('KFS033', 'error', v.namespace, obj, `Secret ${use.name} holds the well-known ${wellKnown} credentials: any step can read every tenant's artifacts`, 'issue per-namespace credentials (kubectl kfstore migrate) and rotate the default ones'));
      continue;
    }
    if (v.namespace !== KFP_NAMESPACE && facts.some((f) => !f.empty && adminPrints.has(f.fingerprint))) {
      out.push(doctorFinding('KFS033', 'error', v.namespace, obj, `Secret ${use.name} holds the same credentials as ${KFP_NAMESPACE}/${ADMIN_SECRET} (KFP's admin)`, 'give the namespace its own, prefix-limited credentials'));
      continue;
    }
    const access = use.keys.find((k) => k.role === 'accessKeyKey');
    const print = access !== undefined ? secret.values[access.key]?.fingerprint : undefined;
    if (print !== undefined) byAccessKey.set(print, [...(byAccessKey.get(print) ?? []), v.namespace]);
  }
  for (const namespaces of byAccessKey.values()) {
    if (namespaces.length < 2) continue;
    for (const ns of namespaces) {
      const others = namespaces.filter((n) => n !== ns);
      out.push(doctorFinding('KFS033', 'warn', ns, undefined, `${ns} shares its access key with ${others.slice(0, 3).join(', ')}${others.length > 3 ? ` and ${others.length - 3} more` : ''}`, 'issue one access key per namespace, limited to its own prefix'));
    }
  }
  return out;
}
