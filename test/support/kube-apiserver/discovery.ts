// Legacy (unaggregated) discovery documents and a minimal OpenAPI v3, shaped as
// kube-apiserver serves them. Aggregated discovery is not offered: clients that ask
// for it get the legacy lists with a plain application/json content type and fall back.
import { createHash } from 'node:crypto';
import { RESOURCES, groupVersion, groupVersions, storageVersionHash } from './resources.ts';
import type { ResourceDef } from './resources.ts';
import { patchTypesFor } from './patch.ts';

export const KUBE_VERSION = { major: '1', minor: '32', gitVersion: 'v1.32.4' };

export function versionInfo(): Record<string, string> {
  return {
    ...KUBE_VERSION,
    gitCommit: '59526cd4867447956156ae3a602fcbac5c1ec4f5',
    gitTreeState: 'clean',
    buildDate: '2025-04-22T16:02:27Z',
    goVersion: 'go1.23.6',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

export function apiVersions(serverAddress: string): Record<string, unknown> {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }] };
}

function apiGroup(group: string): Record<string, unknown> {
  const versions = groupVersions()
    .filter((gv) => gv.group === group)
    .map((gv) => ({ groupVersion: `${group}/${gv.version}`, version: gv.version }));
  return { name: group, versions, preferredVersion: versions[0] };
}

export function apiGroupList(): Record<string, unknown> {
  const groups = [...new Set(groupVersions().map((gv) => gv.group))].filter((g) => g !== '');
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: groups.map(apiGroup) };
}

export function apiGroupDoc(group: string): Record<string, unknown> | undefined {
  if (!groupVersions().some((gv) => gv.group === group && group !== '')) return undefined;
  return { kind: 'APIGroup', apiVersion: 'v1', ...apiGroup(group) };
}

function resourceEntry(r: ResourceDef): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    name: r.plural,
    singularName: r.singular,
    namespaced: r.namespaced,
    kind: r.kind,
    verbs: r.verbs,
  };
  if (r.shortNames.length > 0) entry.shortNames = r.shortNames;
  if (r.categories.length > 0) entry.categories = r.categories;
  if (!r.virtual) entry.storageVersionHash = storageVersionHash(r);
  return entry;
}

function subresourceEntries(r: ResourceDef): Record<string, unknown>[] {
  return r.subresources.map((sub) => {
    if (sub === 'token') {
      return {
        name: `${r.plural}/token`,
        singularName: '',
        namespaced: true,
        group: 'authentication.k8s.io',
        version: 'v1',
        kind: 'TokenRequest',
        verbs: ['create'],
      };
    }
    if (sub === 'finalize')
      return { name: `${r.plural}/finalize`, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: ['update'] };
    return { name: `${r.plural}/${sub}`, singularName: '', namespaced: r.namespaced, kind: r.kind, verbs: ['get', 'patch', 'update'] };
  });
}

export function apiResourceList(group: string, version: string): Record<string, unknown> | undefined {
  const defs = RESOURCES.filter((r) => r.group === group && r.version === version);
  if (defs.length === 0) return undefined;
  const resources = defs.flatMap((r) => [resourceEntry(r), ...subresourceEntries(r)]);
  const doc: Record<string, unknown> = { kind: 'APIResourceList' };
  if (group !== '') doc.apiVersion = 'v1';
  doc.groupVersion = groupVersion({ group, version });
  doc.resources = resources;
  return doc;
}

function openapiKey(gv: { group: string; version: string }): string {
  return gv.group === '' ? `api/${gv.version}` : `apis/${gv.group}/${gv.version}`;
}

/** /openapi/v3: one entry per group version. */
export function openapiV3Root(): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  for (const gv of groupVersions()) {
    const key = openapiKey(gv);
    paths[key] = {
      serverRelativeURL: `/openapi/v3/${key}?hash=${createHash('sha256').update(key).digest('hex').slice(0, 16).toUpperCase()}`,
    };
  }
  return { paths };
}

/**
 * A group version's OpenAPI v3 document with paths and operations only: enough for kubectl
 * to see that fieldValidation is supported (so it skips client-side schema validation) and
 * which patch types each kind takes. No component schemas, so kubectl computes strategic
 * merge patches from its built-in types, as it does for any server without schemas.
 */
export function openapiV3Doc(key: string): Record<string, unknown> | undefined {
  const gv = groupVersions().find((g) => openapiKey(g) === key);
  if (gv === undefined) return undefined;
  const paths: Record<string, unknown> = {};
  const param = (name: string, where: string): Record<string, unknown> => ({
    name,
    in: where,
    schema: { type: 'string', uniqueItems: true },
  });
  for (const r of RESOURCES.filter((x) => x.group === gv.group && x.version === gv.version && !x.virtual)) {
    const gvk = { group: r.group, version: r.version, kind: r.kind };
    const prefix = `/${key}${r.namespaced ? '/namespaces/{namespace}' : ''}/${r.plural}`;
    const bodyTypes = Object.fromEntries(
      patchTypesFor(r)
        .filter((t) => !t.includes('strategic'))
        .map((t) => [t, { schema: { type: 'object' } }]),
    );
    paths[`${prefix}/{name}`] = {
      parameters: [param('name', 'path'), ...(r.namespaced ? [param('namespace', 'path')] : []), param('pretty', 'query')],
      get: { operationId: `read${r.kind}`, 'x-kubernetes-action': 'get', 'x-kubernetes-group-version-kind': gvk },
      put: {
        operationId: `replace${r.kind}`,
        'x-kubernetes-action': 'put',
        'x-kubernetes-group-version-kind': gvk,
        parameters: [param('dryRun', 'query'), param('fieldManager', 'query'), param('fieldValidation', 'query')],
      },
      patch: {
        operationId: `patch${r.kind}`,
        'x-kubernetes-action': 'patch',
        'x-kubernetes-group-version-kind': gvk,
        requestBody: { content: bodyTypes, required: true },
        parameters: [param('dryRun', 'query'), param('fieldManager', 'query'), param('fieldValidation', 'query'), param('force', 'query')],
      },
      delete: { operationId: `delete${r.kind}`, 'x-kubernetes-action': 'delete', 'x-kubernetes-group-version-kind': gvk },
    };
    paths[prefix] = {
      get: { operationId: `list${r.kind}`, 'x-kubernetes-action': 'list', 'x-kubernetes-group-version-kind': gvk },
      post: { operationId: `create${r.kind}`, 'x-kubernetes-action': 'post', 'x-kubernetes-group-version-kind': gvk },
    };
  }
  return { openapi: '3.0.0', info: { title: 'Kubernetes', version: KUBE_VERSION.gitVersion }, paths, components: { schemas: {} } };
}
