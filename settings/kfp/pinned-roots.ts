// Pipeline roots a run pins. KFP's root driver takes runtimeConfig.gcsOutputDirectory (the SDK's
// pipeline_root, or the UI's "pipeline root" field) before kfp-launcher's defaultPipelineRoot
// (driver/root_dag.go). The compiled Argo Workflow (and a ScheduledWorkflow's workflow spec)
// carries the runtime config as a JSON string parameter, so it is found by walking the object
// and parsing JSON-looking strings that mention the field.
const FIELD = 'gcsOutputDirectory';
const MAX_DEPTH = 64;

export function pinnedRoots(obj: unknown): string[] {
  const found = new Set<string>();
  walk(obj, found, 0);
  return [...found].sort();
}

function walk(value: unknown, found: Set<string>, depth: number): void {
  if (depth > MAX_DEPTH) return;
  if (typeof value === 'string') {
    const t = value.trimStart();
    if ((t.startsWith('{') || t.startsWith('[')) && value.includes(FIELD)) {
      try {
        walk(JSON.parse(value) as unknown, found, depth + 1);
      } catch {
        // Not JSON after all (a template, a script): nothing pinned there.
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
    if (k === FIELD && typeof v === 'string' && v !== '') found.add(v);
    else walk(v, found, depth + 1);
  }
}
