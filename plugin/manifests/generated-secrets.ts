// Objects that produce a Secret in the cluster: an ExternalSecret (external-secrets.io) and a
// SealedSecret (bitnami.com). In a GitOps tree they stand for the Secret, with the key names they
// declare; the values are not in git, so each key gets a fingerprint of where its value comes
// from: two ExternalSecrets reading the same remote key share it (the shared-credentials check
// sees that), sealed values never compare equal, and none is empty or a well-known default.
import { createHash } from 'node:crypto';
import type { SecretInfo, SecretValueFacts } from '../../settings/cluster/snapshot.ts';

export const GENERATOR_KINDS = new Set(['ExternalSecret', 'SealedSecret']);

export interface GeneratedSecret {
  secret: SecretInfo;
  /** Something the files do not say (e.g. keys from dataFrom), for a note. */
  caveat?: string;
}

type Obj = Record<string, unknown>;

/** The Secret `item` produces, or undefined when it produces none (creationPolicy None). */
export function generatedSecret(item: Obj, namespace: string, name: string): GeneratedSecret | undefined {
  const apiVersion = String(item.apiVersion);
  const spec = obj(item.spec);
  if (item.kind === 'ExternalSecret' && apiVersion.startsWith('external-secrets.io/')) return externalSecret(spec, namespace, name);
  if (item.kind === 'SealedSecret' && apiVersion.startsWith('bitnami.com/')) return sealedSecret(spec, namespace, name);
  return undefined;
}

function externalSecret(spec: Obj, namespace: string, name: string): GeneratedSecret | undefined {
  const target = obj(spec.target);
  if (target.creationPolicy === 'None') return undefined;
  const store = obj(spec.secretStoreRef);
  const storeKind = typeof store.kind === 'string' ? store.kind : 'SecretStore';
  // A SecretStore is namespaced; a ClusterSecretStore is one store for every namespace.
  const storeId = `${storeKind}/${storeKind === 'ClusterSecretStore' ? '' : namespace}/${String(store.name ?? '')}`;
  const values: Record<string, SecretValueFacts> = {};
  for (const entry of list(spec.data)) {
    const d = obj(entry);
    if (typeof d.secretKey !== 'string') continue;
    const ref = obj(d.remoteRef);
    values[d.secretKey] = facts(`external:${storeId}:${String(ref.key ?? '')}#${String(ref.property ?? '')}@${String(ref.version ?? '')}`);
  }
  const template = obj(target.template);
  const templated = obj(template.data);
  if (Object.keys(templated).length > 0) {
    // A template replaces the data keys unless its mergePolicy is Merge.
    if (template.mergePolicy !== 'Merge') for (const k of Object.keys(values)) delete values[k];
    for (const k of Object.keys(templated)) values[k] = facts(`external-template:${namespace}/${name}:${k}`);
  }
  const secretName = typeof target.name === 'string' && target.name !== '' ? target.name : name;
  const secret = info(secretName, namespace, values, typeof template.type === 'string' ? template.type : undefined, obj(template.metadata));
  return list(spec.dataFrom).length > 0
    ? {
        secret,
        caveat: `ExternalSecret ${namespace}/${name} also takes keys from dataFrom: Secret ${secretName} may hold keys the files do not name`,
      }
    : { secret };
}

function sealedSecret(spec: Obj, namespace: string, name: string): GeneratedSecret {
  const template = obj(spec.template);
  const meta = obj(template.metadata);
  const values: Record<string, SecretValueFacts> = {};
  for (const k of Object.keys(obj(spec.encryptedData))) values[k] = facts(`sealed:${namespace}/${name}:${k}`);
  // Plain template data is part of the Secret too (not secret, but present).
  for (const k of Object.keys(obj(template.data))) values[k] ??= facts(`sealed-template:${namespace}/${name}:${k}`);
  const secretName = typeof meta.name === 'string' && meta.name !== '' ? meta.name : name;
  return { secret: info(secretName, namespace, values, typeof template.type === 'string' ? template.type : undefined, meta) };
}

function info(name: string, namespace: string, values: Record<string, SecretValueFacts>, type: string | undefined, meta: Obj): SecretInfo {
  const metadata: SecretInfo['metadata'] = { name, namespace };
  const labels = strings(meta.labels);
  const annotations = strings(meta.annotations);
  if (labels !== undefined) metadata.labels = labels;
  if (annotations !== undefined) metadata.annotations = annotations;
  return type === undefined ? { metadata, values, invalidKeys: [] } : { metadata, type, values, invalidKeys: [] };
}

function facts(origin: string): SecretValueFacts {
  return { fingerprint: createHash('sha256').update(origin).digest('hex'), empty: false };
}

function obj(v: unknown): Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {};
}

function list(v: unknown): unknown[] {
  return Array.isArray(v) ? v : [];
}

function strings(v: unknown): Record<string, string> | undefined {
  const o = obj(v);
  const out = Object.fromEntries(Object.entries(o).filter((e): e is [string, string] => typeof e[1] === 'string'));
  return Object.keys(out).length > 0 ? out : undefined;
}
