// Killing the plugin at the k-th write the test API server receives (the migrate kill tests).
import type { KubeApiServer } from './kube-apiserver/index.ts';
import type { RunningPlugin } from './plugin.ts';

/**
 * Kills the process when the API server receives the k-th write. Before commit: the server drops
 * that write (it answers an error the dead process never reads), as a real server does with a
 * request whose client vanished before etcd stored it. After commit: the write is stored, then the
 * process dies a moment later. `storedAt` is the server's resourceVersion when the write arrived.
 */
export function killOnWrite(
  api: KubeApiServer,
  k: number,
  afterCommit: boolean,
  run: () => RunningPlugin | undefined,
): { cancel(): void; storedAt: () => string | undefined } {
  let writes = 0;
  let storedAt: string | undefined;
  const fault = api.fail(
    (r) => {
      if (['get', 'list', 'watch'].includes(r.verb)) return false;
      writes++;
      if (writes !== k) return false;
      storedAt = api.resourceVersion;
      const kill = (): void => run()?.kill('SIGKILL');
      if (afterCommit) {
        setTimeout(kill, 5);
        return false;
      }
      kill();
      return true;
    },
    { status: 500 },
  );
  return { cancel: () => fault.cancel(), storedAt: () => storedAt };
}
