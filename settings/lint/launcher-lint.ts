// Lint of a kfp-launcher ConfigMap: errors where the KFP release in use (ctx.rules; 2.17 unless
// told) rejects or crashes on a root this ConfigMap can be asked about, warnings for what parses but surprises at run time. The webhook
// denies on errors and warns on the rest; `doctor` reports the same findings.
import { finding } from '../checks/finding.ts';
import type { SeverityContext } from '../checks/spec.ts';
import { uniqueFindings } from '../findings.ts';
import type { Finding } from '../findings.ts';
import { KNOWN_KEYS, readLauncherConfig } from '../kfp/launcher-config.ts';
import type { LauncherConfig } from '../kfp/launcher-config.ts';
import { parsePipelineRoot } from '../kfp/pipeline-root.ts';
import type { PipelineRoot } from '../kfp/pipeline-root.ts';
import type { BucketProviders } from '../kfp/providers.ts';
import { findControlChar } from '../text/control-chars.ts';
import { getStoreSessionInfo } from '../kfp/session.ts';
import type { SessionResult, StoreSession } from '../kfp/session.ts';
import { overrideSites } from './launcher-roots.ts';
import type { OverrideSite } from './launcher-roots.ts';
import { queryFindings } from './query-roots.ts';
import { credentialFindings, endpointFindings, secretFactFindings, usesSecret } from './session-lint.ts';
import type { SecretLookup } from './session-lint.ts';
import { gocloudPrefixFindings, tenantRootFindings } from './tenant-rule.ts';
import { fromEnvFindings, laterFieldNote, providersIgnoredFindings, queryRootVersionFindings } from './version-lint.ts';
import type { KfpRules } from '../kfp/versions.ts';

export type { SecretLookup } from './session-lint.ts';

export interface LauncherLintContext {
  namespace: string;
  /** The profile's own root (StorePolicy); when set, every root must stay inside it. */
  profileRoot?: string;
  /** Secret metadata in the namespace, when a cluster view is available. */
  secrets?: SecretLookup;
  /** The KFP release whose rules apply; the newest kfstore knows when absent. */
  rules?: KfpRules;
  /** Where the lint decides (weighs a missing Secret); admission unless said otherwise. */
  severity?: SeverityContext;
}

export interface LauncherLint {
  config: LauncherConfig;
  /** The session KFP computes for the default root, when it computes one. */
  defaultSession: SessionResult;
  findings: Finding[];
  /** Sessions that read a Secret, by the label findings use: what a cluster view can check later. */
  secretUses: SecretUse[];
}

export interface SecretUse {
  label: string;
  session: StoreSession;
}

const MAX_KEY_WARNINGS = 5;
/**
 * S3 and GCS object keys are at most 1,024 bytes, so a longer root can hold no artifact; kfstore
 * refuses to analyse roots past this length (KFP itself would accept them and fail on every write).
 */
export const MAX_ROOT_LENGTH = 2048;

/** `config` may be passed when the caller already read the ConfigMap (doctor reads each once). */
export function lintLauncher(
  data: Record<string, string> | undefined,
  ctx: LauncherLintContext,
  config: LauncherConfig = readLauncherConfig(data, ctx.rules),
): LauncherLint {
  const findings: Finding[] = [];
  const unusable = unusableRoot(config.defaultPipelineRoot, 'defaultPipelineRoot');
  if (unusable !== undefined) {
    return {
      config,
      defaultSession: { ok: false, error: unusable.message, panic: false },
      findings: [unusable, ...dataKeyFindings(data)],
      secretUses: [],
    };
  }
  const defaultSession = getStoreSessionInfo(config, config.defaultPipelineRoot);

  findings.push(...dataKeyFindings(data));
  findings.push(...providersIgnoredFindings(config));
  if (!config.providers.ok) {
    const p = config.providers;
    findings.push(
      p.tooLarge
        ? {
            ...finding(
              'providersInvalid',
              'error',
              p.error,
              'keep providers to the buckets and prefixes in use: merge overrides that share settings, drop comments',
              'data.providers',
            ),
            limit: 'providers',
          }
        : finding('providersInvalid', 'error', `KFP fails: ${p.error}`, providersFix(p.error), 'data.providers'),
    );
  } else {
    findings.push(...unknownKeyFindings(config));
    findings.push(...controlCharFindings(config.providers.value));
  }

  // Every override is checked: parseProviders bounds how many there can be.
  const sites = config.providers.ok ? overrideSites(config.providers.value) : [];
  const evaluated: { root: string; label: string; result: SessionResult }[] = [
    {
      root: config.defaultPipelineRoot,
      label: config.rootFromConfigMap ? 'defaultPipelineRoot' : 'KFP default root',
      result: defaultSession,
    },
  ];
  for (const site of sites) {
    if (site.root === undefined) findings.push(unreachableOverride(site));
    else
      evaluated.push({ root: site.root, label: `${site.scheme}.overrides[${site.index}]`, result: getStoreSessionInfo(config, site.root) });
    findings.push(...keyPrefixFindings(site));
  }

  const reported = new Set<string>();
  const secretUses: SecretUse[] = [];
  for (const { root, label, result } of evaluated) {
    if (!result.ok) {
      if (!config.providers.ok && !result.error.startsWith('parse bucket')) continue; // reported once above
      const key = `${result.error}\u0000${result.path ?? label}`;
      if (reported.has(key)) continue; // one report per broken place, whichever root reached it first
      reported.add(key);
      findings.push(sessionError(root, label, result));
      continue;
    }
    findings.push(...sessionFindings(root, label, result.session, config));
    if (usesSecret(result.session)) secretUses.push({ label, session: result.session });
  }
  if (ctx.secrets !== undefined) findings.push(...secretUseFindings(secretUses, ctx.secrets, ctx.severity ?? 'admission'));
  findings.push(...rootShapeFindings(config));
  findings.push(...otherProviderDefaults(config));
  if (ctx.profileRoot !== undefined) findings.push(...profileFindings(config, sites, ctx.profileRoot, ctx.namespace));
  else {
    const parsed = parsePipelineRoot(config.defaultPipelineRoot);
    if (parsed.ok) findings.push(...gocloudPrefixFindings(parsed.value, 'defaultPipelineRoot', 'data.defaultPipelineRoot'));
  }
  return { config, defaultSession, findings: uniqueFindings(findings), secretUses };
}

/** Secret existence and keys for the sessions a lint found reading one. */
export function secretUseFindings(uses: readonly SecretUse[], secrets: SecretLookup, context: SeverityContext): Finding[] {
  return uniqueFindings(uses.flatMap((u) => secretFactFindings(u.session, u.label, secrets, context)));
}

/** A root kfstore will not analyse: too long to hold any object key, or holding a control character. */
export function unusableRoot(root: string, label: string): Finding | undefined {
  if (root.length > MAX_ROOT_LENGTH) {
    return {
      limit: 'root_length',
      ...finding(
        'rootInvalid',
        'error',
        `${label} is ${root.length} characters; kfstore checks roots up to ${MAX_ROOT_LENGTH} (S3 and GCS keys are at most 1024 bytes, so no artifact fits under it)`,
        'use a short root such as s3://<bucket>/v2/artifacts/<namespace>',
        label,
      ),
    };
  }
  const control = findControlChar(root);
  if (control !== undefined) {
    return finding(
      'rootInvalid',
      'error',
      `${label} holds the control character ${control.name} at position ${control.index}`,
      'remove control characters from the root',
      label,
    );
  }
  return undefined;
}

// Strings from providers end up in object keys, endpoints and Secret names, and in admins' terminals.
function controlCharFindings(providers: BucketProviders | undefined): Finding[] {
  const out: Finding[] = [];
  const walk = (value: unknown, path: string): void => {
    if (out.length > 0) return;
    if (typeof value === 'string') {
      const c = findControlChar(value);
      if (c !== undefined)
        out.push(
          finding(
            'providersInvalid',
            'error',
            `providers ${path} holds the control character ${c.name} at position ${c.index}`,
            'remove control characters from providers',
            `data.providers: ${path}`,
          ),
        );
    } else if (Array.isArray(value)) {
      for (const [i, v] of value.entries()) walk(v, `${path}[${i}]`);
    } else if (typeof value === 'object' && value !== null)
      for (const [k, v] of Object.entries(value)) walk(v, path === '' ? k : `${path}.${k === 'Overrides' ? 'overrides' : k}`);
  };
  walk(providers, '');
  return out;
}

function sessionError(root: string, label: string, r: Extract<SessionResult, { ok: false }>): Finding {
  if (r.error.startsWith('parse bucket config failed') || r.error.startsWith('Encountered unsupported provider')) {
    return finding('rootInvalid', 'error', `KFP fails for ${label}: ${r.error}`, rootFix(root), label);
  }
  if (r.panic) {
    return finding(
      'credentialsIncomplete',
      'error',
      `KFP's driver crashes for root ${root} (panic: ${r.error}): providers ${r.path} ${r.reason}`,
      r.path?.endsWith('maxRetries')
        ? `set default.maxRetries too, or drop ${r.path}`
        : `add ${r.path} ${r.path?.startsWith('gs.') ? '{secretName, tokenKey}' : '{secretName, accessKeyKey, secretKeyKey}'} or set fromEnv: true`,
      r.path,
    );
  }
  const where = r.path === undefined ? '' : ` (providers ${r.path})`;
  const fix = r.error.endsWith('missing default credentials')
    ? 'add default.credentials: a secretRef, or fromEnv: true'
    : 'give the override its own credentials: overrides do not inherit the default ones';
  return finding('credentialsIncomplete', 'error', `KFP fails for root ${root}: ${r.error}${where}`, fix, r.path);
}

function sessionFindings(root: string, label: string, session: StoreSession, config: LauncherConfig): Finding[] {
  const out: Finding[] = [];
  const parsed = parsePipelineRoot(root);
  if (!parsed.ok) return out;
  out.push(...queryFindings(parsed.value, config.rules));
  out.push(...queryRootVersionFindings(parsed.value, config.rules));
  out.push(...credentialFindings(session, label));
  out.push(...fromEnvFindings(session, parsed.value, label, config.rules));
  out.push(...endpointFindings(session, parsed.value));
  const providers = config.providers.ok ? config.providers.value : undefined;
  const scheme = parsed.value.scheme;
  if (parsed.value.query === '' && providers !== undefined && scheme !== 'mem' && providers[scheme] === undefined) {
    const configured = (['s3', 'minio', 'gs'] as const).filter((p) => providers[p] !== undefined);
    const fallback = scheme === 'minio' ? 'the built-in mlpipeline-minio-artifact session' : 'pod env credentials (fromEnv)';
    if (configured.length > 0) {
      out.push(
        finding(
          'providerMissing',
          'warn',
          `${scheme}:// root has no '${scheme}' provider (only ${configured.join(', ')}): KFP uses ${fallback}`,
          `add providers.${scheme}, or use the ${configured[0]}:// scheme`,
          label,
        ),
      );
    }
  }
  return out;
}

function rootShapeFindings(config: LauncherConfig): Finding[] {
  const root = config.defaultPipelineRoot;
  if (/\$\(|\{[a-z_]+\}/.test(root)) {
    return [
      finding(
        'rootInvalid',
        'warn',
        `defaultPipelineRoot ${root} holds an unrendered placeholder`,
        'render the template (kustomize var or {profile_name}) before applying',
        'data.defaultPipelineRoot',
      ),
    ];
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
    if (!r.ok)
      out.push(
        finding(
          'otherSchemeFails',
          'warn',
          `runs with a ${scheme}:// root fail: ${r.error}${r.reason ? ` (${r.path} ${r.reason})` : ''}`,
          `fix providers.${scheme}.default or remove it`,
          `${scheme}.default`,
        ),
      );
  }
  return out;
}

function profileFindings(config: LauncherConfig, sites: OverrideSite[], profileRoot: string, namespace: string): Finding[] {
  const label = config.rootFromConfigMap ? 'defaultPipelineRoot' : "no defaultPipelineRoot: KFP's default root";
  const out = tenantRootFindings({ root: config.defaultPipelineRoot, label, path: 'data.defaultPipelineRoot' }, profileRoot, namespace);
  const own = parsePipelineRoot(profileRoot);
  if (!own.ok) return out;
  for (const site of sites) {
    if (!overrideMayStayInside(own.value, site)) {
      out.push(
        finding(
          'outsideProfileRoot',
          'error',
          `providers ${site.scheme}.overrides[${site.index}] serves ${site.scheme}://${site.bucketName}/${site.keyPrefix}, outside ${namespace}'s root ${profileRoot}`,
          `limit overrides to ${profileRoot}/...`,
          `${site.scheme}.overrides[${site.index}]`,
        ),
      );
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
    return finding(
      'overrideUnreachable',
      'warn',
      `providers ${at} never applies: ${site.scheme}.overrides[${site.unreachable.by}] matches first`,
      'order overrides from the most specific keyPrefix to the least',
      at,
    );
  }
  return finding(
    'overrideUnreachable',
    'warn',
    `providers ${at}.bucketName '${site.bucketName}' can match no pipeline root`,
    'set bucketName to a bucket name, without / or ?',
    at,
  );
}

function keyPrefixFindings(site: OverrideSite): Finding[] {
  const at = `${site.scheme}.overrides[${site.index}].keyPrefix`;
  const k = site.keyPrefix;
  if (k.startsWith('/')) {
    // KFP trims one '/' after the bucket, so only a root written with a double slash reaches it.
    return [
      finding(
        'overrideUnreachable',
        'warn',
        `${at} '${k}' starts with '/': it matches only roots written with a double slash (${site.scheme}://${site.bucketName}/${k})`,
        `write '${k.replace(/^\/+/, '')}'`,
        at,
      ),
    ];
  }
  if (k !== '' && !k.endsWith('/')) {
    return [finding('overrideUnreachable', 'warn', `${at} '${k}' lacks a trailing '/': it also matches '${k}x/...'`, `write '${k}/'`, at)];
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
        ? finding(
            'providersInvalid',
            'warn',
            `data key '${key}' is ignored: KFP reads '${meant}' (ConfigMap keys are case-sensitive)`,
            `rename it to '${meant}'`,
            `data.${key}`,
          )
        : finding('providersInvalid', 'info', `data key '${key}' is not read by KFP`, 'remove it if it was meant for KFP', `data.${key}`),
    );
  }
  if (out.length <= MAX_KEY_WARNINGS) return out;
  // A ConfigMap may hold thousands of keys: name the likely mistakes first, then count the rest.
  const listed = [...out.filter((f) => f.level === 'warn'), ...out.filter((f) => f.level !== 'warn')].slice(0, MAX_KEY_WARNINGS);
  return [
    ...listed,
    finding(
      'providersInvalid',
      'info',
      `${out.length - listed.length} more data keys are not read by KFP`,
      'remove keys that were not meant for KFP',
      'data',
    ),
  ];
}

function unknownKeyFindings(config: LauncherConfig): Finding[] {
  if (!config.providers.ok) return [];
  const out: Finding[] = [];
  const unknown = config.providers.unknownKeys;
  for (const note of unknown.slice(0, MAX_KEY_WARNINGS)) {
    const leaf = note.path.split('.').pop() ?? note.path;
    const later = laterFieldNote(leaf, config.rules);
    if (later !== undefined) {
      out.push(
        finding(
          'providersInvalid',
          'warn',
          `providers line ${note.line}: ${note.path.split('.').slice(-2).join('.')}: ${later}`,
          'remove it, or upgrade KFP',
          `data.providers: ${note.path}`,
        ),
      );
      continue;
    }
    const meant = note.known?.find((k) => normalize(k) === normalize(leaf));
    const hint = meant !== undefined ? ` (meant ${meant}?)` : '';
    const short = note.path.split('.').slice(-2).join('.');
    out.push(
      finding(
        'providersInvalid',
        'warn',
        `providers line ${note.line}: KFP ignores unknown key ${short}${hint}`,
        meant !== undefined ? `rename it to ${meant}` : 'remove it or fix its spelling',
        `data.providers: ${note.path}`,
      ),
    );
  }
  if (unknown.length > MAX_KEY_WARNINGS) {
    out.push(
      finding(
        'providersInvalid',
        'warn',
        `providers: ${unknown.length - MAX_KEY_WARNINGS} more unknown keys, ignored by KFP`,
        'fix the spelling of every providers key',
        'data.providers',
      ),
    );
  }
  const mismatches = config.providers.caseMismatches;
  if (mismatches.length > 0) {
    const listed = mismatches
      .slice(0, 4)
      .map((m) => `${m.path.split('.').pop()}→${m.canonical}`)
      .join(', ');
    const more = mismatches.length > 4 ? ` +${mismatches.length - 4}` : '';
    out.push(
      finding(
        'providersInvalid',
        'warn',
        `providers: keys match only case-insensitively (${listed}${more})`,
        'spell keys as KFP documents them (camelCase)',
        'data.providers',
      ),
    );
  }
  return out;
}

function normalize(key: string): string {
  return key.toLowerCase().replace(/[-_\s]/g, '');
}

function providersFix(error: string): string {
  if (error.includes('cannot unmarshal string') && / of type (bool|int)$/.test(error))
    return 'write booleans and numbers unquoted, e.g. disableSSL: true, maxRetries: 3';
  if (error.includes('cannot unmarshal')) return 'match the providers schema: {s3|minio|gs: {default: {...}, overrides: [...]}}';
  if (error.includes('cannot start any token')) return 'indent providers with spaces, not tabs';
  return 'make providers valid YAML, written as a string (providers: |)';
}

function rootFix(root: string): string {
  if (root.includes('$(')) return 'the root holds an unsubstituted kustomize var: render it, e.g. s3://<bucket>/v2/artifacts/<namespace>';
  if (/^[a-z][a-z0-9]+:\/\//.test(root)) return 'KFP supports s3://, minio:// and gs:// pipeline roots';
  return 'write the root as <scheme>://<bucket>/<path> with a lowercase scheme: s3, minio or gs';
}
