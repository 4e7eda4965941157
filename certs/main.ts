#!/usr/bin/env node
// kfstore-certs: the self-managed webhook certificate lifecycle (`ensure`), run as a Job and a
// CronJob. Flags in lifecycle/flags.ts, the work in lifecycle/ensure.ts.
import { homedir } from 'node:os';
import { connect } from '../kube-client/api.ts';
import { inClusterKubeconfig, loadKubeconfig } from '../kube-client/kubeconfig.ts';
import { ensure } from './lifecycle/ensure.ts';
import { USAGE, UsageError, parseEnsure } from './lifecycle/flags.ts';

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    if (command === '--help' || command === '-h') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    if (command !== 'ensure') throw new UsageError(command === undefined ? 'missing command (ensure)' : `unknown command: ${command}`);
    const run = parseEnsure(rest, process.env);
    if (run === 'help') {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    const { inCluster, kubeconfig, context } = run.connection;
    const selection = inCluster
      ? inClusterKubeconfig(process.env)
      : loadKubeconfig({ kubeconfig, context, env: process.env, home: homedir() });
    const api = await connect(selection);
    await ensure(api, run.target, run.opts, run.now, (line) => process.stdout.write(`${line}\n`));
    return 0;
  } catch (err) {
    // parseArgs reports unknown or malformed flags with ERR_PARSE_ARGS_* codes.
    const code = (err as NodeJS.ErrnoException).code ?? '';
    if (err instanceof UsageError || code.startsWith('ERR_PARSE_ARGS')) {
      process.stderr.write(`kfstore-certs: ${(err as Error).message}\n\n${USAGE}\n`);
      return 2;
    }
    process.stderr.write(`kfstore-certs: error: ${err instanceof Error ? err.message : String(err)}\n`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
