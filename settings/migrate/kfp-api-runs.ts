// A page of KFP's REST API (v2beta1 ListRuns / ListRecurringRuns, every 2.x release: proto field
// names, unpopulated fields omitted, paging by next_page_token) and the pipeline roots its runs and
// recurring runs pin (runtime_config.pipeline_root): stored URIs the database keeps, beside the
// ones in the cluster's objects (stored-uris.ts). A run without a pinned root used its namespace's
// default root, which kfp-launcher decides: nothing is stored for it here.
import { z } from 'zod';
import type { StoredUri } from './stored-uris.ts';

const runtimeConfig = z.looseObject({ pipeline_root: z.string().optional() }).optional();

export const runsPageSchema = z.looseObject({
  runs: z
    .array(z.looseObject({ run_id: z.string().optional(), display_name: z.string().optional(), runtime_config: runtimeConfig }))
    .optional(),
  next_page_token: z.string().optional(),
});

export const recurringRunsPageSchema = z.looseObject({
  recurringRuns: z
    .array(
      z.looseObject({
        recurring_run_id: z.string().optional(),
        display_name: z.string().optional(),
        namespace: z.string().optional(),
        runtime_config: runtimeConfig,
      }),
    )
    .optional(),
  next_page_token: z.string().optional(),
});

const WHERE = 'runtime_config.pipeline_root (KFP API)';

export function runUris(page: z.output<typeof runsPageSchema>): StoredUri[] {
  return (page.runs ?? []).flatMap((r) => {
    const uri = r.runtime_config?.pipeline_root ?? '';
    return uri === '' ? [] : [{ namespace: '', kind: 'Run' as const, name: r.display_name ?? r.run_id ?? '?', where: WHERE, uri }];
  });
}

export function recurringRunUris(page: z.output<typeof recurringRunsPageSchema>): StoredUri[] {
  return (page.recurringRuns ?? []).flatMap((r) => {
    const uri = r.runtime_config?.pipeline_root ?? '';
    const name = r.display_name ?? r.recurring_run_id ?? '?';
    return uri === '' ? [] : [{ namespace: r.namespace ?? '', kind: 'RecurringRun' as const, name, where: WHERE, uri }];
  });
}
