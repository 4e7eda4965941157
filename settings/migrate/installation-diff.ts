// The diff of a planned Deployment change: env entries of one container, before and after. Secret
// references show the Secret and key; a literal that looks like a credential is never shown.
import { describeEnv } from './installation-env.ts';
import type { DeploymentChange } from './installation-plan.ts';

export function diffDeployment(c: DeploymentChange, namespace: string): string {
  const where = `Deployment ${namespace}/${c.name}`;
  const head = [
    `--- ${where}${c.resourceVersion === undefined ? '' : ` (resourceVersion ${c.resourceVersion})`}`,
    `+++ ${where} (${c.action})`,
  ];
  if (c.action === 'unchanged') return `${head.join('\n')}\n  (no changes)\n`;
  if (c.action === 'deferred')
    return `${head.join('\n')}\n  (not now: written by a later run, once the credentials Secret is filled and the target answers to it)\n`;
  const body = [`@ container ${c.container}`];
  for (const e of c.env) {
    if (e.before !== undefined) body.push(`- env ${e.after.name}: ${e.before}`);
    body.push(`+ env ${e.after.name}: ${describeEnv(e.after)}`);
  }
  return `${[...head, ...body].join('\n')}\n`;
}
