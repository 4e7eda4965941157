// Lint of a kfp-launcher ConfigMap: errors where KFP 2.17 rejects or crashes on a root this
// ConfigMap can be asked about, warnings for what parses but surprises at run time. The webhook
// denies on errors and warns on the rest; `doctor` reports the same findings.
import { finding, uniqueFindings } from '../findings.ts';
import type { Finding } from '../findings.ts';
import { KNOWN_KEYS, readLauncherConfig } from '../kfp/launcher-config.ts';
import type { LauncherConfig } from '../kfp/launcher-config.ts';
import { parsePipelineRoot, rootContains } from '../kfp/pipeline-root.ts';
import type { PipelineRoot } from '../kfp/pipeline-root.ts';
import { getStoreSessionInfo } from '../kfp/session.ts';
import type { SessionResult, StoreSession } from '../kfp/session.ts';
import { overrideSites } from './launcher-roots.ts';
import type { OverrideSite } from './launcher-roots.ts';
import { queryFindings } from './query-roots.ts';
import { credentialFindings, endpointFindings } from './session-lint.ts';
import type { SecretLookup } from './session-lint.ts';

export type { SecretLookup } from './session-lint.ts';

export interface LauncherLintContext {
  namespace: string;
  /** The profile's own root (StorePolicy); when set, every root must stay inside it. */
  profileRoot?: string;
  /** Secret metadata in the namespace, when a cluster view is available. */
  secrets?: SecretLookup;
}

export interface LauncherLint {
  config: LauncherConfig;
  /** The session KFP computes for the default root, when it computes one. */
  defaultSession: SessionResult;
  findings: Finding[];
}

const MAX_KEY_WARNINGS = 5;
/** Overrides whose roots get a full session check; beyond it, a warning (KFP itself has no limit). */
export const MAX_EVALUATED_OVERRIDES = 256;

/** `config` may be passed when the caller already read the ConfigMap (doctor reads each once). */
export function lintLauncher(data: Record<string, string> | undefined, ctx: LauncherLintContext, config: LauncherConfig = readLauncherConfig(data)): LauncherLint {
  const findings: Finding[] = [];
  const defaultSession = getStoreSessionInfo(config, config.defaultPipelineRoot);

  findings.push(...dataKeyFindings(data));
  if (!config.providers.ok) {
    const p = config.providers;
    findings.push(p.tooLarge ? finding('KFS012', 'error', p.error, 'keep providers to the buckets and prefixes in use (a few KiB)', 'data.providers') : finding('KFS012', 'error', `KFP fails: ${p.error}`, providersFix(p.error), 'data.providers'));
  } else {
    findings.push(...unknownKeyFindings(config));
  }

  const sites = config.providers.ok ? overrideSites(config.providers.value) : [];
  const evaluated: { root: string; label: string; result: SessionResult }[] = [
    { root: config.defaultPipelineRoot, label: config.rootFromConfigMap ? 'defaultPipelineRoot' : 'KFP default root', result: defaultSession },
  ];
  sites.forEach((site, n) => {
    if (site.root === undefined) findings.push(unreachableOverride(site));
    else if (n < MAX_EVALUATED_OVERRIDES) evaluated.push({ root: site.root, label: `${site.scheme}.overrides[${site.index}]`, result: getStoreSessionInfo(config, site.root) });
    findings.push(...keyPrefixFindings(site));
  });
  if (sites.length > MAX_EVALUATED_OVERRIDES) {
    findings.push(finding('KFS015', 'warn', `${sites.length} overrides: only the first ${MAX_EVALUATED_OVERRIDES} were checked against KFP's session rules`, 'split the configuration, or check it with kubectl kfstore doctor', 'data.providers'));
  }

  const reported = new Set<string>();
  for (const { root, label, result } of evaluated) {
    if (!result.ok) {
      if (!config.providers.ok && !result.error.startsWith('parse bucket')) continue; // reported once above
      const key = `${result.error}\u0000${result.path ?? label}`;
      if (reported.has(key)) continue; // one report per broken place, whichever root reached it first
      reported.add(key);
      findings.push(sessionError(root, label, result));
      continue;
    }
    findings.push(...sessionFindings(root, label, result.session, config, ctx));
  }
  findings.push(...rootShapeFindings(config));
  findings.push(...otherProviderDefaults(config));
  if (ctx.profileRoot !== undefined) findings.push(...profileFindings(config, sites, ctx.profileRoot, ctx.namespace));
  return { config, defaultSession, findings: uniqueFindings(findings) };
}

function sessionError(root: string, label: string, r: Extract<SessionResult, { ok: false }>): Finding {
  if (r.error.startsWith('parse bucket config failed') || r.error.startsWith('Encountered unsupported provider')) {
    return finding('KFS011', 'error', `KFP fails for ${label}: ${r.error}`, rootFix(root), label);
  }
  if (r.panic) {
    return finding(
      'KFS014',
      'error',
      `KFP's driver crashes for root ${root} (panic: ${r.error}): providers ${r.path} ${r.reason}`,
      r.path?.endsWith('maxRetries') ? `set default.maxRetries too, or drop ${r.path}` : `add ${r.path} {secretName, accessKeyKey, secretKeyKey} or set fromEnv: true`,
      r.path,
    );
  }
  const where = r.path === undefined ? '' : ` (providers ${r.path})`;
  const fix = r.error.endsWith('missing default credentials')
    ? 'add default.credentials: a secretRef, or fromEnv: true'
    : 'give the override its own credentials: overrides do not inherit the default ones';
  return finding('KFS014', 'error', `KFP fails for root ${root}: ${r.error}${where}`, fix, r.path);
}

function sessionFindings(root: string, label: string, session: StoreSession, config: LauncherConfig, ctx: LauncherLintContext): Finding[] {
  const out: Finding[] = [];
  const parsed = parsePipelineRoot(root);
  if (!parsed.ok) return out;
  out.push(...queryFindings(parsed.value));
  out.push(...credentialFindings(session, label, ctx.secrets));
  out.push(...endpointFindings(session, parsed.value));
  const providers = config.providers.ok ? config.providers.value : undefined;
  const scheme = parsed.value.scheme;
  if (parsed.value.query === '' && providers !== undefined && scheme !== 'mem' && providers[scheme] === undefined) {
    const configured = (['s3', 'minio', 'gs'] as const).filter((p) => providers[p] !== undefined);
    const fallback = scheme === 'minio' ? 'the built-in mlpipeline-minio-artifact session' : 'pod env credentials (fromEnv)';
    if (configured.length > 0) {
      out.push(finding('KFS013', 'warn', `${scheme}:// root has no '${scheme}' provider (only ${configured.join(', ')}): KFP uses ${fallback}`, `add providers.${scheme}, or use the ${configured[0]}:// scheme`, label));
    }
  }
  return out;
}

function rootShapeFindings(config: LauncherConfig): Finding[] {
  const root = config.defaultPipelineRoot;
  if (/\$\(|\{[a-z_]+\}/.test(root)) {
    return [finding('KFS011', 'warn', `defaultPipelineRoot ${root} holds an unrendered placeholder`, 'render the template (kustomize var or {profile_name}) before applying', 'data.defaultPipelineRoot')];
  }
  return [];
}

// A provider the default root does not use still serves run-level roots of its scheme.
function otherProviderDefaults(config: LauncherConfig): Finding[] {
  if (!config.providers.ok || config.providers.value === undefined) return [];
  const used = parsePipelineRoot(config.defaultPipelineRoot);
  const out: Finding[] = [];
  for (const scheme of ['s3', 'minio', 'gs'] as const) {
    if (config.providers.value[scheme] === undefined || (used.ok && used.value.scheme === scheme)) continue;
    const probe = `${scheme}://kfstore-any-bucket/kfstore-any-prefix`;
    const r = getStoreSessionInfo(config, probe);
    if (!r.ok) out.push(finding('KFS014', 'warn', `runs with a ${scheme}:// root fail: ${r.error}${r.reason ? ` (${r.path} ${r.reason})` : ''}`, `fix providers.${scheme}.default or remove it`, `${scheme}.default`));
  }
  return out;
}

function profileFindings(config: LauncherConfig, sites: OverrideSite[], profileRoot: string, namespace: string): Finding[] {
  const own = parsePipelineRoot(profileRoot);
  if (!own.ok) return [];
  const out: Finding[] = [];
  const root = parsePipelineRoot(config.defaultPipelineRoot);
  if (root.ok) {
    // gocloud takes the first `prefix`/`key` query value, ahead of the one KFP appends; and a store
    // that normalises paths resolves `..` outside the prefix the string comparison saw.
    const query = new URLSearchParams(root.value.query.slice(1));
    const redirect = ['prefix', 'key'].filter((k) => query.has(k));
    if (redirect.length > 0) {
      out.push(finding('KFS019', 'error', `defaultPipelineRoot sets the query parameter ${redirect.join(' and ')}, which moves artifacts away from the path`, `remove ${redirect.join(' and ')} from the root`, 'data.defaultPipelineRoot'));
    }
    if (root.value.prefix.split('/').some((seg) => seg === '..' || seg === '.')) {
      out.push(finding('KFS019', 'error', `defaultPipelineRoot ${config.defaultPipelineRoot} has a '.' or '..' path segment`, `write the root without '.' and '..' segments, under ${profileRoot}`, 'data.defaultPipelineRoot'));
    }
  }
  if (root.ok && !rootContains(own.value, root.value)) {
    const what = config.rootFromConfigMap ? `defaultPipelineRoot ${config.defaultPipelineRoot}` : `no defaultPipelineRoot: runs use KFP's ${config.defaultPipelineRoot}, which`;
    out.push(finding('KFS019', 'error', `${what} is outside ${namespace}'s root ${profileRoot}`, `use ${profileRoot} or a path below it`, 'data.defaultPipelineRoot'));
  }
  for (const site of sites) {
    if (!overrideMayStayInside(own.value, site)) {
      out.push(finding('KFS019', 'error', `providers ${site.scheme}.overrides[${site.index}] serves ${site.scheme}://${site.bucketName}/${site.keyPrefix}, outside ${namespace}'s root ${profileRoot}`, `limit overrides to ${profileRoot}/...`, `${site.scheme}.overrides[${site.index}]`));
    }
  }
  return out;
}

// Every root the override can match must be inside the profile's root: its keyPrefix must start
// with the profile's prefix ('' or `v2/artifacts/team-a` without the '/' would also match team-ab).
function overrideMayStayInside(own: PipelineRoot, site: OverrideSite): boolean {
  return site.scheme === own.scheme && site.bucketName === own.bucket && site.keyPrefix.startsWith(own.prefix);
}

function unreachableOverride(site: OverrideSite): Finding {
  const at = `${site.scheme}.overrides[${site.index}]`;
  if (site.unreachable?.kind === 'shadowed') {
    return finding('KFS015', 'warn', `providers ${at} never applies: ${site.scheme}.overrides[${site.unreachable.by}] matches first`, 'order overrides from the most specific keyPrefix to the least', at);
  }
  return finding('KFS015', 'warn', `providers ${at}.bucketName '${site.bucketName}' can match no pipeline root`, 'set bucketName to a bucket name, without / or ?', at);
}

function keyPrefixFindings(site: OverrideSite): Finding[] {
  const at = `${site.scheme}.overrides[${site.index}].keyPrefix`;
  const k = site.keyPrefix;
  if (k.startsWith('/')) {
    return [finding('KFS015', 'warn', `${at} '${k}' starts with '/': roots lose that '/', so it never matches`, `write '${k.replace(/^\/+/, '')}'`, at)];
  }
  if (k !== '' && !k.endsWith('/')) {
    return [finding('KFS015', 'warn', `${at} '${k}' lacks a trailing '/': it also matches '${k}x/...'`, `write '${k}/'`, at)];
  }
  return [];
}

function dataKeyFindings(data: Record<string, string> | undefined): Finding[] {
  const out: Finding[] = [];
  for (const key of Object.keys(data ?? {})) {
    if (KNOWN_KEYS.includes(key) || key.startsWith('plugins.')) continue;
    const meant = KNOWN_KEYS.find((k) => k.toLowerCase() === key.toLowerCase());
    out.push(
      meant !== undefined
        ? finding('KFS012', 'warn', `data key '${key}' is ignored: KFP reads '${meant}' (ConfigMap keys are case-sensitive)`, `rename it to '${meant}'`, `data.${key}`)
        : finding('KFS012', 'info', `data key '${key}' is not read by KFP`, 'remove it if it was meant for KFP', `data.${key}`),
    );
  }
  return out;
}

function unknownKeyFindings(config: LauncherConfig): Finding[] {
  if (!config.providers.ok) return [];
  const out: Finding[] = [];
  const unknown = config.providers.unknownKeys;
  for (const note of unknown.slice(0, MAX_KEY_WARNINGS)) {
    const leaf = note.path.split('.').pop() ?? note.path;
    const meant = note.known?.find((k) => normalize(k) === normalize(leaf));
    const hint = meant !== undefined ? ` (meant ${meant}?)` : '';
    const short = note.path.split('.').slice(-2).join('.');
    out.push(finding('KFS012', 'warn', `providers line ${note.line}: KFP ignores unknown key ${short}${hint}`, meant !== undefined ? `rename it to ${meant}` : 'remove it or fix its spelling', `data.providers: ${note.path}`));
  }
  if (unknown.length > MAX_KEY_WARNINGS) {
    out.push(finding('KFS012', 'warn', `providers: ${unknown.length - MAX_KEY_WARNINGS} more unknown keys, ignored by KFP`, 'fix the spelling of every providers key', 'data.providers'));
  }
  const mismatches = config.providers.caseMismatches;
  if (mismatches.length > 0) {
    const listed = mismatches.slice(0, 4).map((m) => `${m.path.split('.').pop()}→${m.canonical}`).join(', ');
    const more = mismatches.length > 4 ? ` +${mismatches.length - 4}` : '';
    out.push(finding('KFS012', 'warn', `providers: keys match only case-insensitively (${listed}${more})`, 'spell keys as KFP documents them (camelCase)', 'data.providers'));
  }
  return out;
}

function normalize(key: string): string {
  return key.toLowerCase().replace(/[-_\s]/g, '');
}

function providersFix(error: string): string {
  if (error.includes('cannot unmarshal string') && / of type (bool|int)$/.test(error)) return 'write booleans and numbers unquoted, e.g. disableSSL: true, maxRetries: 3';
  if (error.includes('cannot unmarshal')) return 'match the providers schema: {s3|minio|gs: {default: {...}, overrides: [...]}}';
  if (error.includes('cannot start any token')) return 'indent providers with spaces, not tabs';
  return 'make providers valid YAML, written as a string (providers: |)';
}

function rootFix(root: string): string {
  if (root.includes('$(')) return 'the root holds an unsubstituted kustomize var: render it, e.g. s3://<bucket>/v2/artifacts/<namespace>';
  if (/^[a-z][a-z0-9]+:\/\//.test(root)) return 'KFP supports s3://, minio:// and gs:// pipeline roots';
  return 'write the root as <scheme>://<bucket>/<path> with a lowercase scheme: s3, minio or gs';
}
