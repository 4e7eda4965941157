// `-f FILE|DIR`: manifests instead of a cluster (a GitOps repository in CI). Directories are read
// recursively for .yaml/.yml/.json; every document must be valid YAML (else exit 2 naming the file
// and line). Documents that are not Kubernetes objects are skipped with a note on stderr.
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { z } from 'zod';
import type { ClusterSnapshot, ConfigMapObject, KubeObject } from '../../settings/cluster/snapshot.ts';
import { emptySnapshot } from '../../settings/cluster/snapshot.ts';
import { workflowSummary } from '../../settings/cluster/workflow-summary.ts';
import { PluginError } from '../cli/errors.ts';
import { secretInfo } from '../secrets/facts.ts';
import { manifestFiles } from './files.ts';

export interface ManifestSet {
  snapshot: ClusterSnapshot;
  rawSecrets: Map<string, { data?: Record<string, string>; stringData?: Record<string, string> }>;
  files: string[];
  notes: string[];
}

/** The kinds doctor and inspect read; every other object is ignored. */
const KINDS = new Set(['Namespace', 'ConfigMap', 'Secret', 'ServiceAccount', 'Deployment', 'Service', 'Workflow', 'ScheduledWorkflow']);

const stringMap = z.record(z.string(), z.string()).optional();
const objectMeta = z.looseObject({
  name: z.string().min(1, 'is empty'),
  namespace: z.string().optional(),
  labels: stringMap,
  annotations: stringMap,
});

export function loadManifests(paths: string[], defaultNamespace: string): ManifestSet {
  const files = paths.flatMap(manifestFiles);
  const snap = emptySnapshot('manifests');
  const rawSecrets: ManifestSet['rawSecrets'] = new Map();
  const notes: string[] = [];
  const namespaces = new Map<string, KubeObject>();
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      throw new PluginError(`${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
    const docs = parseAllDocuments(text, { prettyErrors: false });
    const list = Array.isArray(docs) ? docs : [];
    list.forEach((doc, i) => {
      const err = doc.errors[0];
      if (err !== undefined) {
        const line = text.slice(0, err.pos[0]).split('\n').length;
        throw new PluginError(`${file}: invalid YAML at line ${line}${list.length > 1 ? ` (document ${i + 1})` : ''}: ${err.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '')}`);
      }
      const obj = doc.toJS() as unknown;
      if (obj === null || obj === undefined) return;
      for (const item of items(obj)) {
        const where = `${file}${list.length > 1 ? ` (document ${i + 1})` : ''}`;
        if (!isObject(item) || typeof item.apiVersion !== 'string' || typeof item.kind !== 'string') {
          notes.push(`skipped ${where}: not a Kubernetes object (no apiVersion/kind)`);
          continue;
        }
        if (!KINDS.has(item.kind)) continue;
        const meta = objectMeta.safeParse(item.metadata ?? {});
        if (!meta.success) {
          const issue = meta.error.issues[0];
          throw new PluginError(`${where}: ${item.kind} metadata.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
        }
        const metadata: KubeObject['metadata'] = { ...meta.data };
        add(snap, namespaces, rawSecrets, item, metadata, defaultNamespace, where);
      }
    });
  }
  // Namespaces referenced by objects but not declared are known to exist (kubectl would create into them).
  const implicit: string[] = [];
  for (const o of [...snap.configMaps, ...snap.secrets, ...snap.serviceAccounts]) {
    const ns = o.metadata.namespace ?? defaultNamespace;
    if (!namespaces.has(ns)) {
      namespaces.set(ns, { metadata: { name: ns } });
      implicit.push(ns);
    }
  }
  snap.implicitNamespaces = implicit;
  for (const list of [snap.configMaps, snap.secrets] as { metadata: KubeObject['metadata'] }[][]) {
    const seen = new Set<string>();
    for (const o of list) {
      const id = `${o.metadata.namespace}/${o.metadata.name}`;
      if (seen.has(id)) notes.push(`${id}: defined more than once; the last definition counts (as with kubectl apply)`);
      seen.add(id);
    }
  }
  snap.namespaces = [...namespaces.values()];
  return { snapshot: snap, rawSecrets, files, notes };
}

function add(snap: ClusterSnapshot, namespaces: Map<string, KubeObject>, rawSecrets: ManifestSet['rawSecrets'], item: Record<string, unknown>, metadata: KubeObject['metadata'], defaultNamespace: string, where: string): void {
  const kind = item.kind as string;
  if (kind === 'Namespace') {
    namespaces.set(metadata.name, { metadata });
    return;
  }
  metadata.namespace = typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : defaultNamespace;
  switch (kind) {
    case 'ConfigMap': {
      const data = item.data;
      if (data !== undefined && data !== null && (!isObject(data) || Object.values(data).some((v) => typeof v !== 'string'))) {
        throw new PluginError(`${where}: ConfigMap ${metadata.namespace}/${metadata.name}: data values must be strings (write providers: | for YAML)`);
      }
      snap.configMaps.push({ metadata, ...(isObject(data) ? { data: data as Record<string, string> } : {}), ...(item.immutable === true ? { immutable: true } : {}) } as ConfigMapObject);
      return;
    }
    case 'Secret': {
      const data = isObject(item.data) ? (item.data as Record<string, string>) : undefined;
      const stringData = isObject(item.stringData) ? (item.stringData as Record<string, string>) : undefined;
      const info = secretInfo({ metadata, ...(typeof item.type === 'string' ? { type: item.type } : {}), immutable: item.immutable, ...(data ? { data } : {}), ...(stringData ? { stringData } : {}) });
      snap.secrets.push(info);
      rawSecrets.set(`${metadata.namespace}/${metadata.name}`, { ...(data ? { data } : {}), ...(stringData ? { stringData } : {}) });
      return;
    }
    case 'ServiceAccount':
      snap.serviceAccounts.push({ metadata });
      return;
    case 'Deployment':
      snap.deployments.push({ metadata, ...(isObject(item.spec) ? { spec: item.spec } : {}) });
      return;
    case 'Service':
      snap.services.push({ metadata });
      return;
    case 'Workflow':
      snap.workflows.push(workflowSummary({ ...item, metadata }, metadata));
      return;
    case 'ScheduledWorkflow':
      snap.scheduledWorkflows.push(workflowSummary({ ...item, metadata }, metadata));
      return;
    default:
  }
}

function items(obj: unknown): unknown[] {
  // A `kind: List` (kubectl get -o yaml) holds its objects in `items`.
  if (isObject(obj) && typeof obj.kind === 'string' && obj.kind.endsWith('List') && Array.isArray(obj.items)) return obj.items;
  return [obj];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function displayPath(file: string): string {
  const rel = relative(process.cwd(), file);
  return rel.startsWith('..') ? file : rel;
}
