// `-f FILE|DIR|-` (and `-k DIR`): manifests instead of a cluster (a GitOps repository in CI). Every
// document must be valid YAML (else exit 2 naming the file and line), except Helm templates, which
// are skipped with a note. Documents that are not Kubernetes objects are skipped with a note on
// stderr. Each object's file and line is kept so that findings can point at it.
import { LineCounter, isMap, isSeq, parseAllDocuments } from 'yaml';
import type { Node } from 'yaml';
import { z } from 'zod';
import type { ClusterSnapshot, ConfigMapObject, KubeObject } from '../../settings/cluster/snapshot.ts';
import { emptySnapshot } from '../../settings/cluster/snapshot.ts';
import { workflowSummary } from '../../settings/cluster/workflow-summary.ts';
import type { SourceLocation } from '../../settings/findings.ts';
import type { RbacBinding, RbacRole } from '../../settings/rbac/authorize.ts';
import { PluginError } from '../cli/errors.ts';
import { secretInfo } from '../secrets/facts.ts';
import { GENERATOR_KINDS, generatedSecret } from './generated-secrets.ts';
import { looksTemplated, readInputs, STDIN } from './inputs.ts';
import { networkPolicy } from './network-policy.ts';
import { AUTHORIZATION_POLICY, authorizationPolicy } from './authorization-policy.ts';
import { RBAC_KINDS, rbacObject } from './rbac.ts';
import type { InputOptions, ManifestInput } from './inputs.ts';
import { displayPath, locationKey, originOf } from './locations.ts';

export { displayPath } from './locations.ts';

export interface ManifestSet {
  snapshot: ClusterSnapshot;
  rawSecrets: Map<string, { data?: Record<string, string>; stringData?: Record<string, string> }>;
  files: string[];
  notes: string[];
  /** Kubernetes objects read (any kind, also those doctor ignores). */
  objects: number;
  /** Where each object is defined, by locationKey(kind, namespace, name); more than one for duplicates. */
  locations: Map<string, SourceLocation[]>;
}

/** The kinds doctor and inspect read; every other object is ignored. */
const KINDS = new Set([
  'Namespace',
  'ConfigMap',
  'Secret',
  'ServiceAccount',
  'Deployment',
  'StatefulSet',
  'Service',
  'Workflow',
  'ScheduledWorkflow',
  'NetworkPolicy',
  AUTHORIZATION_POLICY,
  ...RBAC_KINDS,
  ...GENERATOR_KINDS,
]);

const stringMap = z.record(z.string(), z.string()).optional();
const objectMeta = z.looseObject({
  name: z.string().min(1, 'is empty'),
  namespace: z.string().optional(),
  labels: stringMap,
  annotations: stringMap,
});

export function loadManifests(paths: string[], defaultNamespace: string, opts: InputOptions = {}): ManifestSet {
  const read = readInputs(paths, opts);
  return loadInputs(read.inputs, defaultNamespace, read.notes);
}

export function loadInputs(inputs: ManifestInput[], defaultNamespace: string, notes: string[] = []): ManifestSet {
  const set: ManifestSet = {
    snapshot: emptySnapshot('manifests'),
    rawSecrets: new Map(),
    files: [],
    notes,
    objects: 0,
    locations: new Map(),
  };
  const namespaces = new Map<string, KubeObject>();
  for (const input of inputs) {
    set.files.push(input.file);
    if (looksTemplated(input.text)) {
      notes.push(
        `skipped ${shown(input.file)}: a template ({{ ... }}), not a manifest; render it first (helm template ... | kubectl kfstore doctor -f -) or leave it out with --exclude`,
      );
      continue;
    }
    readDocuments(
      input,
      (item, location, where) => {
        set.objects += 1;
        if (!KINDS.has(item.kind as string)) return;
        const meta = objectMeta.safeParse(item.metadata ?? {});
        if (!meta.success) {
          const issue = meta.error.issues[0];
          throw new PluginError(`${where}: ${String(item.kind)} metadata.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`);
        }
        const metadata: KubeObject['metadata'] = { ...meta.data };
        const origin = input.originBase !== undefined ? originOf(metadata, input.originBase, item.kind as string) : undefined;
        add(set, namespaces, item, metadata, {
          defaultNamespace,
          where,
          location: origin ?? location,
          ...(input.namespace !== undefined ? { namespace: input.namespace } : {}),
        });
      },
      notes,
    );
  }
  // Namespaces referenced by objects but not declared are known to exist (kubectl would create into them).
  const snap = set.snapshot;
  const implicit: string[] = [];
  for (const o of [...snap.configMaps, ...snap.secrets, ...snap.serviceAccounts]) {
    const ns = o.metadata.namespace ?? defaultNamespace;
    if (!namespaces.has(ns)) {
      namespaces.set(ns, { metadata: { name: ns } });
      implicit.push(ns);
    }
  }
  snap.implicitNamespaces = implicit;
  for (const [kind, list] of [
    ['ConfigMap', snap.configMaps],
    ['Secret', snap.secrets],
  ] as [string, KubeObject[]][]) {
    const seen = new Set<string>();
    for (const o of list) {
      const id = `${o.metadata.namespace}/${o.metadata.name}`;
      if (seen.has(id)) continue;
      seen.add(id);
      const places = set.locations.get(locationKey(kind, o.metadata.namespace, o.metadata.name)) ?? [];
      if (places.length > 1)
        notes.push(
          `${kind} ${id}: defined more than once (${places.map((p) => `${p.file}:${p.line}`).join(', ')}); the last definition counts (as with kubectl apply)`,
        );
    }
  }
  snap.namespaces = [...namespaces.values()];
  return set;
}

type Visit = (item: Record<string, unknown>, location: SourceLocation, where: string) => void;

function readDocuments(input: ManifestInput, visit: Visit, notes: string[]): void {
  const { file, text } = input;
  const lines = new LineCounter();
  const docs = parseAllDocuments(text, { prettyErrors: false, lineCounter: lines });
  const list = Array.isArray(docs) ? docs : [];
  list.forEach((doc, i) => {
    const where = `${shown(file)}${list.length > 1 ? ` (document ${i + 1})` : ''}`;
    const err = doc.errors[0];
    if (err !== undefined) {
      throw new PluginError(
        `${shown(file)}: invalid YAML at line ${lines.linePos(err.pos[0]).line}${list.length > 1 ? ` (document ${i + 1})` : ''}: ${err.message.split('\n')[0]?.replace(/ at line \d+, column \d+:?$/, '')}`,
      );
    }
    const obj = doc.toJS() as unknown;
    if (obj === null || obj === undefined) return;
    const nodes = itemNodes(doc.contents, obj);
    items(obj).forEach((item, j) => {
      if (!isObject(item) || typeof item.apiVersion !== 'string' || typeof item.kind !== 'string') {
        notes.push(`skipped ${where}: not a Kubernetes object (no apiVersion/kind)`);
        return;
      }
      const offset = nodes[j]?.range?.[0] ?? doc.contents?.range?.[0] ?? 0;
      visit(item, { file: file === STDIN ? '<stdin>' : displayPath(file), line: lines.linePos(offset).line }, where);
    });
  });
}

function shown(file: string): string {
  return file === STDIN ? '<stdin>' : file;
}

interface Placement {
  defaultNamespace: string;
  /** A kustomization's namespace: replaces the object's own, as kustomize does. */
  namespace?: string;
  where: string;
  location: SourceLocation;
}

// A Service's ports: each port and the target port its pods listen on (the same number when unset).
function serviceSpec(item: Record<string, unknown>): { ports?: { port: number; targetPort?: number | string }[] } {
  const spec = isObject(item.spec) ? item.spec : {};
  if (!Array.isArray(spec.ports)) return {};
  const ports = spec.ports
    .filter((p): p is Record<string, unknown> => isObject(p) && typeof p.port === 'number')
    .map((p) => ({
      port: p.port as number,
      ...(typeof p.targetPort === 'number' || typeof p.targetPort === 'string' ? { targetPort: p.targetPort } : {}),
    }));
  return { ports };
}

function addRbac(snap: ClusterSnapshot, o: RbacRole | RbacBinding): void {
  const rbac = snap.rbac ?? { roles: [], bindings: [] };
  snap.rbac = rbac;
  if ('rules' in o) rbac.roles.push(o);
  else rbac.bindings.push(o);
}

function add(
  set: ManifestSet,
  namespaces: Map<string, KubeObject>,
  item: Record<string, unknown>,
  metadata: KubeObject['metadata'],
  at: Placement,
): void {
  const kind = item.kind as string;
  const snap = set.snapshot;
  if (kind === 'Namespace') {
    namespaces.set(metadata.name, { metadata });
    record(set, kind, undefined, metadata.name, at.location);
    return;
  }
  if (kind === 'ClusterRole' || kind === 'ClusterRoleBinding') {
    addRbac(snap, rbacObject(kind, item, metadata, at.where));
    return;
  }
  metadata.namespace =
    at.namespace ?? (typeof metadata.namespace === 'string' && metadata.namespace !== '' ? metadata.namespace : at.defaultNamespace);
  record(set, kind, metadata.namespace, metadata.name, at.location);
  switch (kind) {
    case 'ConfigMap': {
      const data = item.data;
      if (data !== undefined && data !== null && (!isObject(data) || Object.values(data).some((v) => typeof v !== 'string'))) {
        throw new PluginError(
          `${at.where}: ConfigMap ${metadata.namespace}/${metadata.name}: data values must be strings (write providers: | for YAML)`,
        );
      }
      snap.configMaps.push({
        metadata,
        ...(isObject(data) ? { data: data as Record<string, string> } : {}),
        ...(item.immutable === true ? { immutable: true } : {}),
      } as ConfigMapObject);
      return;
    }
    case 'Secret': {
      const data = isObject(item.data) ? (item.data as Record<string, string>) : undefined;
      const stringData = isObject(item.stringData) ? (item.stringData as Record<string, string>) : undefined;
      const info = secretInfo({
        metadata,
        ...(typeof item.type === 'string' ? { type: item.type } : {}),
        immutable: item.immutable,
        ...(data ? { data } : {}),
        ...(stringData ? { stringData } : {}),
      });
      snap.secrets.push(info);
      set.rawSecrets.set(`${metadata.namespace}/${metadata.name}`, { ...(data ? { data } : {}), ...(stringData ? { stringData } : {}) });
      return;
    }
    case 'ServiceAccount':
      snap.serviceAccounts.push({ metadata });
      return;
    case 'NetworkPolicy':
      snap.networkPolicies = [...(snap.networkPolicies ?? []), networkPolicy(item, metadata, at.where)];
      return;
    case AUTHORIZATION_POLICY:
      snap.authorizationPolicies = [...(snap.authorizationPolicies ?? []), authorizationPolicy(item, metadata, at.where)];
      return;
    case 'Role':
    case 'RoleBinding':
      addRbac(snap, rbacObject(kind, item, metadata, at.where));
      return;
    case 'Deployment':
      snap.deployments.push({ metadata, ...(isObject(item.spec) ? { spec: item.spec } : {}) });
      return;
    case 'StatefulSet':
      snap.statefulSets = [...(snap.statefulSets ?? []), { metadata, ...(isObject(item.spec) ? { spec: item.spec } : {}) }];
      return;
    case 'Service':
      snap.services.push({ metadata, ...serviceSpec(item) });
      return;
    case 'Workflow':
      snap.workflows.push(workflowSummary({ ...item, metadata }, metadata));
      return;
    case 'ScheduledWorkflow':
      snap.scheduledWorkflows.push(workflowSummary({ ...item, metadata }, metadata));
      return;
    default: {
      // ExternalSecret, SealedSecret: they stand for the Secret they produce.
      const produced = generatedSecret(item, metadata.namespace, metadata.name);
      if (produced === undefined) return;
      snap.secrets.push(produced.secret);
      record(set, 'Secret', metadata.namespace, produced.secret.metadata.name, at.location);
      if (produced.caveat !== undefined) set.notes.push(produced.caveat);
    }
  }
}

function record(set: ManifestSet, kind: string, namespace: string | undefined, name: string, location: SourceLocation): void {
  const key = locationKey(kind, namespace, name);
  const list = set.locations.get(key);
  if (list === undefined) set.locations.set(key, [location]);
  else list.push(location);
}

// A `kind: List` (kubectl get -o yaml) holds its objects in `items`.
function isList(obj: unknown): obj is { items: unknown[] } {
  return isObject(obj) && typeof obj.kind === 'string' && obj.kind.endsWith('List') && Array.isArray(obj.items);
}

function items(obj: unknown): unknown[] {
  return isList(obj) ? obj.items : [obj];
}

/** The YAML nodes of items(obj), in the same order, for their lines. */
function itemNodes(contents: Node | null, obj: unknown): (Node | undefined)[] {
  if (!isList(obj) || !isMap(contents)) return [contents ?? undefined];
  const seq = contents.get('items', true);
  return isSeq(seq) ? seq.items.map((n) => n as Node) : [];
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
