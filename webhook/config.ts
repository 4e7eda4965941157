// Command-line flags, each also readable from KFSTORE_<FLAG> (e.g. KFSTORE_TLS_CERT); a flag wins.
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';

export type ClusterMode = { kind: 'none' } | { kind: 'in-cluster' } | { kind: 'kubeconfig'; path: string };

export interface WebhookConfig {
  policy: string;
  tlsCert: string;
  tlsKey: string;
  host: string;
  port: number;
  metricsPort: number;
  cluster: ClusterMode;
  logLevel: string;
  shutdownDelaySeconds: number;
  certPollSeconds: number;
  validationWorkers: number;
  validationDeadlineMs: number;
  maxConnections: number;
  connectionIdleMs: number;
  requestTimeoutMs: number;
}

export const USAGE = `Usage: kfstore-webhook --policy FILE --tls-cert FILE --tls-key FILE [flags]

Admission webhook that injects per-profile object-store settings into Kubeflow Pipelines pods
and validates kfp-launcher ConfigMaps.

Flags (each also as an environment variable KFSTORE_<FLAG>, e.g. KFSTORE_TLS_CERT):
  --policy FILE              StorePolicy (kfstore.dev/v1alpha1)
  --tls-cert FILE            serving certificate (PEM), re-read when it changes
  --tls-key FILE             serving key (PEM), re-read when it changes
  --host ADDR                listen address (default 0.0.0.0)
  --port N                   HTTPS port for /mutate/pods, /validate/kfp-launcher, /validate/workflows,
                             /healthz, /readyz (default 8443)
  --metrics-port N           plain-HTTP port for /metrics; 0 disables it (default 9090)
  --kubeconfig FILE          use this kubeconfig for cluster lookups
  --in-cluster               use the pod's service account for cluster lookups
  --no-cluster               no API server at all (Secret existence is not checked)
  --log-level LEVEL          trace, debug, info, warn or error (default info)
  --shutdown-delay SECONDS   keep serving after SIGTERM while endpoints update (default 5)
  --cert-poll SECONDS        certificate re-read interval besides file events (default 10)
  --validation-workers N     worker threads for kfp-launcher and run validation, and oversized
                             pod reviews (default: CPUs - 1, from 1 to 2), at lower CPU priority
  --validation-deadline SECONDS
                             time a validation review may take, from arrival (default 1)
  --max-connections N        open connections at most; idle ones are evicted first (default 1024)
  --connection-idle-timeout SECONDS
                             from accept to the first request's headers (default 10)
  --request-timeout SECONDS  to receive a whole request once it started (default 10)
  -h, --help                 this help
`;

const FLAGS = {
  policy: { type: 'string' },
  'tls-cert': { type: 'string' },
  'tls-key': { type: 'string' },
  host: { type: 'string' },
  port: { type: 'string' },
  'metrics-port': { type: 'string' },
  kubeconfig: { type: 'string' },
  'in-cluster': { type: 'boolean' },
  'no-cluster': { type: 'boolean' },
  'log-level': { type: 'string' },
  'shutdown-delay': { type: 'string' },
  'cert-poll': { type: 'string' },
  'validation-workers': { type: 'string' },
  'validation-deadline': { type: 'string' },
  'max-connections': { type: 'string' },
  'connection-idle-timeout': { type: 'string' },
  'request-timeout': { type: 'string' },
  help: { type: 'boolean', short: 'h' },
} as const;

export type ConfigResult = { ok: true; config: WebhookConfig } | { ok: false; help: true } | { ok: false; help: false; error: string };

export function parseConfig(argv: string[], env: Record<string, string | undefined>): ConfigResult {
  let values: Record<string, string | boolean | undefined>;
  try {
    values = parseArgs({ args: argv, options: FLAGS, strict: true, allowPositionals: false }).values;
  } catch (e) {
    return { ok: false, help: false, error: e instanceof Error ? e.message : String(e) };
  }
  if (values.help === true) return { ok: false, help: true };
  const get = (flag: keyof typeof FLAGS): string | undefined => {
    const v = values[flag];
    if (typeof v === 'string') return v;
    if (v === true) return 'true';
    return env[`KFSTORE_${flag.replaceAll('-', '_').toUpperCase()}`];
  };
  const errors: string[] = [];
  const required = (flag: 'policy' | 'tls-cert' | 'tls-key'): string => {
    const v = get(flag);
    if (v === undefined || v === '') errors.push(`--${flag} is required`);
    return v ?? '';
  };
  const number = (flag: keyof typeof FLAGS, fallback: number, min: number, max: number): number => {
    const raw = get(flag);
    if (raw === undefined || raw === '') return fallback;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < min || n > max) errors.push(`--${flag} must be a whole number from ${min} to ${max}, got '${raw}'`);
    return n;
  };
  const seconds = (flag: keyof typeof FLAGS, fallback: number, min: number, max: number): number => {
    const raw = get(flag);
    if (raw === undefined || raw === '') return fallback * 1000;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < min || n > max) errors.push(`--${flag} must be a number of seconds from ${min} to ${max}, got '${raw}'`);
    return Math.round(n * 1000);
  };
  const bool = (flag: keyof typeof FLAGS): boolean => {
    const raw = get(flag);
    if (raw === undefined || raw === '' || raw === 'false' || raw === '0') return false;
    if (raw === 'true' || raw === '1') return true;
    errors.push(`--${flag} must be true or false, got '${raw}'`);
    return false;
  };
  const config: WebhookConfig = {
    policy: required('policy'),
    tlsCert: required('tls-cert'),
    tlsKey: required('tls-key'),
    host: get('host') ?? '0.0.0.0',
    port: number('port', 8443, 0, 65535),
    metricsPort: number('metrics-port', 9090, 0, 65535),
    cluster: { kind: 'none' },
    logLevel: get('log-level') ?? 'info',
    shutdownDelaySeconds: number('shutdown-delay', 5, 0, 300),
    certPollSeconds: number('cert-poll', 10, 1, 3600),
    // One core stays for the main thread (pod mutation), at most two workers by default.
    validationWorkers: number('validation-workers', Math.min(2, Math.max(1, availableParallelism() - 1)), 1, 16),
    validationDeadlineMs: seconds('validation-deadline', 1, 0.05, 4),
    maxConnections: number('max-connections', 1024, 16, 65536),
    connectionIdleMs: seconds('connection-idle-timeout', 10, 0.1, 120),
    requestTimeoutMs: seconds('request-timeout', 10, 0.1, 120),
  };
  if (!['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent'].includes(config.logLevel))
    errors.push(`--log-level must be trace, debug, info, warn or error, got '${config.logLevel}'`);
  const kubeconfig = get('kubeconfig');
  const modes = [kubeconfig !== undefined && kubeconfig !== '', bool('in-cluster'), bool('no-cluster')].filter(Boolean).length;
  if (modes > 1) errors.push('choose one of --kubeconfig, --in-cluster and --no-cluster');
  else if (kubeconfig !== undefined && kubeconfig !== '') config.cluster = { kind: 'kubeconfig', path: kubeconfig };
  else if (bool('in-cluster') || (modes === 0 && env.KUBERNETES_SERVICE_HOST !== undefined)) config.cluster = { kind: 'in-cluster' };
  else if (modes === 0) errors.push('no cluster access configured: pass --kubeconfig FILE, --in-cluster, or --no-cluster');
  return errors.length > 0 ? { ok: false, help: false, error: errors.join('\n') } : { ok: true, config };
}
