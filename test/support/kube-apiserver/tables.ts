// Server-side printing: meta.k8s.io/v1 Table responses for `kubectl get`, with the
// columns kube-apiserver prints for each kind.
import type { ResourceDef } from './resources.ts';
import { partialMetadata } from './objects.ts';
import type { KubeObject } from './types.ts';
import { isRecord } from './types.ts';

interface Column {
  name: string;
  type: string;
  format?: string;
  priority?: number;
  cell: (obj: KubeObject, now: Date) => string | number;
}

const NAME: Column = { name: 'Name', type: 'string', format: 'name', cell: (o) => o.metadata.name ?? '' };
const AGE: Column = { name: 'Age', type: 'string', cell: (o, now) => age(o.metadata.creationTimestamp, now) };

function count(value: unknown): number {
  return isRecord(value) ? Object.keys(value).length : 0;
}

function paramKind(value: unknown): string {
  return isRecord(value) ? `${String(value.apiVersion ?? '')}/${String(value.kind ?? '')}` : '<unset>';
}

function paramRef(value: unknown): string {
  if (!isRecord(value)) return '<unset>';
  const ns = typeof value.namespace === 'string' && value.namespace !== '' ? value.namespace : '*';
  return `${ns}/${typeof value.name === 'string' && value.name !== '' ? value.name : '*'}`;
}

function get(obj: unknown, ...keys: string[]): unknown {
  let cur = obj;
  for (const k of keys) cur = isRecord(cur) ? cur[k] : undefined;
  return cur;
}

function str(value: unknown, fallback = '<none>'): string {
  return typeof value === 'string' && value !== '' ? value : typeof value === 'number' ? String(value) : fallback;
}

const COLUMNS: Record<string, Column[]> = {
  Namespace: [NAME, { name: 'Status', type: 'string', cell: (o) => str(get(o, 'status', 'phase'), '') }, AGE],
  ConfigMap: [NAME, { name: 'Data', type: 'integer', cell: (o) => count(o.data) + count(o.binaryData) }, AGE],
  Secret: [
    NAME,
    { name: 'Type', type: 'string', cell: (o) => str(o.type, '') },
    { name: 'Data', type: 'integer', cell: (o) => count(o.data) },
    AGE,
  ],
  ServiceAccount: [NAME, { name: 'Secrets', type: 'string', cell: (o) => (Array.isArray(o.secrets) ? o.secrets.length : 0) }, AGE],
  Pod: [
    NAME,
    {
      name: 'Ready',
      type: 'string',
      cell: (o) => `0/${Array.isArray(get(o, 'spec', 'containers')) ? (get(o, 'spec', 'containers') as unknown[]).length : 0}`,
    },
    { name: 'Status', type: 'string', cell: (o) => str(get(o, 'status', 'phase'), 'Unknown') },
    { name: 'Restarts', type: 'string', cell: () => '0' },
    AGE,
    { name: 'IP', type: 'string', priority: 1, cell: (o) => str(get(o, 'status', 'podIP')) },
    { name: 'Node', type: 'string', priority: 1, cell: (o) => str(get(o, 'spec', 'nodeName')) },
  ],
  Service: [
    NAME,
    { name: 'Type', type: 'string', cell: (o) => str(get(o, 'spec', 'type'), 'ClusterIP') },
    { name: 'Cluster-IP', type: 'string', cell: (o) => str(get(o, 'spec', 'clusterIP')) },
    { name: 'External-IP', type: 'string', cell: () => '<none>' },
    {
      name: 'Port(s)',
      type: 'string',
      cell: (o) => {
        const ports = get(o, 'spec', 'ports');
        if (!Array.isArray(ports) || ports.length === 0) return '<none>';
        return ports.map((p) => `${str(get(p, 'port'), '')}/${str(get(p, 'protocol'), 'TCP')}`).join(',');
      },
    },
    AGE,
  ],
  Deployment: [
    NAME,
    {
      name: 'Ready',
      type: 'string',
      cell: (o) => `${Number(get(o, 'status', 'readyReplicas') ?? 0)}/${Number(get(o, 'spec', 'replicas') ?? 0)}`,
    },
    { name: 'Up-to-date', type: 'integer', cell: (o) => Number(get(o, 'status', 'updatedReplicas') ?? 0) },
    { name: 'Available', type: 'integer', cell: (o) => Number(get(o, 'status', 'availableReplicas') ?? 0) },
    AGE,
  ],
  Workflow: [NAME, { name: 'Status', type: 'string', cell: (o) => str(get(o, 'status', 'phase'), '') }, AGE],
  MutatingWebhookConfiguration: [
    NAME,
    { name: 'Webhooks', type: 'integer', cell: (o) => (Array.isArray(o.webhooks) ? o.webhooks.length : 0) },
    AGE,
  ],
  ValidatingAdmissionPolicy: [
    NAME,
    {
      name: 'Validations',
      type: 'integer',
      cell: (o) => {
        const v = get(o, 'spec', 'validations');
        return Array.isArray(v) ? v.length : 0;
      },
    },
    { name: 'ParamKind', type: 'string', cell: (o) => paramKind(get(o, 'spec', 'paramKind')) },
    AGE,
  ],
  ValidatingAdmissionPolicyBinding: [
    NAME,
    { name: 'PolicyName', type: 'string', cell: (o) => str(get(o, 'spec', 'policyName'), '') },
    { name: 'ParamRef', type: 'string', cell: (o) => paramRef(get(o, 'spec', 'paramRef')) },
    AGE,
  ],
  ValidatingWebhookConfiguration: [
    NAME,
    { name: 'Webhooks', type: 'integer', cell: (o) => (Array.isArray(o.webhooks) ? o.webhooks.length : 0) },
    AGE,
  ],
};

/** Go's duration.HumanDuration, as used for the AGE column. */
export function age(created: string | null | undefined, now: Date): string {
  if (typeof created !== 'string') return '<unknown>';
  const s = Math.floor((now.getTime() - Date.parse(created)) / 1000);
  if (s < -1) return '<invalid>';
  if (s < 0) return '0s';
  if (s < 120) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 10) return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
  if (m < 180) return `${m}m`;
  const h = Math.floor(m / 60);
  if (h < 8) return m % 60 === 0 ? `${h}h` : `${h}h${m % 60}m`;
  if (h < 48) return `${h}h`;
  const d = Math.floor(h / 24);
  if (h < 192) return h % 24 === 0 ? `${d}d` : `${d}d${h % 24}h`;
  if (d < 365 * 2) return `${d}d`;
  return `${Math.floor(d / 365)}y`;
}

export type IncludeObject = 'None' | 'Metadata' | 'Object';

export function toTable(
  def: ResourceDef,
  objects: KubeObject[],
  listMeta: Record<string, unknown>,
  include: IncludeObject,
  version: string,
  now: Date,
): Record<string, unknown> {
  const columns = COLUMNS[def.kind] ?? [NAME, AGE];
  return {
    kind: 'Table',
    apiVersion: `meta.k8s.io/${version}`,
    metadata: listMeta,
    columnDefinitions: columns.map((c) => {
      const d: Record<string, unknown> = { name: c.name, type: c.type, format: c.format ?? '', description: '', priority: c.priority ?? 0 };
      return d;
    }),
    rows: objects.map((o) => {
      const row: Record<string, unknown> = { cells: columns.map((c) => c.cell(o, now)) };
      if (include === 'Metadata') row.object = partialMetadata(o);
      if (include === 'Object') row.object = o;
      return row;
    }),
  };
}
