// An in-process kube-apiserver for tests: real HTTPS, real wire protocol (discovery,
// CRUD, lists, watches, Status errors, admission webhooks, TokenRequest), in memory.
import { writeFile } from 'node:fs/promises';
import { createServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { generateCA, issueServingCert } from '../../../certs/ca.ts';
import type { ServiceReference } from './admission.ts';
import { Users, MASTERS } from './auth.ts';
import { createDefaultServiceAccount } from './handlers.ts';
import type { ServerContext } from './handlers.ts';
import { kubeconfigYaml } from './kubeconfig.ts';
import type { KubeconfigOptions } from './kubeconfig.ts';
import { applyDefaults, decodeObject, prepareForCreate, validateObject } from './objects.ts';
import { requireResource } from './resources.ts';
import { ApiServerCore } from './server.ts';
import type { Fault, FaultHandle, FaultMatcher } from './server.ts';
import { ApiError } from './status.ts';
import { Store } from './store.ts';
import { TokenIssuer } from './tokens.ts';
import type { KubeObject, RecordedRequest, Rule } from './types.ts';
import { proxyKey } from './service-proxy.ts';
import type { ServiceHandler } from './service-proxy.ts';
import { WatchRegistry } from './watch.ts';

export type { KubeconfigOptions } from './kubeconfig.ts';
export type { ServiceReference } from './admission.ts';
export type { Fault, FaultHandle, FaultMatcher } from './server.ts';
export type { ProxiedRequest, ProxiedResponse, ServiceHandler } from './service-proxy.ts';
export type { KubeObject, ObjectMeta, RecordedRequest, Rule, Status } from './types.ts';

export interface KubeApiServerOptions {
  /** Port on 127.0.0.1; default 0 (ephemeral). */
  port?: number;
  /** Token of the built-in `admin` user (group system:masters); random by default. */
  adminToken?: string;
  /** Watch events kept for resuming watches; older resourceVersions get 410. Default 10,000. */
  historyLimit?: number;
  /** BOOKMARK interval for watches with allowWatchBookmarks=true. Default 60 s, as the real server. */
  bookmarkIntervalMs?: number;
  /** Create a `default` ServiceAccount in every new namespace (the controller's job). Default true. */
  defaultServiceAccounts?: boolean;
  /** URL for webhooks configured with clientConfig.service. */
  resolveService?: (svc: ServiceReference) => string | undefined;
  /** Clock for timestamps and tokens. */
  now?: () => Date;
}

export interface KubeApiServer {
  /** https://127.0.0.1:<port> */
  readonly url: string;
  readonly port: number;
  /** PEM of the CA that signed the serving certificate. */
  readonly caPem: string;
  /** Service account token issuer (iss claim) and OIDC discovery base URL. */
  readonly issuer: string;
  readonly adminToken: string;
  /** Every request received, in order. */
  readonly requests: RecordedRequest[];
  /** Current global resourceVersion. */
  readonly resourceVersion: string;
  resetRequests(): void;
  addUser(name: string, opts: { token: string; groups?: string[] }): void;
  /** Grants a rule to a user or group name. */
  allow(subject: string, rule: Rule): void;
  /** Removes every rule granted to a user or group name. */
  revoke(subject: string): void;
  tokenFor(user: string): string;
  kubeconfig(user?: string, opts?: KubeconfigOptions): string;
  writeKubeconfig(path: string, user?: string, opts?: KubeconfigOptions): Promise<void>;
  /** Stores objects directly (no HTTP, auth or admission); creates missing namespaces. */
  seed(objects: KubeObject[]): KubeObject[];
  /** Reads stored objects by Kind or plural, e.g. get('ConfigMap', 'team-a', 'x'). */
  get(kind: string, namespace: string | undefined, name: string): KubeObject | undefined;
  list(kind: string, namespace?: string): KubeObject[];
  /**
   * Serves /api/v1/namespaces/NS/services/NAME:PORT/proxy/... from `handler` (the Service object
   * must exist too, as in a cluster); undefined unregisters it.
   */
  serveServiceProxy(namespace: string, service: string, port: string | number, handler: ServiceHandler | undefined): void;
  /** Stores (creates or replaces) a Mutating/ValidatingWebhookConfiguration. */
  registerWebhook(config: KubeObject): KubeObject;
  unregisterWebhook(kind: 'MutatingWebhookConfiguration' | 'ValidatingWebhookConfiguration', name: string): void;
  fail(matcher: FaultMatcher, fault: Fault): FaultHandle;
  clearFaults(): void;
  /** Forgets watch history and list snapshots: older resourceVersions and continue tokens get 410. */
  compact(): void;
  /** Ends every open watch (clients see the stream close); returns how many. */
  closeWatches(): number;
  /** Leaves every open watch connected but silent, bookmarks included; returns how many. */
  muteWatches(): number;
  close(): Promise<void>;
  stop(): Promise<void>;
}

export async function startKubeApiServer(opts: KubeApiServerOptions = {}): Promise<KubeApiServer> {
  const now = opts.now ?? ((): Date => new Date());
  const ca = await generateCA({ commonName: 'kube-apiserver test CA', validityDays: 2, now: now() });
  const serving = await issueServingCert({
    ca,
    commonName: 'kube-apiserver',
    dnsNames: ['localhost', 'kubernetes', 'kubernetes.default.svc'],
    ipAddresses: ['127.0.0.1'],
    validityDays: 1,
    now: now(),
  });

  const store = new Store(opts.historyLimit ?? 10_000);
  const users = new Users();
  const adminToken = opts.adminToken ?? `admin-${crypto.randomUUID()}`;
  users.add('admin', { token: adminToken, groups: [MASTERS] });
  // The issuer URL needs the port, so listen first and attach the handler once the key exists.
  const server = createServer({ cert: serving.certPem, key: serving.keyPem, minVersion: 'TLSv1.2' });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `https://127.0.0.1:${port}`;
  const ctx: ServerContext = {
    store,
    users,
    tokens: await TokenIssuer.create(url),
    watches: new WatchRegistry(),
    admission: { store, resolveService: opts.resolveService },
    now,
    bookmarkIntervalMs: opts.bookmarkIntervalMs ?? 60_000,
    defaultServiceAccounts: opts.defaultServiceAccounts ?? true,
    serviceProxies: new Map(),
  };
  const core = new ApiServerCore(ctx, `127.0.0.1:${port}`);
  server.on('request', core.handler);

  const seedOne = (input: KubeObject): KubeObject => {
    const def = requireResource(input.kind ?? '', input.apiVersion);
    const obj = decodeObject(def, structuredClone(input));
    applyDefaults(def, obj);
    if (def.namespaced) {
      const ns = obj.metadata.namespace ?? 'default';
      obj.metadata.namespace = ns;
      if (store.get(requireResource('Namespace'), undefined, ns) === undefined)
        seedOne({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } });
    }
    prepareForCreate(def, obj, now());
    validateObject(def, obj);
    const stored = store.create(def, obj);
    if (def.kind === 'Namespace' && ctx.defaultServiceAccounts) createDefaultServiceAccount(ctx, stored.metadata.name ?? '');
    return stored;
  };
  const seed = (objects: KubeObject[]): KubeObject[] =>
    objects.map((o) => {
      try {
        return seedOne(o);
      } catch (err) {
        const what = `${o.kind ?? '?'} ${o.metadata.namespace ?? ''}/${o.metadata.name ?? ''}`;
        throw new Error(`kube-apiserver seed of ${what}: ${err instanceof ApiError ? err.status.message : String(err)}`);
      }
    });
  for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease'])
    seed([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }]);

  let closed: Promise<void> | undefined;
  const close = (): Promise<void> => {
    closed ??= new Promise<void>((resolve) => {
      ctx.watches.endAll();
      server.close(() => resolve());
      server.closeAllConnections();
    });
    return closed;
  };

  const api: KubeApiServer = {
    url,
    port,
    caPem: ca.certPem,
    issuer: url,
    adminToken,
    get requests() {
      return core.requests;
    },
    get resourceVersion() {
      return String(store.currentRv());
    },
    resetRequests: () => {
      core.requests.length = 0;
    },
    addUser: (name, o) => {
      users.add(name, o);
    },
    allow: (subject, rule) => users.allow(subject, rule),
    revoke: (subject) => users.revoke(subject),
    tokenFor: (user) => users.tokenOf(user),
    kubeconfig: (user = 'admin', o = {}) => kubeconfigYaml(url, ca.certPem, user, users.tokenOf(user), o),
    writeKubeconfig: async (path, user = 'admin', o = {}) => {
      await writeFile(path, kubeconfigYaml(url, ca.certPem, user, users.tokenOf(user), o), { mode: 0o600 });
    },
    seed,
    get: (kind, namespace, name) => store.get(requireResource(kind), namespace, name),
    list: (kind, namespace) => store.list(requireResource(kind), namespace),
    serveServiceProxy: (namespace, service, port, handler) => {
      const key = proxyKey(namespace, service, port);
      if (handler === undefined) ctx.serviceProxies.delete(key);
      else ctx.serviceProxies.set(key, handler);
    },
    registerWebhook: (config) => {
      const def = requireResource(config.kind ?? '', 'admissionregistration.k8s.io/v1');
      const existing = store.get(def, undefined, config.metadata.name ?? '');
      if (existing === undefined) return seed([config])[0] as KubeObject;
      try {
        const obj = decodeObject(def, structuredClone(config));
        applyDefaults(def, obj);
        validateObject(def, obj);
        return store.update(def, {
          ...obj,
          metadata: { ...obj.metadata, uid: existing.metadata.uid, creationTimestamp: existing.metadata.creationTimestamp },
        });
      } catch (err) {
        throw new Error(`kube-apiserver registerWebhook: ${err instanceof ApiError ? err.status.message : String(err)}`);
      }
    },
    unregisterWebhook: (kind, name) => {
      const def = requireResource(kind);
      if (store.get(def, undefined, name) !== undefined) store.delete(def, undefined, name);
    },
    fail: (matcher, fault) => core.addFault(matcher, fault),
    clearFaults: () => core.clearFaults(),
    compact: () => store.compact(),
    closeWatches: () => ctx.watches.endAll(),
    muteWatches: () => ctx.watches.muteAll(),
    close,
    stop: close,
  };
  return api;
}
