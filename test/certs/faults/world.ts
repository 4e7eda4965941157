// A simulated cluster for the certificate lifecycle under faults. The in-process API server holds
// the Secret and the two webhook configurations; `kfstore-certs ensure` runs in-process against it
// with a simulated clock (the job's, optionally skewed); webhook pods follow the Secret with a
// Secret-volume refresh delay and load a pair only when the webhook's own rule (checkPair) accepts
// it. After every write the API server receives, and at steps as time passes, the chain invariant
// is checked with real X.509 verification at the API server's (true) time:
//   every serving certificate a pod serves, or could load from the Secret within the refresh
//   delay, chains to every caBundle the webhook configurations publish.
// An empty caBundle is not checked: it never trusted anything (before install, or a configuration
// re-applied from manifests, which only the next run can repair).
import assert from 'node:assert/strict';
import { certificateInfo, type KeyPairPem } from '../../../certs/ca.ts';
import { pemCertificates } from '../../../certs/lifecycle/bundle.ts';
import { ensure } from '../../../certs/lifecycle/ensure.ts';
import type { EnsureTarget } from '../../../certs/lifecycle/ensure.ts';
import { serviceDnsNames } from '../../../certs/lifecycle/names.ts';
import type { LifecycleOptions } from '../../../certs/lifecycle/types.ts';
import { publishedBundles } from '../../../certs/lifecycle/webhook-config.ts';
import type { WebhookConfiguration, WebhookKind } from '../../../certs/lifecycle/webhook-config.ts';
import { connect } from '../../../kube-client/api.ts';
import type { KubeApi } from '../../../kube-client/api.ts';
import { loadKubeconfig } from '../../../kube-client/kubeconfig.ts';
import { checkPair } from '../../../webhook/tls-server.ts';
import type { FaultHandle, KubeApiServer, KubeObject } from '../../support/kube-apiserver/index.ts';
import { chainProblem, opensslProblem } from './chain.ts';

export const MINUTE = 60 * 1000;
export const HOUR = 60 * MINUTE;
export const DAY = 24 * HOUR;
const SECRET = 'kfstore-webhook-tls';
const SERVICE = 'kfstore-webhook';

export type WorldOptions = {
  namespace: string;
  start: Date;
  /** Longest delay from a Secret write to a pod having the new files (kubelet sync + cache + poll). */
  refreshMs?: number;
  /** 'both' also asks openssl at every check and fails on any disagreement with node:crypto. */
  verify?: 'node' | 'both';
  lifecycle?: Partial<LifecycleOptions>;
};

export type Violation = { at: string; when: string; problem: string };
export type RunResult = { ok: boolean; lines: string[]; error?: string };
type Leaf = { at: number; pair: KeyPairPem | undefined };

export class World {
  readonly ns: string;
  readonly target: EnsureTarget;
  readonly lifecycle: LifecycleOptions;
  readonly refreshMs: number;
  /** The API server's clock: the truth certificates are judged by. */
  now: number;
  checks = 0;
  /** Checks that found at least one rejected serving certificate: moments of rejection. */
  rejections = 0;
  /** Distinct situations openssl confirmed. */
  opensslChecks = 0;
  private readonly confirmed = new Set<string>();
  readonly violations: Violation[] = [];
  /** Every tls.crt/tls.key the Secret held, with when it started. */
  readonly leaves: Leaf[] = [];
  /** Webhook pods: how far behind the Secret their volume is, and the pair they serve. */
  readonly pods: { lagMs: number; served: KeyPairPem | undefined }[];
  private readonly server: KubeApiServer;
  private readonly api: KubeApi;
  private readonly verify: 'node' | 'both';
  private readonly host: string;

  private constructor(server: KubeApiServer, api: KubeApi, opts: WorldOptions) {
    this.server = server;
    this.api = api;
    this.ns = opts.namespace;
    this.now = opts.start.getTime();
    this.refreshMs = opts.refreshMs ?? 3 * MINUTE;
    this.verify = opts.verify ?? 'node';
    this.host = `${SERVICE}.${this.ns}.svc`;
    this.pods = [0, this.refreshMs / 2, this.refreshMs].map((lagMs) => ({ lagMs, served: undefined }));
    this.target = {
      secret: { namespace: this.ns, name: SECRET },
      webhooks: [
        { kind: 'MutatingWebhookConfiguration', name: `${this.ns}-m` },
        { kind: 'ValidatingWebhookConfiguration', name: `${this.ns}-v` },
      ],
    };
    this.lifecycle = {
      dnsNames: serviceDnsNames(SERVICE, this.ns),
      ipAddresses: [],
      commonName: this.host,
      caDays: 3650,
      leafDays: 90,
      renewBeforeDays: 30,
      caRenewBeforeDays: 180,
      minOverlapHours: 24,
      ...opts.lifecycle,
    };
  }

  static async create(server: KubeApiServer, kubeconfigFile: string, opts: WorldOptions): Promise<World> {
    const api = await connect(loadKubeconfig({ kubeconfig: kubeconfigFile, env: {}, home: '/' }));
    const world = new World(server, api, opts);
    server.seed([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: world.ns } }]);
    for (const ref of world.target.webhooks) world.restoreConfig(ref.kind);
    return world;
  }

  get date(): Date {
    return new Date(this.now);
  }

  /** One `kfstore-certs ensure` with the job's clock `skewMs` off the API server's. */
  async ensure(skewMs = 0, lifecycle: Partial<LifecycleOptions> = {}): Promise<RunResult> {
    const lines: string[] = [];
    const watched: KubeApi = {
      ...this.api,
      send: async <T>(method: 'POST' | 'PUT' | 'PATCH' | 'DELETE', path: string, body?: unknown, contentType?: string): Promise<T> => {
        try {
          return await this.api.send<T>(method, path, body, contentType);
        } finally {
          this.observe();
          this.check(`during a run, after ${method} ${path}`);
        }
      },
    };
    try {
      await ensure(watched, this.target, { ...this.lifecycle, ...lifecycle }, new Date(this.now + skewMs), (l) => lines.push(l));
      return { ok: true, lines };
    } catch (err) {
      return { ok: false, lines, error: err instanceof Error ? err.message : String(err) };
    } finally {
      this.check('after a run');
    }
  }

  /** Moves the true clock forward, checking at least every `stepMs`. */
  advance(ms: number, stepMs = 6 * HOUR): void {
    const end = this.now + ms;
    while (this.now < end) {
      this.now = Math.min(end, this.now + stepMs);
      this.check('as time passes');
    }
  }

  /** The chain invariant at the current true time; returns the problems found (also recorded). */
  check(when: string): string[] {
    // Whole seconds, as certificates and openssl -attime count time.
    const at = new Date(Math.floor(this.now / 1000) * 1000);
    for (const pod of this.pods) {
      const mounted = this.leafAt(this.now - pod.lagMs);
      if (mounted !== undefined && checkPair(mounted.certPem, mounted.keyPem, at) === undefined) pod.served = mounted;
    }
    const candidates = new Map<string, string>();
    for (const pod of this.pods) if (pod.served !== undefined) candidates.set(pod.served.certPem, 'served');
    for (const leaf of this.leaves) {
      if (leaf.pair === undefined || leaf.at < this.now - this.refreshMs || leaf.at > this.now) continue;
      if (checkPair(leaf.pair.certPem, leaf.pair.keyPem, at) === undefined) candidates.set(leaf.pair.certPem, 'about to be served');
    }
    const bundles = this.bundles().filter((b) => b.pem.trim() !== '');
    if (candidates.size === 0 || bundles.length === 0) return [];
    this.checks += 1;
    const problems: string[] = [];
    for (const [leaf, role] of candidates) {
      for (const bundle of bundles) {
        const problem = chainProblem(leaf, bundle.pem, at);
        if (this.verify === 'both') this.crossCheck(leaf, bundle.pem, at, problem);
        if (problem !== undefined) problems.push(`${role} ${problem} (${bundle.where})`);
      }
    }
    for (const problem of problems) this.violations.push({ at: at.toISOString(), when, problem });
    if (problems.length > 0) this.rejections += 1;
    return problems;
  }

  /**
   * openssl must agree with node:crypto, asked once per distinct (leaf, caBundle, verdict): a verdict
   * that changes with time (expiry) is asked again. At a certificate's very notAfter second the two
   * differ by design (OpenSSL counts it expired, Go's x509 as kube-apiserver uses it does not), so
   * that second is not compared.
   */
  private crossCheck(leaf: string, bundle: string, at: Date, problem: string | undefined): void {
    const key = `${leaf}\0${bundle}\0${problem ?? 'OK'}`;
    if (this.confirmed.has(key)) return;
    const boundary = [leaf, ...pemCertificates(bundle)].some((pem) => certificateInfo(pem).notAfter.getTime() === at.getTime());
    if (boundary) return;
    const ssl = opensslProblem(leaf, bundle, at, this.host);
    assert.equal(
      ssl === undefined,
      problem === undefined,
      `node:crypto and openssl disagree at ${at.toISOString()}: node ${problem ?? 'OK'}, openssl ${ssl ?? 'OK'}`,
    );
    this.confirmed.add(key);
    this.opensslChecks += 1;
  }

  /** Each published caBundle (PEM) and where it is. */
  bundles(): { where: string; pem: string }[] {
    return this.target.webhooks.flatMap((ref) => {
      const config = this.server.get(ref.kind, undefined, ref.name) as WebhookConfiguration | undefined;
      return config === undefined ? [] : publishedBundles(config).map((pem, i) => ({ where: `${ref.kind} ${ref.name} webhook ${i}`, pem }));
    });
  }

  secretData(): Record<string, string> {
    const s = this.server.get('Secret', this.ns, SECRET);
    return Object.fromEntries(
      Object.entries((s?.data ?? {}) as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]),
    );
  }

  /** Serial numbers of the CAs the Secret keeps, for assertions. */
  caSerial(key: 'ca.crt' | 'ca-next.crt' = 'ca.crt'): string {
    const pem = this.secretData()[key];
    return pem === undefined || pem === '' ? '' : certificateInfo(pem).serial;
  }

  /** Rewrites the Secret's data as an operator (or a broken backup restore) might. */
  async editSecret(edit: (data: Record<string, string>) => void | Promise<void>): Promise<void> {
    const secret = this.server.get('Secret', this.ns, SECRET);
    assert.ok(secret !== undefined, 'no Secret to edit');
    const data = this.secretData();
    await edit(data);
    const encoded = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')]));
    await this.api.send('PUT', `/api/v1/namespaces/${this.ns}/secrets/${SECRET}`, { ...secret, data: encoded });
    this.observe();
  }

  /** Creates the Secret with this data (PEM text by key), as another tool would have left it. */
  async seedSecret(data: Record<string, string>): Promise<void> {
    const encoded = Object.fromEntries(Object.entries(data).map(([k, v]) => [k, Buffer.from(v, 'utf8').toString('base64')]));
    await this.api.send('POST', `/api/v1/namespaces/${this.ns}/secrets`, {
      apiVersion: 'v1',
      kind: 'Secret',
      metadata: { name: SECRET, namespace: this.ns },
      type: 'kubernetes.io/tls',
      data: encoded,
    });
    this.observe();
  }

  /** Sets caBundle on every webhook of both configurations, as another tool (cainjector) would. */
  publish(bundlePem: string): void {
    for (const ref of this.target.webhooks) {
      const config = webhookConfig(ref.kind, ref.name);
      const caBundle = Buffer.from(bundlePem, 'utf8').toString('base64');
      this.server.registerWebhook({
        ...config,
        webhooks: (config.webhooks as Record<string, unknown>[]).map((w) => ({
          ...w,
          clientConfig: { ...(w.clientConfig as object), caBundle },
        })),
      });
    }
  }

  /** Pods serving a pair that is not in this Secret (another tool's, before a switch). */
  serveExternally(pair: KeyPairPem): void {
    this.leaves.push({ at: this.now, pair });
    this.check("serving another tool's certificate");
  }

  async deleteSecret(): Promise<void> {
    await this.api.send('DELETE', `/api/v1/namespaces/${this.ns}/secrets/${SECRET}`);
    this.observe();
  }

  deleteConfig(kind: WebhookKind): void {
    this.server.unregisterWebhook(kind, this.configName(kind));
  }

  /** (Re-)applies a configuration from manifests: no caBundle. */
  restoreConfig(kind: WebhookKind): void {
    this.server.registerWebhook(webhookConfig(kind, this.configName(kind)));
  }

  /** The next `times` requests of `method` on the Secret or a configuration answer 500. */
  fail(what: 'secret' | WebhookKind, method: 'PUT' | 'POST' | 'PATCH', times = 1): FaultHandle {
    const resource =
      what === 'secret'
        ? 'secrets'
        : what === 'MutatingWebhookConfiguration'
          ? 'mutatingwebhookconfigurations'
          : 'validatingwebhookconfigurations';
    const name = what === 'secret' ? SECRET : this.configName(what);
    return this.server.fail(
      (r) => r.method === method && r.resource === resource && (r.name === name || (method === 'POST' && r.namespace === this.ns)),
      { status: 500, times, message: 'injected fault' },
    );
  }

  private configName(kind: WebhookKind): string {
    return kind === 'MutatingWebhookConfiguration' ? `${this.ns}-m` : `${this.ns}-v`;
  }

  /** Records the Secret's serving pair when it changed. */
  private observe(): void {
    const data = this.secretData();
    const cert = data['tls.crt'];
    const key = data['tls.key'];
    const pair = cert === undefined || key === undefined || cert === '' ? undefined : { certPem: cert, keyPem: key };
    const last = this.leaves.at(-1);
    if (last !== undefined && last.pair?.certPem === pair?.certPem && last.pair?.keyPem === pair?.keyPem) return;
    this.leaves.push({ at: this.now, pair });
  }

  private leafAt(t: number): KeyPairPem | undefined {
    let found: KeyPairPem | undefined;
    for (const leaf of this.leaves) {
      if (leaf.at > t) break;
      found = leaf.pair;
    }
    return found;
  }
}

function webhookConfig(kind: WebhookKind, name: string): KubeObject {
  return {
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind,
    metadata: { name },
    webhooks: ['a', 'b'].map((entry) => ({
      name: `${entry}.kfstore.dev`,
      clientConfig: { service: { namespace: 'kfstore-system', name: SERVICE, path: `/${entry}` } },
      // Only Services, so nothing the simulation creates is sent to a webhook that is not running.
      rules: [{ operations: ['CREATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['services'] }],
      sideEffects: 'None',
      admissionReviewVersions: ['v1'],
      failurePolicy: 'Fail',
    })),
  };
}
