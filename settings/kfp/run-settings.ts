// What a compiled run says about storage: the pipeline roots it pins and whether any task uses
// KFP's cache. KFP's root driver takes runtimeConfig.gcsOutputDirectory (the SDK's pipeline_root, or
// the UI's "pipeline root" field) before kfp-launcher's defaultPipelineRoot (driver/root_dag.go), and
// a task with cachingOptions.enableCache reuses earlier outputs by their stored URIs. The compiled
// Argo Workflow (and a ScheduledWorkflow's workflow spec) carries both inside JSON string arguments
// of the drivers, so they are found by walking the object and parsing JSON-looking strings.
const ROOT = 'gcsOutputDirectory';
const CACHE = 'enableCache';
const MAX_DEPTH = 64;

export interface RunSettings {
  pinnedRoots: string[];
  cacheEnabled: boolean;
}

export function runSettings(obj: unknown): RunSettings {
  const found = { roots: new Set<string>(), cache: false };
  walk(obj, found, 0);
  return { pinnedRoots: [...found.roots].sort(), cacheEnabled: found.cache };
}

function walk(value: unknown, found: { roots: Set<string>; cache: boolean }, depth: number): void {
  if (depth > MAX_DEPTH) return;
  if (typeof value === 'string') {
    const t = value.trimStart();
    if ((t.startsWith('{') || t.startsWith('[')) && (value.includes(ROOT) || value.includes(CACHE))) {
      try {
        walk(JSON.parse(value) as unknown, found, depth + 1);
      } catch {
        // Not JSON after all (a template, a script): nothing there.
      }
    }
    return;
  }
  if (Array.isArray(value)) {
    for (const v of value) walk(v, found, depth + 1);
    return;
  }
  if (typeof value !== 'object' || value === null) return;
  for (const [k, v] of Object.entries(value)) {
    if (k === ROOT && typeof v === 'string') {
      if (v !== '') found.roots.add(v);
    } else if (k === CACHE && v === true) found.cache = true;
    else walk(v, found, depth + 1);
  }
}
