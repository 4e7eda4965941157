// kubeconfig loading with kubectl's rules: --kubeconfig names exactly one file; otherwise every
// file in $KUBECONFIG is merged and the FIRST file to set a value wins (current-context, and each
// cluster/user/context by name); otherwise ~/.kube/config. @kubernetes/client-node merges with the
// last file winning (kubernetes-client/javascript#579), so the merge happens here and the client
// only receives the result.
import { existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, isAbsolute, join, resolve } from 'node:path';
import { parse, stringify } from 'yaml';
import { KubeError } from './errors.ts';

type Named = { name?: unknown; [k: string]: unknown };
type RawConfig = { clusters?: Named[]; users?: Named[]; contexts?: Named[]; 'current-context'?: string; [k: string]: unknown };

export interface KubeconfigSelection {
  /** The merged kubeconfig, as YAML, with every relative path made absolute. */
  yaml: string;
  files: string[];
  context: string;
  /** The file whose current-context was used (absent with --context). */
  contextFile?: string;
  namespace: string;
  server: string;
  user: string;
  /** A bearer token file (kubectl's `tokenFile`, in-cluster service accounts): read per request, as it rotates. */
  tokenFile?: string;
}

export interface KubeconfigOptions {
  kubeconfig?: string;
  context?: string;
  env: Record<string, string | undefined>;
  home: string;
}

const PATH_FIELDS: Record<string, string[]> = {
  clusters: ['certificate-authority'],
  users: ['client-certificate', 'client-key', 'tokenFile', 'token-file'],
};

export function kubeconfigFiles(opts: KubeconfigOptions): string[] {
  if (opts.kubeconfig !== undefined && opts.kubeconfig !== '') return [resolve(opts.kubeconfig)];
  const fromEnv = (opts.env.KUBECONFIG ?? '').split(delimiter).filter((p) => p !== '');
  if (fromEnv.length > 0) return [...new Set(fromEnv.map((p) => resolve(p)))];
  return [join(opts.home, '.kube', 'config')];
}

export function loadKubeconfig(opts: KubeconfigOptions): KubeconfigSelection {
  const files = kubeconfigFiles(opts);
  const explicit = opts.kubeconfig !== undefined && opts.kubeconfig !== '';
  const merged: Required<Pick<RawConfig, 'clusters' | 'users' | 'contexts'>> & RawConfig = {
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [],
    users: [],
    contexts: [],
  };
  let contextFile: string | undefined;
  const readable: string[] = [];
  for (const file of files) {
    if (!existsSync(file)) {
      // kubectl ignores missing files in $KUBECONFIG, but not a missing --kubeconfig.
      if (explicit) throw new KubeError(`kubeconfig ${file}: no such file`);
      continue;
    }
    const raw = readConfig(file);
    readable.push(file);
    for (const section of ['clusters', 'users', 'contexts'] as const) {
      for (const entry of raw[section] ?? []) {
        if (typeof entry?.name !== 'string') throw new KubeError(`kubeconfig ${file}: a ${section} entry has no name`);
        if (merged[section].some((e) => e.name === entry.name)) continue;
        merged[section].push(absolutize(section, entry, dirname(file)));
      }
    }
    if (merged['current-context'] === undefined && typeof raw['current-context'] === 'string' && raw['current-context'] !== '') {
      merged['current-context'] = raw['current-context'];
      contextFile = file;
    }
  }
  if (readable.length === 0)
    throw new KubeError(`no kubeconfig found (looked at ${files.join(', ')}): pass --kubeconfig FILE, or use -f for manifests`);
  const context = opts.context ?? merged['current-context'];
  if (context === undefined || context === '')
    throw new KubeError(`kubeconfig ${readable.join(', ')}: no current-context; pass --context NAME`);
  const ctx = merged.contexts.find((c) => c.name === context);
  if (ctx === undefined) {
    const names = merged.contexts.map((c) => String(c.name));
    throw new KubeError(
      `context "${context}" not found in kubeconfig ${readable.join(', ')} (available: ${names.length > 0 ? names.join(', ') : 'none'})`,
    );
  }
  const details = (ctx.context ?? {}) as { cluster?: string; user?: string; namespace?: string };
  const cluster = merged.clusters.find((c) => c.name === details.cluster);
  if (cluster === undefined)
    throw new KubeError(`context "${context}" names cluster "${details.cluster ?? ''}", which the kubeconfig does not define`);
  const server = String((cluster.cluster as { server?: string } | undefined)?.server ?? '');
  if (server === '') throw new KubeError(`cluster "${String(cluster.name)}" in the kubeconfig has no server`);
  merged['current-context'] = context;
  const selection: KubeconfigSelection = {
    yaml: stringify(merged),
    files: readable,
    context,
    namespace: details.namespace !== undefined && details.namespace !== '' ? details.namespace : 'default',
    server,
    user: details.user ?? '',
  };
  if (opts.context === undefined && contextFile !== undefined) selection.contextFile = contextFile;
  const user = merged.users.find((u) => u.name === details.user)?.user as Record<string, unknown> | undefined;
  const tokenFile = user?.tokenFile ?? user?.['token-file'];
  if (typeof tokenFile === 'string' && tokenFile !== '' && user?.token === undefined) selection.tokenFile = tokenFile;
  return selection;
}

function readConfig(file: string): RawConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (e) {
    throw new KubeError(`kubeconfig ${file}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  let doc: unknown;
  try {
    doc = parse(text);
  } catch (e) {
    throw new KubeError(`kubeconfig ${file}: not valid YAML: ${e instanceof Error ? (e.message.split('\n')[0] ?? '') : String(e)}`);
  }
  if (doc === null || doc === undefined) return {};
  if (typeof doc !== 'object' || Array.isArray(doc))
    throw new KubeError(`kubeconfig ${file}: not a kubeconfig (expected a mapping with clusters, users and contexts)`);
  const raw = doc as RawConfig;
  for (const section of ['clusters', 'users', 'contexts'] as const) {
    if (raw[section] !== undefined && raw[section] !== null && !Array.isArray(raw[section]))
      throw new KubeError(`kubeconfig ${file}: ${section} must be a list`);
  }
  return raw;
}

function absolutize(section: string, entry: Named, dir: string): Named {
  const fields = PATH_FIELDS[section];
  const inner = section === 'clusters' ? 'cluster' : section === 'users' ? 'user' : undefined;
  if (fields === undefined || inner === undefined || typeof entry[inner] !== 'object' || entry[inner] === null) return entry;
  const body = { ...(entry[inner] as Record<string, unknown>) };
  for (const f of fields) {
    const v = body[f];
    if (typeof v === 'string' && v !== '' && !isAbsolute(v)) body[f] = resolve(dir, v);
  }
  return { ...entry, [inner]: body };
}

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** The pod's own service account, as a kubeconfig (the token file is re-read as it rotates). */
export function inClusterKubeconfig(env: Record<string, string | undefined>, saDir = SA_DIR): KubeconfigSelection {
  const host = env.KUBERNETES_SERVICE_HOST;
  const port = env.KUBERNETES_SERVICE_PORT ?? '443';
  if (host === undefined || host === '') throw new KubeError('--in-cluster: KUBERNETES_SERVICE_HOST is not set (not running in a pod?)');
  if (!existsSync(join(saDir, 'token'))) throw new KubeError(`--in-cluster: no service account token at ${saDir}/token`);
  const server = `https://${host.includes(':') ? `[${host}]` : host}:${port}`;
  const yaml = stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [{ name: 'in-cluster', cluster: { server, 'certificate-authority': join(saDir, 'ca.crt') } }],
    users: [{ name: 'service-account', user: { tokenFile: join(saDir, 'token') } }],
    contexts: [{ name: 'in-cluster', context: { cluster: 'in-cluster', user: 'service-account' } }],
    'current-context': 'in-cluster',
  });
  return { yaml, files: [], context: 'in-cluster', namespace: 'default', server, user: 'service-account', tokenFile: join(saDir, 'token') };
}
