// Pipeline roots that KFP's database keeps for runs and recurring runs, read from the API server's
// REST API (v2beta1, every 2.x release) through the Kubernetes service proxy
// (/api/v1/namespaces/NS/services/ml-pipeline:8888/proxy/...), page by page. What cannot be read
// (no Service, no endpoints, a refusal, KFP's multi-user mode wanting a user identity the proxy
// does not carry) is a note: the report is informational and the migration does not depend on it.
import { ApiError } from '../../kube-client/api.ts';
import type { KubeApi } from '../../kube-client/api.ts';
import { API_SERVER } from '../../settings/installation/settings.ts';
import { recurringRunsPageSchema, recurringRunUris, runsPageSchema, runUris } from '../../settings/migrate/kfp-api-runs.ts';
import type { MigrationTarget } from '../../settings/migrate/migration-target.ts';
import { atTarget } from '../../settings/migrate/stored-uris.ts';
import type { StoredUri } from '../../settings/migrate/stored-uris.ts';

const PORT = 8888;
const PAGE_SIZE = 100;
/** 100,000 runs: a bound on the walk, reported when reached. */
const MAX_PAGES = 1000;

export async function kfpApiUris(
  api: KubeApi,
  namespace: string,
  target: MigrationTarget,
): Promise<{ uris: StoredUri[]; notes: string[] }> {
  const base = `/api/v1/namespaces/${encodeURIComponent(namespace)}/services/${API_SERVER}:${PORT}/proxy/apis/v2beta1`;
  const uris: StoredUri[] = [];
  const notes: string[] = [];
  const walk = async (what: string, resource: string, read: (page: unknown) => { uris: StoredUri[]; next: string }): Promise<boolean> => {
    let token = '';
    for (let pages = 0; pages < MAX_PAGES; pages++) {
      const q = new URLSearchParams({ page_size: String(PAGE_SIZE), ...(token === '' ? {} : { page_token: token }) });
      let page: { uris: StoredUri[]; next: string };
      try {
        page = read(await api.get<unknown>(`${base}/${resource}?${q.toString()}`));
      } catch (e) {
        notes.push(`KFP's ${what} not read: ${why(e, namespace)}`);
        return false;
      }
      uris.push(...page.uris.filter((u) => !atTarget(u, target)));
      token = page.next;
      if (token === '') return true;
    }
    notes.push(`KFP's ${what}: stopped after ${MAX_PAGES * PAGE_SIZE}; the rest were not read`);
    return true;
  };
  const parsed = <T>(schema: { safeParse: (v: unknown) => { success: true; data: T } | { success: false } }, v: unknown): T => {
    const r = schema.safeParse(v);
    if (!r.success) throw new Error('the answer is not a KFP v2beta1 list (another service behind ml-pipeline:8888?)');
    return r.data;
  };
  const runs = await walk('runs', 'runs', (v) => {
    const p = parsed(runsPageSchema, v);
    return { uris: runUris(p), next: p.next_page_token ?? '' };
  });
  // The same answer for recurring runs when the API server cannot be reached at all.
  if (runs)
    await walk('recurring runs', 'recurringruns', (v) => {
      const p = parsed(recurringRunsPageSchema, v);
      return { uris: recurringRunUris(p), next: p.next_page_token ?? '' };
    });
  return { uris, notes };
}

function why(e: unknown, namespace: string): string {
  if (!(e instanceof ApiError)) return e instanceof Error ? e.message : String(e);
  if (e.status === 401)
    return "unauthenticated (401): KFP's multi-user mode wants a user identity header, which the service proxy does not carry";
  if (e.status === 404) return `no Service ${API_SERVER} in ${namespace} (or no such API at this release): ${e.message}`;
  if (e.status === 503) return `Service ${API_SERVER} in ${namespace} has no ready endpoints`;
  if (e.status === 403) return `${e.message} (kubectl auth can-i get services/proxy -n ${namespace})`;
  return e.message;
}
