// `kfstore-certs ensure` flags → a validated run description. Bad input is a UsageError (exit 2).
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';
import type { EnsureTarget } from './ensure.ts';
import { normalizeIp, serviceDnsNames } from './names.ts';
import type { LifecycleOptions } from './types.ts';
import type { WebhookRef } from './webhook-config.ts';

export class UsageError extends Error {}

export type EnsureRun = {
  target: EnsureTarget;
  opts: LifecycleOptions;
  connection: { inCluster: boolean; kubeconfig?: string; context?: string };
  now: Date;
};

export const USAGE = `Usage: kfstore-certs ensure --namespace NS --secret NAME --service SVC
         [--mutating NAME]... [--validating NAME]...
         [--kubeconfig FILE [--context NAME] | --in-cluster]
         [--ca-days 3650] [--leaf-days 90] [--renew-before-days 30]
         [--ca-renew-before-days 180] [--min-overlap-hours 24]
         [--extra-dns NAME]... [--extra-ip ADDR]...

Keeps a CA and a serving certificate for SVC (SVC, SVC.NS, SVC.NS.svc, SVC.NS.svc.cluster.local)
in the kubernetes.io/tls Secret NS/NAME, and caBundle on every webhook of the named
Mutating/ValidatingWebhookConfigurations. Idempotent: run it as a Job at install and a daily
CronJob. A CA within --ca-renew-before-days of expiry, or one that cannot sign, is replaced in
runs at least --min-overlap-hours (>= 0.1) apart, trusted alongside the old one meanwhile.
Configurations or Secrets that cert-manager manages are refused; a missing configuration fails
the run after the rest is renewed. KFSTORE_CERTS_NOW (RFC 3339) replaces the clock, for tests.
Exit status: 0 done, 1 failed (one line on stderr), 2 bad flags.`;

/**
 * The kubelet refreshes a mounted Secret within its sync period (1 min, with up to 50% jitter) plus
 * its Secret cache delay (a watch: seconds; a TTL cache: 1 min), and the webhook re-reads the files
 * within its --cert-poll (10 s): about 2.7 min by default. Twice that, rounded up.
 */
export const MIN_OVERLAP_HOURS = 0.1;

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const DNS_NAME = /^(\*\.)?[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

export function parseEnsure(args: string[], env: Record<string, string | undefined>): EnsureRun | 'help' {
  const { values, positionals } = parseArgs({
    args,
    strict: true,
    allowPositionals: true,
    options: {
      namespace: { type: 'string' },
      secret: { type: 'string' },
      service: { type: 'string' },
      mutating: { type: 'string', multiple: true },
      validating: { type: 'string', multiple: true },
      kubeconfig: { type: 'string' },
      context: { type: 'string' },
      'in-cluster': { type: 'boolean' },
      'ca-days': { type: 'string' },
      'leaf-days': { type: 'string' },
      'renew-before-days': { type: 'string' },
      'ca-renew-before-days': { type: 'string' },
      'min-overlap-hours': { type: 'string' },
      'extra-dns': { type: 'string', multiple: true },
      'extra-ip': { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) return 'help';
  if (positionals.length > 0) throw new UsageError(`unexpected argument: ${positionals[0]}`);
  const required = (flag: 'namespace' | 'secret' | 'service', pattern: RegExp, what: string): string => {
    const v = values[flag];
    if (v === undefined || v === '') throw new UsageError(`--${flag} is required`);
    if (!pattern.test(v)) throw new UsageError(`--${flag}: ${JSON.stringify(v)} is not a valid ${what}`);
    return v;
  };
  const namespace = required('namespace', DNS_LABEL, 'namespace name');
  const secret = required('secret', DNS_SUBDOMAIN, 'Secret name');
  const service = required('service', DNS_LABEL, 'Service name');
  const webhooks: WebhookRef[] = [
    ...(values.mutating ?? []).map((name) => ({ kind: 'MutatingWebhookConfiguration' as const, name })),
    ...(values.validating ?? []).map((name) => ({ kind: 'ValidatingWebhookConfiguration' as const, name })),
  ];
  for (const w of webhooks) {
    if (!DNS_SUBDOMAIN.test(w.name))
      throw new UsageError(
        `--${w.kind.startsWith('Mutating') ? 'mutating' : 'validating'}: ${JSON.stringify(w.name)} is not a valid object name`,
      );
  }
  if (values['in-cluster'] && (values.kubeconfig !== undefined || values.context !== undefined))
    throw new UsageError('--in-cluster cannot be combined with --kubeconfig or --context');

  const extraDns = values['extra-dns'] ?? [];
  for (const n of extraDns) if (!DNS_NAME.test(n)) throw new UsageError(`--extra-dns: not a DNS name: ${n}`);
  const extraIp = values['extra-ip'] ?? [];
  for (const ip of extraIp) if (isIP(ip) === 0) throw new UsageError(`--extra-ip: not an IP address: ${ip}`);

  const caDays = integer(values['ca-days'], 'ca-days', 3650, 1);
  const leafDays = integer(values['leaf-days'], 'leaf-days', 90, 1);
  const renewBeforeDays = integer(values['renew-before-days'], 'renew-before-days', 30, 0);
  const caRenewBeforeDays = integer(values['ca-renew-before-days'], 'ca-renew-before-days', 180, 0);
  const minOverlapHours = decimal(values['min-overlap-hours'], 'min-overlap-hours', 24);
  if (minOverlapHours < MIN_OVERLAP_HOURS) {
    throw new UsageError(
      `--min-overlap-hours must be at least ${MIN_OVERLAP_HOURS} (6 minutes), got ${values['min-overlap-hours'] ?? ''}: each phase must outlast a Secret volume refresh in the webhook pods`,
    );
  }
  // Otherwise every run would find the fresh certificate already due and issue another.
  if (renewBeforeDays >= leafDays)
    throw new UsageError(`--renew-before-days (${renewBeforeDays}) must be less than --leaf-days (${leafDays})`);
  if (caRenewBeforeDays >= caDays)
    throw new UsageError(`--ca-renew-before-days (${caRenewBeforeDays}) must be less than --ca-days (${caDays})`);
  // The two overlaps must fit before the old CA's leaves would need a renewal they cannot get.
  if (caRenewBeforeDays * 24 <= renewBeforeDays * 24 + 2 * minOverlapHours) {
    throw new UsageError(`--ca-renew-before-days (${caRenewBeforeDays}) must exceed --renew-before-days plus two --min-overlap-hours`);
  }

  const nowText = env.KFSTORE_CERTS_NOW;
  const now = nowText === undefined || nowText === '' ? new Date() : new Date(nowText);
  if (Number.isNaN(now.getTime())) throw new UsageError(`KFSTORE_CERTS_NOW: not a time: ${JSON.stringify(nowText)}`);

  const dnsNames = serviceDnsNames(service, namespace, extraDns);
  const connection: EnsureRun['connection'] = { inCluster: values['in-cluster'] === true };
  if (values.kubeconfig !== undefined) connection.kubeconfig = values.kubeconfig;
  if (values.context !== undefined) connection.context = values.context;
  return {
    target: { secret: { namespace, name: secret }, webhooks },
    opts: {
      dnsNames,
      ipAddresses: [...new Set(extraIp.map(normalizeIp))],
      commonName: `${service}.${namespace}.svc`,
      caDays,
      leafDays,
      renewBeforeDays,
      caRenewBeforeDays,
      minOverlapHours,
    },
    connection,
    now,
  };
}

function integer(value: string | undefined, flag: string, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min) throw new UsageError(`--${flag} must be an integer >= ${min}, got ${value}`);
  return Number(value);
}

function decimal(value: string | undefined, flag: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+(\.\d+)?$/.test(value)) throw new UsageError(`--${flag} must be a number >= 0, got ${value}`);
  return Number(value);
}
