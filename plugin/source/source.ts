// Where a command's facts come from: a live cluster (kubeconfig rules as kubectl's) or manifests
// (-f, -k), and which namespaces are in scope.
import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';
import type { ClusterSnapshot } from '../../settings/cluster/snapshot.ts';
import type { InvocationFacts } from '../../settings/doctor/checks/invocation.ts';
import type { SourceLocation } from '../../settings/findings.ts';
import type { CommonFlags } from '../cli/args.ts';
import { PluginError } from '../cli/errors.ts';
import { connect } from '../../kube-client/api.ts';
import type { KubeApi } from '../../kube-client/api.ts';
import { loadKubeconfig } from '../../kube-client/kubeconfig.ts';
import { manifestKfpVersion } from '../cluster-read/kfp-version.ts';
import { readKfpWorkloads } from '../cluster-read/kfp-workloads.ts';
import { readCluster } from '../cluster-read/snapshot.ts';
import { displayPath, loadInputs, loadManifests } from '../manifests/load.ts';
import type { ManifestSet } from '../manifests/load.ts';
import { readInputs } from '../manifests/inputs.ts';
import { escapeControlChars } from '../../settings/text/control-chars.ts';
import { DEFAULT_PROFILE_SELECTOR, manifestNamespaces, parsedSelector, requireScope } from './scope.ts';
import type { Chosen } from './scope.ts';

export { DEFAULT_PROFILE_SELECTOR } from './scope.ts';
export { readPolicyFile } from './policy-file.ts';

export interface Source {
  snapshot: ClusterSnapshot;
  rawSecrets: Map<string, { data?: Record<string, string>; stringData?: Record<string, string> }>;
  namespaces: string[];
  api?: KubeApi;
  invocation?: InvocationFacts;
  /** Manifests only: where each object is defined (see manifests/locations.ts). */
  locations?: Map<string, SourceLocation[]>;
}

export interface SourceNeeds {
  serviceAccounts?: boolean;
  workflows?: boolean;
  /** KFP recurring runs only (without Workflows). */
  scheduledWorkflows?: boolean;
  secretValues?: boolean;
  pods?: boolean;
  networkPolicies?: boolean;
  /** Exit 2 when nothing in scope is a KFP profile (or KFP's own namespace): doctor's checks would mean nothing. */
  profileScope?: boolean;
}

export async function openSource(flags: CommonFlags, needs: SourceNeeds = {}): Promise<Source> {
  // Refused before anything is read, in the same words live and with -f.
  if (flags.selector !== undefined) parsedSelector(flags.selector);
  if (flags.filenames.length > 0 || flags.kustomize !== undefined) return fromManifests(flags, needs);
  const { sel, api } = await connectCluster(flags);
  const namespace = flags.allNamespaces ? undefined : (flags.namespace ?? sel.namespace);
  const selector = flags.allNamespaces ? (flags.selector ?? DEFAULT_PROFILE_SELECTOR) : undefined;
  // First: the release decides which Secrets the sessions read.
  const { kfp, deployments, statefulSets, configMaps } = await readKfpWorkloads(api, flags.kfpVersion);
  const live = await readCluster(api, {
    ...(namespace !== undefined ? { namespace } : {}),
    ...(selector !== undefined ? { selector } : {}),
    ...needs,
    kfp,
  });
  // The KFP workloads (and the UI's ConfigMap) the release-dependent checks read; kubeflow's own objects only.
  live.snapshot.deployments.push(...deployments);
  live.snapshot.statefulSets = statefulSets;
  live.snapshot.configMaps.push(...configMaps);
  const namespaces = namespace !== undefined ? [namespace] : live.snapshot.namespaces.map((n) => n.metadata.name).sort();
  if (needs.profileScope === true) {
    const chosen: Chosen =
      namespace !== undefined
        ? { by: flags.namespace !== undefined ? 'namespace' : 'context', namespace }
        : flags.selector !== undefined
          ? { by: 'selector', selector: flags.selector }
          : { by: 'profiles' };
    requireScope(live.snapshot, namespaces, chosen);
  }
  const invocation: InvocationFacts = { kubeconfigFiles: sel.files, context: sel.context, pluginCopies: pluginCopies() };
  if (sel.contextFile !== undefined) invocation.contextFile = sel.contextFile;
  return { snapshot: live.snapshot, rawSecrets: live.rawSecrets, namespaces, api, invocation };
}

/** The API server of the kubeconfig's context, chosen by kubectl's rules. */
export async function connectCluster(flags: CommonFlags): Promise<{ sel: ReturnType<typeof loadKubeconfig>; api: KubeApi }> {
  const sel = loadKubeconfig({
    ...(flags.kubeconfig !== undefined ? { kubeconfig: flags.kubeconfig } : {}),
    ...(flags.context !== undefined ? { context: flags.context } : {}),
    env: process.env,
    home: homedir(),
  });
  return { sel, api: await connect(sel, flags.requestTimeoutSeconds * 1000) };
}

/** -f paths (and stdin) and a -k rendering, read as one set. */
export async function readManifests(flags: CommonFlags): Promise<ManifestSet> {
  const defaultNamespace = flags.namespace ?? 'default';
  if (flags.kustomize === undefined) return loadManifests(flags.filenames, defaultNamespace, { exclude: flags.exclude });
  const { renderKustomization } = await import('../manifests/kustomize.ts');
  const rendered = await renderKustomization(flags.kustomize);
  if (flags.filenames.length === 0) return loadInputs([rendered], defaultNamespace);
  const files = readInputs(flags.filenames, { exclude: flags.exclude });
  return loadInputs([...files.inputs, rendered], defaultNamespace, files.notes);
}

async function fromManifests(flags: CommonFlags, needs: SourceNeeds): Promise<Source> {
  const set = await readManifests(flags);
  set.snapshot.kfp = manifestKfpVersion(set.snapshot, flags.kfpVersion);
  for (const note of set.notes) process.stderr.write(`note: ${escapeControlChars(note)}\n`);
  const named = [
    ...flags.filenames.map((f) => (f === '-' ? '-f -' : displayPath(f))),
    ...(flags.kustomize !== undefined ? [`-k ${displayPath(flags.kustomize)}`] : []),
  ].join(', ');
  if (set.files.length === 0) throw new PluginError(`no manifests found in ${named} (looked for .yaml, .yml, .json)`);
  if (set.objects === 0) throw new PluginError(`no Kubernetes objects in ${named} (documents with apiVersion and kind): nothing to check`);
  const namespace = flags.namespace !== undefined && !flags.allNamespaces ? flags.namespace : undefined;
  const { namespaces, chosen } = manifestNamespaces(set.snapshot, namespace, flags.selector);
  if (needs.profileScope === true) requireScope(set.snapshot, namespaces, chosen);
  return { snapshot: set.snapshot, rawSecrets: set.rawSecrets, namespaces, locations: set.locations };
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
