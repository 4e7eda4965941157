// A seeded test API server with an admin kubeconfig, as the plugin tests use it; and the checks
// those tests repeat (write requests made, secret values never printed).
import assert from 'node:assert/strict';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startKubeApiServer } from './kube-apiserver/index.ts';
import type { KubeApiServer, KubeObject } from './kube-apiserver/index.ts';

export async function seededCluster(
  objects: KubeObject[],
  namespace = 'team-a',
): Promise<{ api: KubeApiServer; env: Record<string, string> }> {
  const api = await startKubeApiServer();
  api.seed(objects);
  const kubeconfig = join(mkdtempSync(join(tmpdir(), 'kfstore-cluster-')), 'admin.yaml');
  await api.writeKubeconfig(kubeconfig, 'admin', { context: 'admin', namespace });
  api.resetRequests();
  return { api, env: { KUBECONFIG: kubeconfig } };
}

/** Requests that changed something, as `METHOD path`. */
export function writeRequests(api: KubeApiServer): string[] {
  return api.requests.filter((q) => !['get', 'list', 'watch'].includes(q.verb)).map((q) => `${q.method} ${q.path}`);
}

export function assertNoSecrets(canaries: readonly string[], ...texts: string[]): void {
  for (const t of texts) for (const c of canaries) assert.ok(!t.includes(c), `output contains secret value ${c}`);
}
