// The servers on one CPU and the load generator (this process, all its threads) on the others,
// as on a cluster, where kube-apiserver does not share the webhook's CPU. Left to the scheduler on
// a 2-core machine, the two trade one CPU, and a server's CPU time per review then moves with the
// client's work on the same core. Linux with taskset only; BENCH_PIN=0 turns it off.
import { execFileSync } from 'node:child_process';
import { availableParallelism } from 'node:os';
import { onPath } from '../../scripts/on-path.ts';

export interface Pinning {
  /** Prefix for a server's command line (`taskset -c N`): the server and every thread it starts. */
  serverPrefix: string[];
  description: string;
  /** Gives this process back the CPUs it had (later benches and their children inherit them). */
  release(): void;
}

export function pinCpus(env: NodeJS.ProcessEnv = process.env): Pinning | undefined {
  const cpus = availableParallelism();
  if (env.BENCH_PIN === '0' || process.platform !== 'linux' || cpus < 2 || !onPath('taskset')) return undefined;
  const server = cpus - 1;
  const load = cpus === 2 ? '0' : `0-${cpus - 2}`;
  const pid = String(process.pid);
  // "pid 123's current affinity list: 0,1"
  const before = execFileSync('taskset', ['-c', '-p', pid]).toString().split(':').pop()?.trim() ?? `0-${cpus - 1}`;
  execFileSync('taskset', ['-a', '-p', '-c', load, pid], { stdio: 'ignore' });
  return {
    serverPrefix: ['taskset', '-c', String(server)],
    description: `servers on CPU ${server}, load generator on CPU ${load}`,
    release: () => void execFileSync('taskset', ['-a', '-p', '-c', before, pid], { stdio: 'ignore' }),
  };
}
