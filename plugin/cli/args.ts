// Flags, spelled as kubectl spells them. kubectl refuses flags before a plugin's name, so they all
// come after `kubectl kfstore <command>`.
import { unknownIds } from '../../settings/checks/registry.ts';
import { PluginError } from './errors.ts';
import { parseFlags } from './flags.ts';
import type { FlagSpecs, FlagValues } from './flags.ts';

export type Command = 'inspect' | 'doctor' | 'migrate';
export type OutputFormat = 'table' | 'wide' | 'json' | 'yaml' | ReportFormat;
/** doctor only: findings for CI (plugin/report/). */
export type ReportFormat = 'sarif' | 'junit' | 'github';
const REPORT_FORMATS: readonly string[] = ['sarif', 'junit', 'github'];
export type ColorMode = 'auto' | 'always' | 'never';

/** Tables (plain or wide) are for people; the other formats are documents. */
export function isTable(format: OutputFormat): format is 'table' | 'wide' {
  return format === 'table' || format === 'wide';
}
export type FailOn = 'error' | 'warn' | 'info';

export interface CommonFlags {
  kubeconfig?: string;
  context?: string;
  namespace?: string;
  allNamespaces: boolean;
  selector?: string;
  output: OutputFormat;
  filenames: string[];
  /** -k DIR: rendered by `kubectl kustomize`. */
  kustomize?: string;
  /** --exclude GLOB: files and directories -f skips. */
  exclude: string[];
  policy?: string;
  /** The KFP release whose rules apply, instead of the one detected. */
  kfpVersion?: string;
  requestTimeoutSeconds: number;
  noHeaders: boolean;
  color: ColorMode;
  /** kubectl's -v/--v log level: 1 and up print what the run cost (API requests). */
  verbosity: number;
}

export interface DoctorFlags extends CommonFlags {
  failOn: FailOn;
  exitZero: boolean;
  skip: string[];
  only: string[];
  probe: boolean;
  probeWrite: boolean;
  /** Check the KFP installation's own storage settings (namespace kubeflow, or -n) instead of profiles. */
  installation: boolean;
  serviceAccount: string;
  s3CaBundle?: string;
  /** IAM policy documents (JSON) to check against the profiles' identities (usernameWithRole). */
  iamPolicyDir?: string;
}

export const COMMON_OPTIONS = {
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
  namespace: { type: 'string', short: 'n' },
  'all-namespaces': { type: 'boolean', short: 'A' },
  selector: { type: 'string', short: 'l' },
  output: { type: 'string', short: 'o' },
  filename: { type: 'string', short: 'f', multiple: true },
  kustomize: { type: 'string', short: 'k' },
  exclude: { type: 'string', multiple: true },
  policy: { type: 'string' },
  'kfp-version': { type: 'string' },
  'request-timeout': { type: 'string' },
  'no-headers': { type: 'boolean' },
  color: { type: 'string' },
  v: { type: 'string', short: 'v' },
  help: { type: 'boolean', short: 'h' },
} as const satisfies FlagSpecs;

export const DOCTOR_OPTIONS = {
  ...COMMON_OPTIONS,
  'fail-on': { type: 'string' },
  'exit-zero': { type: 'boolean' },
  skip: { type: 'string', multiple: true },
  only: { type: 'string', multiple: true },
  probe: { type: 'boolean' },
  'probe-write': { type: 'boolean' },
  installation: { type: 'boolean' },
  'service-account': { type: 'string' },
  's3-ca-bundle': { type: 'string' },
  'iam-policy-dir': { type: 'string' },
} as const satisfies FlagSpecs;

export interface MigrateFlags extends CommonFlags {
  to: string;
  bucket?: string;
  endpoint?: string;
  region?: string;
  account?: string;
  pathStyle?: boolean;
  rootTemplate?: string;
  secretName?: string;
  cloneSecretFrom?: { namespace: string; name: string };
  dryRun: boolean;
  yes: boolean;
  force: boolean;
  rollback: boolean;
  copyArtifacts: boolean;
  /** Only switch namespaces whose target credentials are known and work; stage nothing. */
  switchOnly: boolean;
  skipTargetCheck: boolean;
  iamPolicyDir?: string;
  outDir?: string;
  /** Migrate the KFP installation's own storage settings (namespace kubeflow, or -n), not profiles. */
  installation: boolean;
}

export const MIGRATE_OPTIONS = {
  ...COMMON_OPTIONS,
  to: { type: 'string' },
  bucket: { type: 'string' },
  endpoint: { type: 'string' },
  region: { type: 'string' },
  account: { type: 'string' },
  'path-style': { type: 'string' },
  'root-template': { type: 'string' },
  'secret-name': { type: 'string' },
  'clone-secret-from': { type: 'string' },
  'dry-run': { type: 'boolean' },
  yes: { type: 'boolean' },
  force: { type: 'boolean' },
  rollback: { type: 'boolean' },
  'copy-artifacts': { type: 'boolean' },
  switch: { type: 'boolean' },
  'skip-target-check': { type: 'boolean' },
  'iam-policy-dir': { type: 'string' },
  'out-dir': { type: 'string' },
  installation: { type: 'boolean' },
} as const satisfies FlagSpecs;

type Values = FlagValues;

/** Commands that take only -o (version, checks). */
export const OUTPUT_ONLY_OPTIONS: FlagSpecs = { output: { type: 'string', short: 'o' }, help: { type: 'boolean', short: 'h' } };

export function parse(argv: string[], options: FlagSpecs): { values: Values; help: boolean } {
  const { values, positionals } = parseFlags(argv, options);
  // --help wins over everything else on the line, as in kubectl.
  if (values.help === true) return { values, help: true };
  if (positionals.length > 0)
    throw new PluginError(`unexpected argument '${positionals[0]}' (flags take values as --flag VALUE); see --help`);
  return { values, help: false };
}

function str(v: Values[string]): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

function ids(v: Values[string]): string[] {
  const list = Array.isArray(v) ? v : typeof v === 'string' ? [v] : [];
  const out = list
    .flatMap((s) => s.split(','))
    .map((s) => s.trim().toUpperCase())
    .filter(Boolean);
  const bad = unknownIds(out)[0];
  if (bad !== undefined) throw new PluginError(`'${bad}' is not a check id; kubectl kfstore checks lists them`);
  return out;
}

function common(values: Values, reports = false): CommonFlags {
  const output = str(values.output) ?? 'table';
  if (output !== 'table' && output !== 'wide' && output !== 'json' && output !== 'yaml' && !(reports && REPORT_FORMATS.includes(output)))
    throw new PluginError(`--output must be table, wide, json${reports ? ', yaml, sarif, junit or github' : ' or yaml'}, got '${output}'`);
  const color = str(values.color) ?? 'auto';
  if (color !== 'auto' && color !== 'always' && color !== 'never')
    throw new PluginError(`--color must be auto, always or never, got '${color}'`);
  const level = str(values.v) ?? '0';
  if (!/^\d+$/.test(level)) throw new PluginError(`-v/--v must be a log level (0-9), got '${level}'`);
  const timeout = str(values['request-timeout']) ?? '30';
  const seconds = Number(timeout.replace(/s$/, ''));
  if (!Number.isFinite(seconds) || seconds <= 0) throw new PluginError(`--request-timeout must be a number of seconds, got '${timeout}'`);
  const flags: CommonFlags = {
    allNamespaces: values['all-namespaces'] === true,
    output: output as OutputFormat,
    filenames: Array.isArray(values.filename) ? values.filename : [],
    exclude: Array.isArray(values.exclude) ? values.exclude : [],
    requestTimeoutSeconds: seconds,
    noHeaders: values['no-headers'] === true,
    color,
    verbosity: Number(level),
  };
  for (const [key, flag] of [
    ['kubeconfig', 'kubeconfig'],
    ['context', 'context'],
    ['namespace', 'namespace'],
    ['selector', 'selector'],
    ['policy', 'policy'],
    ['kfpVersion', 'kfp-version'],
    ['kustomize', 'kustomize'],
  ] as const) {
    const v = str(values[flag]);
    if (v !== undefined) flags[key] = v;
  }
  if (flags.allNamespaces && flags.namespace !== undefined)
    throw new PluginError('--namespace and --all-namespaces cannot be used together');
  return flags;
}

export function parseCommon(argv: string[]): { flags: CommonFlags; help: boolean } {
  const { values, help } = parse(argv, COMMON_OPTIONS);
  return { flags: help ? ({} as CommonFlags) : common(values), help };
}

export function parseDoctor(argv: string[]): { flags: DoctorFlags; help: boolean } {
  const { values, help } = parse(argv, DOCTOR_OPTIONS);
  if (help) return { flags: {} as DoctorFlags, help };
  const failOn = str(values['fail-on']) ?? 'error';
  if (failOn !== 'error' && failOn !== 'warn' && failOn !== 'info')
    throw new PluginError(`--fail-on must be error, warn or info, got '${failOn}'`);
  const flags: DoctorFlags = {
    ...common(values, true),
    failOn,
    exitZero: values['exit-zero'] === true,
    skip: ids(values.skip),
    only: ids(values.only),
    probe: values.probe === true || values['probe-write'] === true,
    probeWrite: values['probe-write'] === true,
    installation: values.installation === true,
    serviceAccount: str(values['service-account']) ?? 'default-editor',
  };
  const ca = str(values['s3-ca-bundle']);
  if (ca !== undefined) flags.s3CaBundle = ca;
  const iam = str(values['iam-policy-dir']);
  if (iam !== undefined) flags.iamPolicyDir = iam;
  return { flags, help };
}

export function parseMigrate(argv: string[]): { flags: MigrateFlags; help: boolean } {
  const { values, help } = parse(argv, MIGRATE_OPTIONS);
  if (help) return { flags: {} as MigrateFlags, help };
  const rollback = values.rollback === true;
  const to = str(values.to);
  if (!rollback && to === undefined) throw new PluginError('--to is required (only --to s3 is supported)');
  if (to !== undefined && to !== 's3') throw new PluginError(`--to must be s3, got '${to}'`);
  const flags: MigrateFlags = {
    ...common(values),
    to: to ?? 's3',
    dryRun: values['dry-run'] === true,
    yes: values.yes === true,
    force: values.force === true,
    rollback,
    copyArtifacts: values['copy-artifacts'] === true,
    switchOnly: values.switch === true,
    skipTargetCheck: values['skip-target-check'] === true,
    installation: values.installation === true,
  };
  const pathStyle = str(values['path-style']);
  if (pathStyle !== undefined) {
    if (pathStyle !== 'true' && pathStyle !== 'false') throw new PluginError(`--path-style must be true or false, got '${pathStyle}'`);
    flags.pathStyle = pathStyle === 'true';
  }
  const clone = str(values['clone-secret-from']);
  if (clone !== undefined) {
    const [namespace, name, extra] = clone.split('/');
    if (namespace === undefined || name === undefined || extra !== undefined || namespace === '' || name === '')
      throw new PluginError(`--clone-secret-from must be NAMESPACE/NAME, got '${clone}'`);
    flags.cloneSecretFrom = { namespace, name };
  }
  for (const [key, flag] of [
    ['bucket', 'bucket'],
    ['endpoint', 'endpoint'],
    ['region', 'region'],
    ['account', 'account'],
    ['rootTemplate', 'root-template'],
    ['secretName', 'secret-name'],
    ['iamPolicyDir', 'iam-policy-dir'],
    ['outDir', 'out-dir'],
  ] as const) {
    const v = str(values[flag]);
    if (v !== undefined) flags[key] = v;
  }
  return { flags, help };
}
