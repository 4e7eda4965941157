// Where a command's facts come from: a live cluster (kubeconfig rules as kubectl's) or manifests
// (-f), which namespaces are in scope, and the optional StorePolicy.
import { accessSync, constants, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { ClusterSnapshot } from '../../settings/cluster/snapshot.ts';
import type { InvocationFacts } from '../../settings/doctor/checks/invocation.ts';
import { isProfileNamespace, PROFILE_LABEL } from '../../settings/inspect/namespace-view.ts';
import { LAUNCHER_CONFIGMAP } from '../../settings/kfp/launcher-config.ts';
import { matchesSelector } from '../../settings/label-selectors/label-selector.ts';
import { parseSelector } from '../../settings/label-selectors/selector-string.ts';
import { loadPolicy } from '../../settings/policy/load.ts';
import type { LabelSelector, StorePolicy } from '../../settings/policy/schema.ts';
import type { CommonFlags } from '../cli/args.ts';
import { PluginError } from '../cli/errors.ts';
import { connect } from '../../kube-client/api.ts';
import type { KubeApi } from '../../kube-client/api.ts';
import { loadKubeconfig } from '../../kube-client/kubeconfig.ts';
import { clusterKfpVersion, manifestKfpVersion } from '../cluster-read/kfp-version.ts';
import { readCluster } from '../cluster-read/snapshot.ts';
import { displayPath, loadManifests } from '../manifests/load.ts';
import { escapeControlChars } from '../../settings/text/control-chars.ts';

export const DEFAULT_PROFILE_SELECTOR = `${PROFILE_LABEL}=true`;

export interface Source {
  snapshot: ClusterSnapshot;
  rawSecrets: Map<string, { data?: Record<string, string>; stringData?: Record<string, string> }>;
  namespaces: string[];
  api?: KubeApi;
  invocation?: InvocationFacts;
}

export interface SourceNeeds {
  serviceAccounts?: boolean;
  workflows?: boolean;
  secretValues?: boolean;
  pods?: boolean;
}

export async function openSource(flags: CommonFlags, needs: SourceNeeds = {}): Promise<Source> {
  // Refused before anything is read, in the same words live and with -f.
  if (flags.selector !== undefined) parsedSelector(flags.selector);
  if (flags.filenames.length > 0) return fromManifests(flags);
  const sel = loadKubeconfig({ ...(flags.kubeconfig !== undefined ? { kubeconfig: flags.kubeconfig } : {}), ...(flags.context !== undefined ? { context: flags.context } : {}), env: process.env, home: homedir() });
  const api = await connect(sel, flags.requestTimeoutSeconds * 1000);
  const namespace = flags.allNamespaces ? undefined : (flags.namespace ?? sel.namespace);
  const selector = flags.allNamespaces ? (flags.selector ?? DEFAULT_PROFILE_SELECTOR) : undefined;
  // First: the release decides which Secrets the sessions read.
  const kfp = await clusterKfpVersion(api, flags.kfpVersion);
  const live = await readCluster(api, { ...(namespace !== undefined ? { namespace } : {}), ...(selector !== undefined ? { selector } : {}), ...needs, kfp });
  const namespaces = namespace !== undefined ? [namespace] : live.snapshot.namespaces.map((n) => n.metadata.name).sort();
  const invocation: InvocationFacts = { kubeconfigFiles: sel.files, context: sel.context, pluginCopies: pluginCopies() };
  if (sel.contextFile !== undefined) invocation.contextFile = sel.contextFile;
  return { snapshot: live.snapshot, rawSecrets: live.rawSecrets, namespaces, api, invocation };
}

function fromManifests(flags: CommonFlags): Source {
  const set = loadManifests(flags.filenames, flags.namespace ?? 'default');
  set.snapshot.kfp = manifestKfpVersion(set.snapshot, flags.kfpVersion);
  for (const note of set.notes) process.stderr.write(`note: ${escapeControlChars(note)}\n`);
  const all = set.snapshot.namespaces;
  let namespaces: string[];
  if (flags.namespace !== undefined && !flags.allNamespaces) {
    namespaces = [flags.namespace];
  } else if (flags.selector !== undefined) {
    const selector = parsedSelector(flags.selector);
    namespaces = all.filter((n) => matchesSelector(selector, n.metadata.labels)).map((n) => n.metadata.name);
  } else {
    // A GitOps tree may not declare its Namespaces: a kfp-launcher is as good a sign of a profile.
    const withLauncher = new Set(set.snapshot.configMaps.filter((c) => c.metadata.name === LAUNCHER_CONFIGMAP).map((c) => c.metadata.namespace ?? ''));
    namespaces = all.filter((n) => isProfileNamespace(n.metadata.labels) || withLauncher.has(n.metadata.name)).map((n) => n.metadata.name);
  }
  if (set.files.length === 0) throw new PluginError(`no manifests found in ${flags.filenames.map(displayPath).join(', ')} (looked for .yaml, .yml, .json)`);
  return { snapshot: set.snapshot, rawSecrets: set.rawSecrets, namespaces: [...new Set(namespaces)].sort() };
}

/** The --selector value as a LabelSelector; one error text for live and offline use. */
function parsedSelector(text: string): LabelSelector {
  const parsed = parseSelector(text);
  if (!parsed.ok) throw new PluginError(`--selector: ${parsed.error}`);
  return parsed.selector;
}

export function readPolicyFile(path: string | undefined): StorePolicy | undefined {
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new PluginError(`policy ${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  const loaded = loadPolicy(text);
  if (!loaded.ok) throw new PluginError(`policy ${path} is not a valid StorePolicy:\n  ${loaded.errors.join('\n  ')}`);
  return loaded.policy;
}

// Every kubectl-kfstore on PATH, in order: kubectl runs the first, the rest are shadowed.
function pluginCopies(): string[] {
  const found: string[] = [];
  for (const dir of (process.env.PATH ?? '').split(delimiter)) {
    if (dir === '') continue;
    const file = join(dir, 'kubectl-kfstore');
    try {
      accessSync(file, constants.X_OK);
      if (!found.includes(file)) found.push(file);
    } catch {
      // not there
    }
  }
  return found;
}
