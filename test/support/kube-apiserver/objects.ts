// Per-kind decoding, defaulting and validation: what the real server's scheme
// decoder, registry strategies and validation do to an object before it is stored.
import { randomInt, randomUUID } from 'node:crypto';
import { defaultAdmissionConfig, validateAdmissionConfig } from './admission-config.ts';
import { sizeCauses, updateCauses } from './data-rules.ts';
import { groupVersion } from './resources.ts';
import type { ResourceDef } from './resources.ts';
import { ApiError, badRequest, invalid, statusOf } from './status.ts';
import type { KubeObject, ObjectMeta, StatusCause } from './types.ts';
import { isRecord } from './types.ts';

const SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1035 = /^[a-z]([-a-z0-9]*[a-z0-9])?$/;
const QUALIFIED_NAME = /^[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/;
const LABEL_VALUE = /^([A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?)?$/;
const CONFIG_KEY = /^[-._a-zA-Z0-9]+$/;
const SUBDOMAIN_MSG =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
const LABEL_MSG =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const DNS1035_MSG =
  "a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')";
const NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';

function goType(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'array';
  if (typeof value === 'boolean') return 'bool';
  return typeof value;
}

function decodeError(def: ResourceDef, detail: string): ApiError {
  return badRequest(`${def.kind} in version "${def.version}" cannot be handled as a ${def.kind}: ${detail}`);
}

/** Go's base64.StdEncoding rules (newlines ignored); returns the offending byte index or -1. */
export function base64ErrorIndex(value: string): number {
  const s = value.replace(/[\r\n]/g, '');
  for (let i = 0; i < s.length; i += 1) {
    const ch = s[i] ?? '';
    if (ch === '=') {
      const rest = s.slice(i);
      if (!/^={1,2}$/.test(rest) || s.length % 4 !== 0 || rest.length > 2) return i;
      return -1;
    }
    if (!/[A-Za-z0-9+/]/.test(ch)) return i;
  }
  return s.length % 4 === 0 ? -1 : s.length - (s.length % 4);
}

function stringMap(def: ResourceDef, value: unknown, goField: string): Record<string, string> | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value))
    throw decodeError(def, `json: cannot unmarshal ${goType(value)} into Go struct field ${goField} of type map[string]string`);
  for (const v of Object.values(value)) {
    if (typeof v !== 'string') throw decodeError(def, `json: cannot unmarshal ${goType(v)} into Go struct field ${goField} of type string`);
  }
  return value as Record<string, string>;
}

function base64Map(def: ResourceDef, value: unknown, goField: string): void {
  if (value === undefined || value === null) return;
  if (!isRecord(value))
    throw decodeError(def, `json: cannot unmarshal ${goType(value)} into Go struct field ${goField} of type map[string][]uint8`);
  for (const v of Object.values(value)) {
    if (v === null) continue;
    if (typeof v !== 'string')
      throw decodeError(def, `json: cannot unmarshal ${goType(v)} into Go struct field ${goField} of type []uint8`);
    const at = base64ErrorIndex(v);
    if (at >= 0) throw decodeError(def, `illegal base64 data at input byte ${at}`);
  }
}

/** JSON body → object of this resource, with 400s worded like the real decoder's. */
export function decodeObject(def: ResourceDef, body: unknown): KubeObject {
  if (!isRecord(body))
    throw badRequest(
      `couldn't get version/kind; json parse error: json: cannot unmarshal ${goType(body)} into Go value of type struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }`,
    );
  const gv = groupVersion(def);
  if (body.apiVersion !== undefined && body.apiVersion !== gv) {
    throw badRequest(`the API version in the data (${String(body.apiVersion)}) does not match the expected API version (${gv})`);
  }
  if (body.kind !== undefined && body.kind !== def.kind) {
    throw badRequest(
      `${String(body.kind)} in version "${def.version}" cannot be handled as a ${def.kind}: the kind in the data does not match the expected kind`,
    );
  }
  const metadata = body.metadata ?? {};
  if (!isRecord(metadata))
    throw decodeError(def, `json: cannot unmarshal ${goType(metadata)} into Go struct field ${def.kind}.metadata of type v1.ObjectMeta`);
  stringMap(def, metadata.labels, 'ObjectMeta.metadata.labels');
  stringMap(def, metadata.annotations, 'ObjectMeta.metadata.annotations');
  for (const field of ['name', 'generateName', 'namespace', 'resourceVersion', 'uid'] as const) {
    const v = metadata[field];
    if (v !== undefined && v !== null && typeof v !== 'string')
      throw decodeError(def, `json: cannot unmarshal ${goType(v)} into Go struct field ObjectMeta.metadata.${field} of type string`);
  }
  if (def.kind === 'ConfigMap') {
    stringMap(def, body.data, 'ConfigMap.data');
    base64Map(def, body.binaryData, 'ConfigMap.binaryData');
  }
  if (def.kind === 'Secret') {
    base64Map(def, body.data, 'Secret.data');
    stringMap(def, body.stringData, 'Secret.stringData');
  }
  const { apiVersion: _a, kind: _k, metadata: _m, ...rest } = body;
  return { apiVersion: gv, kind: def.kind, metadata: { ...metadata } as ObjectMeta, ...rest };
}

function rec(parent: Record<string, unknown>, key: string): Record<string, unknown> {
  const cur = parent[key];
  if (isRecord(cur)) return cur;
  const fresh: Record<string, unknown> = {};
  parent[key] = fresh;
  return fresh;
}

let nextClusterIP = 10;

/** Scheme defaulting, applied as the body is decoded (before admission), as the real server does. */
export function applyDefaults(def: ResourceDef, obj: KubeObject): void {
  if (def.kind === 'Secret' && (obj.type === undefined || obj.type === '')) obj.type = 'Opaque';
  if (def.kind === 'Pod') {
    const spec = rec(obj, 'spec');
    spec.restartPolicy ??= 'Always';
    spec.dnsPolicy ??= 'ClusterFirst';
    spec.schedulerName ??= 'default-scheduler';
    spec.terminationGracePeriodSeconds ??= 30;
    spec.securityContext ??= {};
    const containers = Array.isArray(spec.containers) ? spec.containers : [];
    for (const c of containers) {
      if (!isRecord(c)) continue;
      c.terminationMessagePath ??= '/dev/termination-log';
      c.terminationMessagePolicy ??= 'File';
      c.imagePullPolicy ??=
        typeof c.image === 'string' && (c.image.endsWith(':latest') || !c.image.includes(':')) ? 'Always' : 'IfNotPresent';
      c.resources ??= {};
    }
  }
  if (def.kind === 'Service') {
    const spec = rec(obj, 'spec');
    spec.type ??= 'ClusterIP';
    spec.sessionAffinity ??= 'None';
    spec.internalTrafficPolicy ??= 'Cluster';
    if (Array.isArray(spec.ports)) {
      for (const p of spec.ports) {
        if (!isRecord(p)) continue;
        p.protocol ??= 'TCP';
        p.targetPort ??= p.port;
      }
    }
  }
  if (def.kind === 'Deployment') {
    const spec = rec(obj, 'spec');
    spec.replicas ??= 1;
    spec.revisionHistoryLimit ??= 10;
    spec.progressDeadlineSeconds ??= 600;
    spec.strategy ??= { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } };
  }
  if (def.kind === 'MutatingWebhookConfiguration' || def.kind === 'ValidatingWebhookConfiguration') {
    const webhooks = Array.isArray(obj.webhooks) ? obj.webhooks : [];
    for (const w of webhooks) {
      if (!isRecord(w)) continue;
      w.failurePolicy ??= 'Fail';
      w.matchPolicy ??= 'Equivalent';
      w.timeoutSeconds ??= 10;
      w.namespaceSelector ??= {};
      w.objectSelector ??= {};
      if (def.kind === 'MutatingWebhookConfiguration') w.reinvocationPolicy ??= 'Never';
    }
  }
  defaultAdmissionConfig(def, obj);
}

export function timestamp(now: Date): string {
  return now.toISOString().replace(/\.\d{3}Z$/, 'Z');
}

function generateName(prefix: string): string {
  let suffix = '';
  for (let i = 0; i < 5; i += 1) suffix += NAME_ALPHABET[randomInt(NAME_ALPHABET.length)];
  return `${prefix}${suffix}`;
}

function mergeStringData(obj: KubeObject): void {
  if (!isRecord(obj.stringData)) {
    delete obj.stringData;
    return;
  }
  const data: Record<string, unknown> = isRecord(obj.data) ? { ...obj.data } : {};
  for (const [k, v] of Object.entries(obj.stringData)) data[k] = Buffer.from(String(v), 'utf8').toString('base64');
  obj.data = data;
  delete obj.stringData;
}

function specOf(obj: KubeObject): string {
  const { metadata: _m, status: _s, ...rest } = obj;
  return JSON.stringify(rest);
}

/** Registry strategy for create: system fields, generated names, status reset. */
export function prepareForCreate(def: ResourceDef, obj: KubeObject, now: Date): void {
  const meta = obj.metadata;
  if ((meta.name === undefined || meta.name === '') && typeof meta.generateName === 'string' && meta.generateName !== '') {
    meta.name = generateName(meta.generateName);
  }
  meta.uid = randomUUID();
  meta.creationTimestamp = timestamp(now);
  delete meta.resourceVersion;
  delete meta.deletionTimestamp;
  delete meta.deletionGracePeriodSeconds;
  if (!def.namespaced) delete meta.namespace;
  if (def.tracksGeneration) meta.generation = 1;
  else delete meta.generation;
  if (def.kind === 'Secret') mergeStringData(obj);
  if (def.kind === 'Namespace') {
    meta.labels = { ...(meta.labels ?? {}), 'kubernetes.io/metadata.name': meta.name ?? '' };
    obj.spec = { finalizers: ['kubernetes'] };
    obj.status = { phase: 'Active' };
  }
  if (def.kind === 'Pod') {
    obj.status = { phase: 'Pending', qosClass: 'BestEffort' };
  }
  if (def.kind === 'Deployment') obj.status = {};
  if (def.kind === 'Service') {
    const spec = rec(obj, 'spec');
    if (spec.clusterIP === undefined && spec.type !== 'ExternalName') {
      nextClusterIP += 1;
      spec.clusterIP = `10.96.${Math.floor(nextClusterIP / 250)}.${nextClusterIP % 250}`;
    }
    if (typeof spec.clusterIP === 'string') spec.clusterIPs ??= [spec.clusterIP];
    spec.ipFamilies ??= ['IPv4'];
    spec.ipFamilyPolicy ??= 'SingleStack';
    obj.status = { loadBalancer: {} };
  }
}

/** Registry strategy for update: keep system fields, keep status behind a status subresource. */
export function prepareForUpdate(def: ResourceDef, old: KubeObject, obj: KubeObject, subresource: string | undefined): void {
  const meta = obj.metadata;
  meta.uid = old.metadata.uid;
  meta.creationTimestamp = old.metadata.creationTimestamp;
  if (old.metadata.deletionTimestamp !== undefined) meta.deletionTimestamp = old.metadata.deletionTimestamp;
  else delete meta.deletionTimestamp;
  if (def.namespaced) meta.namespace = old.metadata.namespace;
  else delete meta.namespace;
  if (def.kind === 'Secret') mergeStringData(obj);
  if (subresource === 'status') {
    // Only status may change through /status.
    const status = obj.status;
    for (const key of Object.keys(obj)) delete obj[key];
    Object.assign(obj, structuredClone(old), { status });
    return;
  }
  if (def.subresources.includes('status') || def.kind === 'Namespace') {
    if (old.status === undefined) delete obj.status;
    else obj.status = structuredClone(old.status);
  }
  if (def.kind === 'Namespace') {
    meta.labels = { ...(meta.labels ?? {}), 'kubernetes.io/metadata.name': meta.name ?? '' };
    obj.spec = structuredClone(old.spec);
  }
  if (def.kind === 'Service' && isRecord(obj.spec) && isRecord(old.spec) && obj.spec.clusterIP === undefined) {
    obj.spec.clusterIP = old.spec.clusterIP;
    obj.spec.clusterIPs = old.spec.clusterIPs;
  }
  if (def.tracksGeneration) {
    const gen = typeof old.metadata.generation === 'number' ? old.metadata.generation : 1;
    meta.generation = specOf(old) === specOf(obj) ? gen : gen + 1;
  } else {
    delete meta.generation;
  }
}

function cause(field: string, message: string, reason = 'FieldValueInvalid'): Required<StatusCause> {
  return { reason, message, field };
}

function validateName(def: ResourceDef, name: string | undefined, out: Required<StatusCause>[]): void {
  if (name === undefined || name === '') {
    out.push(cause('metadata.name', 'Required value: name or generateName is required', 'FieldValueRequired'));
    return;
  }
  const [re, msg] =
    def.kind === 'Namespace' ? [LABEL, LABEL_MSG] : def.kind === 'Service' ? [DNS1035, DNS1035_MSG] : [SUBDOMAIN, SUBDOMAIN_MSG];
  const limit = re === SUBDOMAIN ? 253 : 63;
  if (name.length > limit) out.push(cause('metadata.name', `Invalid value: "${name}": must be no more than ${limit} characters`));
  else if (!re.test(name)) out.push(cause('metadata.name', `Invalid value: "${name}": ${msg}`));
}

function validateLabels(labels: Record<string, string> | undefined, out: Required<StatusCause>[]): void {
  for (const [key, value] of Object.entries(labels ?? {})) {
    const slash = key.lastIndexOf('/');
    const prefix = slash >= 0 ? key.slice(0, slash) : undefined;
    const name = slash >= 0 ? key.slice(slash + 1) : key;
    if ((prefix !== undefined && (!SUBDOMAIN.test(prefix) || prefix.length > 253)) || !QUALIFIED_NAME.test(name) || name.length > 63) {
      out.push(
        cause(
          'metadata.labels',
          `Invalid value: "${key}": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')`,
        ),
      );
    }
    if (value.length > 63 || !LABEL_VALUE.test(value)) {
      out.push(
        cause(
          'metadata.labels',
          `Invalid value: "${value}": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')`,
        ),
      );
    }
  }
}

function validateKeys(field: string, value: unknown, out: Required<StatusCause>[]): void {
  if (!isRecord(value)) return;
  for (const key of Object.keys(value)) {
    if (!CONFIG_KEY.test(key) || key === '.' || key === '..') {
      out.push(
        cause(
          `${field}[${key}]`,
          `Invalid value: "${key}": a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')`,
        ),
      );
    }
  }
}

/** Field validation (with `old`: update validation first); throws a 422 Invalid listing every problem. */
export function validateObject(def: ResourceDef, obj: KubeObject, old?: KubeObject): void {
  const out: Required<StatusCause>[] = old === undefined ? [] : updateCauses(def, old, obj);
  validateName(def, obj.metadata.name, out);
  validateLabels(obj.metadata.labels, out);
  if (def.kind === 'ConfigMap') {
    validateKeys('data', obj.data, out);
    validateKeys('binaryData', obj.binaryData, out);
  }
  if (def.kind === 'Secret') validateKeys('data', obj.data, out);
  out.push(...sizeCauses(def, obj));
  if (def.kind === 'Pod') {
    const spec = isRecord(obj.spec) ? obj.spec : {};
    const containers = Array.isArray(spec.containers) ? spec.containers : [];
    if (containers.length === 0) out.push(cause('spec.containers', 'Required value', 'FieldValueRequired'));
    containers.forEach((c, i) => {
      if (!isRecord(c) || typeof c.name !== 'string' || c.name === '')
        out.push(cause(`spec.containers[${i}].name`, 'Required value', 'FieldValueRequired'));
      if (!isRecord(c) || typeof c.image !== 'string' || c.image === '')
        out.push(cause(`spec.containers[${i}].image`, 'Required value', 'FieldValueRequired'));
    });
  }
  if (def.kind === 'Deployment') {
    const spec = isRecord(obj.spec) ? obj.spec : {};
    if (!isRecord(spec.selector)) out.push(cause('spec.selector', 'Required value', 'FieldValueRequired'));
    const template = isRecord(spec.template) ? spec.template : {};
    const tSpec = isRecord(template.spec) ? template.spec : {};
    if (!Array.isArray(tSpec.containers) || tSpec.containers.length === 0)
      out.push(cause('spec.template.spec.containers', 'Required value', 'FieldValueRequired'));
  }
  if (def.kind === 'MutatingWebhookConfiguration' || def.kind === 'ValidatingWebhookConfiguration') {
    const webhooks = Array.isArray(obj.webhooks) ? obj.webhooks : [];
    webhooks.forEach((w, i) => {
      if (!isRecord(w) || typeof w.name !== 'string' || w.name.split('.').length < 3) {
        out.push(
          cause(
            `webhooks[${i}].name`,
            `Invalid value: "${isRecord(w) ? String(w.name) : ''}": should be a domain with at least three segments separated by dots`,
          ),
        );
      }
      if (isRecord(w) && !['None', 'NoneOnDryRun'].includes(String(w.sideEffects))) {
        out.push(
          cause(
            `webhooks[${i}].sideEffects`,
            `Unsupported value: "${String(w.sideEffects ?? '')}": supported values: "None", "NoneOnDryRun"`,
            'FieldValueNotSupported',
          ),
        );
      }
      if (isRecord(w) && (!Array.isArray(w.admissionReviewVersions) || !w.admissionReviewVersions.includes('v1'))) {
        out.push(cause(`webhooks[${i}].admissionReviewVersions`, 'Required value: must specify one of v1, v1beta1', 'FieldValueRequired'));
      }
    });
  }
  validateAdmissionConfig(def, obj, out);
  if (out.length > 0) throw invalid(def.group, def.kind, obj.metadata.name ?? '', out);
}

/** Namespaced objects may not be created in a namespace that is being deleted. */
export function namespaceTerminating(namespace: string): ApiError {
  return new ApiError(
    statusOf(403, 'Forbidden', `unable to create new content in namespace ${namespace} because it is being terminated`, {
      name: namespace,
      kind: 'namespaces',
      causes: [{ reason: 'NamespaceTerminating', message: `namespace ${namespace} is being terminated`, field: 'metadata.namespace' }],
    }),
  );
}

/** A copy carrying only what PartialObjectMetadata has. */
export function partialMetadata(obj: KubeObject, version = 'v1'): KubeObject {
  return { kind: 'PartialObjectMetadata', apiVersion: `meta.k8s.io/${version}`, metadata: obj.metadata };
}

/** List items carry no kind/apiVersion, as the real server writes them. */
export function listItem(obj: KubeObject): KubeObject {
  const { kind: _k, apiVersion: _a, ...rest } = obj;
  return rest;
}
