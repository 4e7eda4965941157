// Migration pre-flight checks that need only the snapshot (docs/checks.md, migration pre-flight). Errors stop
// `migrate`. `pinnedRoots` reads pinned roots from Workflows and ScheduledWorkflows (pipeline versions in
// KFP's database would need its API) and `cacheResurrects` caching from the runs still in the cluster;
// `leftBehind`/`copyPlan` are reported as not run unless the edge lists the current stores (store-findings.ts).
import { ARTIFACT_REPOSITORIES } from '../argo/artifact-repository.ts';
import type { Kind, SnapshotIndex } from '../cluster/snapshot.ts';
import { doctorFinding } from '../doctor/finding.ts';
import type { DoctorFinding } from '../doctor/finding.ts';
import { LAUNCHER_CONFIGMAP, readLauncherConfig } from '../kfp/launcher-config.ts';
import { parsePipelineRoot, rootContains } from '../kfp/pipeline-root.ts';
import type { PipelineRoot } from '../kfp/pipeline-root.ts';
import { planRootFor, secretNameFor } from './migration-target.ts';
import type { MigrationTarget } from './migration-target.ts';

export interface PreflightOptions {
  /** --force: in-flight runs are reported as a warning instead of stopping the migration. */
  force?: boolean;
  /** The edge lists the current stores itself (store-findings.ts): `leftBehind`/`copyPlan` are not "not run". */
  storesListed?: boolean;
}

const IN_FLIGHT = new Set(['Running', 'Pending', '']);

export function preflight(
  index: SnapshotIndex,
  namespaces: string[],
  target: MigrationTarget,
  opts: PreflightOptions = {},
): DoctorFinding[] {
  return [
    ...namespaces.flatMap((ns) => [
      ...unreadInputs(index, ns, target),
      ...inFlightRuns(index, ns, opts.force === true),
      ...pinnedRootRuns(index, ns, target),
      ...cachedOldUris(index, ns, target),
    ]),
    ...tenancy(index, namespaces, target),
    ...notRun(namespaces, opts.storesListed === true),
  ];
}

/** `unreadable`: an object the plan changes could not be read (RBAC): planning from a guess could overwrite it. */
export function unreadInputs(index: SnapshotIndex, namespace: string, target: MigrationTarget): DoctorFinding[] {
  const inputs: [Kind, string][] = [
    ['ConfigMap', LAUNCHER_CONFIGMAP],
    ['ConfigMap', ARTIFACT_REPOSITORIES],
    ['Secret', secretNameFor(target, namespace)],
  ];
  return inputs.flatMap(([kind, name]) => {
    const why = index.unknown(kind, namespace, name);
    return why === undefined
      ? []
      : [
          doctorFinding(
            'unreadable',
            'error',
            namespace,
            { kind, name },
            `could not read ${kind} ${name} in ${namespace} (${why.reason}): migrate does not plan over what it cannot read`,
            `\`${why.check}\` must say yes`,
          ),
        ];
  });
}

/** `inFlightRuns`: a run's store session is fixed when its root driver starts; moving under it breaks it. */
export function inFlightRuns(index: SnapshotIndex, namespace: string, force: boolean): DoctorFinding[] {
  const unreadable = index.unknown('Workflow', namespace);
  if (unreadable !== undefined) {
    return [
      doctorFinding(
        'inFlightRuns',
        force ? 'warn' : 'error',
        namespace,
        undefined,
        `cannot list Argo Workflows in ${namespace} (${unreadable.reason}): in-flight runs unknown`,
        `\`${unreadable.check}\` must say yes, or use --force`,
      ),
    ];
  }
  // A Workflow without a phase has been submitted but not yet picked up by the controller.
  const running = index.workflows(namespace).filter((w) => IN_FLIGHT.has(w.status?.phase ?? ''));
  if (running.length === 0) return [];
  const names = running.map((w) => w.metadata.name).sort();
  return [
    doctorFinding(
      'inFlightRuns',
      force ? 'warn' : 'error',
      namespace,
      { kind: 'Workflow', name: names[0] ?? '' },
      `${running.length} run${running.length === 1 ? ' is' : 's are'} in progress in ${namespace} (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', ...' : ''}); their store session was fixed at start`,
      'wait for them to finish, or use --force (they keep writing to the old store)',
    ),
  ];
}

/**
 * `pinnedRoots`: runs and recurring runs that pin a pipeline root keep it whatever kfp-launcher says
 * (driver/root_dag.go), so after the switch they go on writing to the old store.
 */
export function pinnedRootRuns(index: SnapshotIndex, namespace: string, target: MigrationTarget): DoctorFinding[] {
  const planned = parsePipelineRoot(planRootFor(target, namespace));
  const out: DoctorFinding[] = [];
  const byRoot = new Map<string, { runs: string[]; recurring: string[] }>();
  const collect = (items: readonly { metadata: { name: string }; pinnedRoots?: string[] }[], into: 'runs' | 'recurring'): void => {
    for (const w of items) {
      for (const root of w.pinnedRoots ?? []) {
        const parsed = parsePipelineRoot(root);
        // A root already under the planned one is where the migration goes anyway.
        if (planned.ok && parsed.ok && rootContains(planned.value, parsed.value)) continue;
        const entry = byRoot.get(root) ?? { runs: [], recurring: [] };
        entry[into].push(w.metadata.name);
        byRoot.set(root, entry);
      }
    }
  };
  collect(index.workflows(namespace), 'runs');
  collect(index.scheduledWorkflows(namespace), 'recurring');
  for (const [root, { runs, recurring }] of [...byRoot].sort(([a], [b]) => a.localeCompare(b))) {
    const parts = [count(runs, 'run'), count(recurring, 'recurring run')].filter((p) => p !== '');
    const names = [...recurring, ...runs].sort();
    out.push(
      doctorFinding(
        'pinnedRoots',
        'warn',
        namespace,
        recurring.length > 0
          ? { kind: 'ScheduledWorkflow', name: recurring.sort()[0] ?? '' }
          : { kind: 'Workflow', name: runs.sort()[0] ?? '' },
        `${parts.join(' and ')} in ${namespace} ${runs.length + recurring.length === 1 ? 'pins' : 'pin'} pipeline_root=${root} (${names.slice(0, 3).join(', ')}${names.length > 3 ? ', ...' : ''}); a pinned root overrides kfp-launcher, so they keep using it after the switch`,
        'recompile the pipeline without pipeline_root (or with the new root) and update its recurring runs',
      ),
    );
  }
  const unreadable = index.unknown('ScheduledWorkflow', namespace);
  if (unreadable !== undefined)
    out.push(
      doctorFinding(
        'pinnedRoots',
        'info',
        namespace,
        undefined,
        `cannot list recurring runs (ScheduledWorkflows: ${unreadable.reason}): their pinned roots are unknown`,
        `\`${unreadable.check}\` must say yes`,
      ),
    );
  return out;
}

/**
 * `cacheResurrects`: KFP's cache hands a new run the stored URIs of an earlier run's outputs, and never checks
 * they still exist (kubeflow/pipelines#6324, #7939). After a switch to another bucket those URIs
 * point into the old one, which the launcher opens without the new provider's credentials.
 */
export function cachedOldUris(index: SnapshotIndex, namespace: string, target: MigrationTarget): DoctorFinding[] {
  const current = parsePipelineRoot(readLauncherConfig(index.configMap(namespace, LAUNCHER_CONFIGMAP)?.data).defaultPipelineRoot);
  const planned = parsePipelineRoot(planRootFor(target, namespace));
  if (!current.ok || !planned.ok) return [];
  if (current.value.scheme === planned.value.scheme && current.value.bucket === planned.value.bucket) return [];
  const runs = index.workflows(namespace);
  const recurring = index.scheduledWorkflows(namespace);
  const cachedNames = (items: typeof runs): string[] =>
    items
      .filter((w) => w.cacheEnabled === true)
      .map((w) => w.metadata.name)
      .sort();
  const cachedRuns = cachedNames(runs);
  const cachedRecurring = cachedNames(recurring);
  const fix =
    'keep the old store and its Secret readable while cached results matter, or run pipelines once with caching off after the switch (kfp run --disable-cache, enable_caching=False)';
  if (cachedRecurring.length === 0 && runs.length === 0) {
    const unreadable = index.unknown('Workflow', namespace);
    const why =
      unreadable !== undefined
        ? `Argo Workflows cannot be listed (${unreadable.reason}), so it is unknown`
        : 'no runs left in the cluster show';
    return [
      doctorFinding(
        'cacheResurrects',
        'info',
        namespace,
        undefined,
        `${why} whether ${namespace} uses KFP's cache (on by default); if it does, cache hits after the switch hand new runs URIs under ${current.value.root}`,
        fix,
      ),
    ];
  }
  if (cachedRuns.length === 0 && cachedRecurring.length === 0) return [];
  const what = [cachedRuns.length > 0 ? `${cachedRuns.length} of ${runs.length} runs` : '', count(cachedRecurring, 'recurring run')]
    .filter((x) => x !== '')
    .join(' and ');
  const object =
    cachedRuns[0] !== undefined ? { kind: 'Workflow', name: cachedRuns[0] } : { kind: 'ScheduledWorkflow', name: cachedRecurring[0] ?? '' };
  return [
    doctorFinding(
      'cacheResurrects',
      'warn',
      namespace,
      object,
      `${what} in ${namespace} use KFP's cache: after the switch a cache hit hands a new run the stored URIs under ${current.value.root}, a bucket the launcher then opens without the new provider's credentials`,
      fix,
    ),
  ];
}

function count(names: string[], noun: string): string {
  return names.length === 0 ? '' : `${names.length} ${noun}${names.length === 1 ? '' : 's'}`;
}

/** `targetLayout`: the target must keep tenants apart and under a prefix the UI can attribute. */
export function tenancy(index: SnapshotIndex, namespaces: string[], target: MigrationTarget): DoctorFinding[] {
  const out: DoctorFinding[] = [];
  if (!target.rootTemplate.includes('{profile}')) {
    out.push(
      doctorFinding(
        'targetLayout',
        'error',
        undefined,
        undefined,
        `root template ${target.rootTemplate} has no {profile}: every namespace would share one root`,
        'use a template such as s3://{bucket}/v2/artifacts/{profile}',
      ),
    );
    return out;
  }
  const roots: { ns: string; root: PipelineRoot }[] = [];
  for (const ns of namespaces) {
    const parsed = parsePipelineRoot(planRootFor(target, ns));
    if (!parsed.ok) {
      out.push(
        doctorFinding(
          'targetLayout',
          'error',
          ns,
          undefined,
          `planned root for ${ns} does not parse: ${parsed.error}`,
          'fix --root-template',
        ),
      );
      continue;
    }
    if (!parsed.value.prefix.split('/').includes(ns)) {
      out.push(
        doctorFinding(
          'targetLayout',
          'error',
          ns,
          undefined,
          `planned root ${parsed.value.root} is not under a prefix named ${ns}: the UI cannot attribute its artifacts`,
          'put {profile} as a whole path segment in --root-template',
        ),
      );
    }
    roots.push({ ns, root: parsed.value });
  }
  for (const [i, a] of roots.entries()) {
    for (const b of roots.slice(i + 1)) {
      if (rootContains(a.root, b.root) || rootContains(b.root, a.root)) {
        out.push(
          doctorFinding(
            'targetLayout',
            'error',
            b.ns,
            undefined,
            `planned roots of ${a.ns} (${a.root.root}) and ${b.ns} (${b.root.root}) overlap: one tenant could read the other's artifacts`,
            `make {profile} a whole path segment so no namespace's root contains another's`,
          ),
        );
      }
    }
  }
  // Namespaces left where they are keep writing to their current roots: a shared one that
  // contains a migrated namespace's root (or sits inside it) mixes tenants just the same.
  const migrating = new Set(namespaces);
  for (const cm of index.snapshot.configMaps) {
    const ns = cm.metadata.namespace ?? '';
    if (cm.metadata.name !== LAUNCHER_CONFIGMAP || migrating.has(ns)) continue;
    const current = parsePipelineRoot(readLauncherConfig(cm.data).defaultPipelineRoot);
    if (!current.ok || current.value.scheme !== 's3' || current.value.query !== '') continue;
    for (const a of roots) {
      if (rootContains(a.root, current.value) || rootContains(current.value, a.root)) {
        out.push(
          doctorFinding(
            'targetLayout',
            'error',
            a.ns,
            { kind: 'ConfigMap', name: LAUNCHER_CONFIGMAP },
            `planned root of ${a.ns} (${a.root.root}) overlaps ${ns}'s current root ${current.value.root}: one tenant could read the other's artifacts`,
            `migrate ${ns} too, or move it to a root of its own first`,
          ),
        );
      }
    }
  }
  return out;
}

// What these checks would need; the edge runs them once it has those sources.
const NOT_RUN: ['pinnedRoots' | 'leftBehind' | 'copyPlan', string][] = [
  ['pinnedRoots', "pipeline versions that pin a root (stored in KFP's database): needs the KFP API; runs and recurring runs were checked"],
  ['leftBehind', 'historical artifacts and their credentials: needs listing the old store (a cluster)'],
  ['copyPlan', 'copy plan and verification: needs listing the old store (a cluster)'],
];

function notRun(namespaces: string[], storesListed: boolean): DoctorFinding[] {
  if (namespaces.length === 0) return [];
  return NOT_RUN.filter(([id]) => !storesListed || (id !== 'leftBehind' && id !== 'copyPlan')).map(([check, what]) =>
    doctorFinding(
      check,
      'info',
      undefined,
      undefined,
      `not checked: ${what}`,
      'check by hand before switching, or run the live pre-flight',
    ),
  );
}

export function blocks(findings: DoctorFinding[]): boolean {
  return findings.some((f) => f.level === 'error');
}
