// The real kubectl against one kubeconfig, with HOME and its caches in a directory of the test's
// own, so runs never read the developer's kubeconfig or share discovery caches.
import { execFile } from 'node:child_process';
import { join } from 'node:path';

export const KUBECTL = '/usr/bin/kubectl';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export function kubectlWith(dir: string, kubeconfig: string, args: string[], stdin?: string): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      KUBECTL,
      ['--request-timeout=10s', ...args],
      {
        env: { PATH: process.env.PATH ?? '', HOME: dir, KUBECONFIG: kubeconfig, KUBECACHEDIR: join(dir, 'cache') },
        timeout: 60_000,
        encoding: 'utf8',
      },
      (err, stdout, stderr) => {
        const code = err === null ? 0 : typeof err.code === 'number' ? err.code : 1;
        resolve({ code, stdout, stderr });
      },
    );
    if (stdin !== undefined) child.stdin?.end(stdin);
  });
}
