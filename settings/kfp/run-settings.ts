// What a compiled run says about storage: the pipeline roots it pins and whether any task uses
// KFP's cache. KFP's root driver takes runtimeConfig.gcsOutputDirectory (the SDK's pipeline_root, or
// the UI's "pipeline root" field) before kfp-launcher's defaultPipelineRoot (driver/root_dag.go), and
// a task with cachingOptions.enableCache reuses earlier outputs by their stored URIs. The compiled
// Argo Workflow (and a ScheduledWorkflow's workflow spec) carries both inside JSON string arguments
// of the drivers, so they are found by walking the object and parsing JSON-looking strings.
//
// The driver reads that JSON with protojson, which takes a field by its JSON name or its proto
// name, and JSON escapes can spell either; so the walk matches parsed keys, never raw text, at any
// nesting (iteratively: admission reads objects a tenant wrote).
const ROOT_NAMES = new Set(['gcsOutputDirectory', 'gcs_output_directory']);
const CACHE_NAMES = new Set(['enableCache', 'enable_cache']);
/** Texts that might spell a field name, raw or through a \u escape. */
const MAY_NAME = /gcsOutputDirectory|gcs_output_directory|enableCache|enable_cache|\\u/;

export interface RunSettings {
  pinnedRoots: string[];
  cacheEnabled: boolean;
}

export interface RunSettingsOptions {
  /**
   * Parse every JSON-looking string, not only those whose text may name a field (admission, where
   * the object comes from a tenant). Parsing is then bounded by the object's size at each level
   * of JSON nested in strings.
   */
  exhaustive?: boolean;
}

export function runSettings(obj: unknown, opts: RunSettingsOptions = {}): RunSettings {
  const roots = new Set<string>();
  let cache = false;
  const stack: unknown[] = [obj];
  while (stack.length > 0) {
    const value = stack.pop();
    if (typeof value === 'string') {
      const parsed = jsonInside(value, opts.exhaustive === true);
      if (parsed !== undefined) stack.push(parsed);
    } else if (Array.isArray(value)) {
      for (const v of value) stack.push(v);
    } else if (typeof value === 'object' && value !== null) {
      for (const [k, v] of Object.entries(value)) {
        if (ROOT_NAMES.has(k) && typeof v === 'string') {
          if (v !== '') roots.add(v);
        } else if (CACHE_NAMES.has(k) && v === true) cache = true;
        else stack.push(v);
      }
    }
  }
  return { pinnedRoots: [...roots].sort(), cacheEnabled: cache };
}

function jsonInside(value: string, exhaustive: boolean): unknown {
  const t = value.trimStart();
  if (!(t.startsWith('{') || t.startsWith('['))) return undefined;
  if (!exhaustive && !MAY_NAME.test(value)) return undefined;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    // Not JSON after all (a template, a script): nothing there.
    return undefined;
  }
}
