// The CEL `request` variable: cel.CreateAdmissionRequest converted with ToUnstructured, so
// empty omitempty fields (name, namespace, subResource, userInfo.groups) are absent keys, not "".
import type { AdmissionAttributes } from './admission.ts';

export function celRequest(a: AdmissionAttributes): Record<string, unknown> {
  const d = a.def;
  const gvk = { group: d.group, version: d.version, kind: d.kind };
  const gvr = { group: d.group, version: d.version, resource: d.plural };
  const userInfo: Record<string, unknown> = {};
  if (a.user.username !== '') userInfo.username = a.user.username;
  if (a.user.uid !== '') userInfo.uid = a.user.uid;
  if (a.user.groups.length > 0) userInfo.groups = [...a.user.groups];
  const request: Record<string, unknown> = { uid: '', kind: gvk, resource: gvr, requestKind: gvk, requestResource: gvr };
  if (a.subresource !== undefined && a.subresource !== '') {
    request.subResource = a.subresource;
    request.requestSubResource = a.subresource;
  }
  if (a.name !== '') request.name = a.name;
  if (a.namespace !== undefined && a.namespace !== '') request.namespace = a.namespace;
  return { ...request, operation: a.operation, userInfo, dryRun: a.dryRun, options: a.options };
}
