// Splits an API path into group/version/namespace/resource/name/subresource and the
// RBAC verb, following k8s.io/apiserver's RequestInfoFactory.

export interface RequestInfo {
  isResource: boolean;
  path: string;
  verb: string;
  apiGroup: string;
  apiVersion: string;
  namespace: string | undefined;
  resource: string | undefined;
  subresource: string | undefined;
  name: string | undefined;
  /** True for watch=true or the deprecated /watch/ path prefix. */
  watch: boolean;
}

const NAMESPACE_SUBRESOURCES = new Set(['status', 'finalize']);

export function requestInfo(method: string, path: string, query: URLSearchParams): RequestInfo {
  const nonResource: RequestInfo = {
    isResource: false,
    path,
    verb: method.toLowerCase(),
    apiGroup: '',
    apiVersion: '',
    namespace: undefined,
    resource: undefined,
    subresource: undefined,
    name: undefined,
    watch: false,
  };
  let parts = path.split('/').filter((p) => p !== '');
  if (parts[0] === 'api') {
    if (parts.length < 3) return nonResource;
    nonResource.apiVersion = parts[1] ?? '';
    parts = parts.slice(2);
  } else if (parts[0] === 'apis') {
    if (parts.length < 4) return nonResource;
    nonResource.apiGroup = parts[1] ?? '';
    nonResource.apiVersion = parts[2] ?? '';
    parts = parts.slice(3);
  } else {
    return nonResource;
  }
  const info: RequestInfo = { ...nonResource, isResource: true };
  const verbs: Record<string, string> = { GET: 'get', HEAD: 'get', POST: 'create', PUT: 'update', PATCH: 'patch', DELETE: 'delete' };
  info.verb = verbs[method] ?? method.toLowerCase();
  if (parts[0] === 'watch') {
    info.verb = 'watch';
    info.watch = true;
    parts = parts.slice(1);
  }
  if (parts[0] === 'namespaces' && parts.length > 1) {
    info.namespace = parts[1];
    if (parts.length > 2 && !NAMESPACE_SUBRESOURCES.has(parts[2] ?? '')) parts = parts.slice(2);
  }
  info.resource = parts[0];
  info.name = parts[1];
  info.subresource = parts[2];
  if (parts.length > 3) info.subresource = parts.slice(2).join('/');
  if (info.name === undefined) {
    if (info.verb === 'get') {
      const w = query.get('watch');
      info.watch = info.watch || w === 'true' || w === '1';
      info.verb = info.watch ? 'watch' : 'list';
    } else if (info.verb === 'delete') {
      info.verb = 'deletecollection';
    }
  }
  return info;
}
