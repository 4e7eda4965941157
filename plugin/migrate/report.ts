// What migrate prints: per namespace the actions and the diff, the IAM policies, and the plan as a
// MigrationPlan document (key names only for Secrets, never values).
import { mkdirSync, writeFileSync } from 'node:fs';
import { fsUserError } from '../fs-errors.ts';
import { join } from 'node:path';
import { diffChanges } from '../../settings/migrate/diff.ts';
import { backendPolicy, namespacePolicy, policyJson } from '../../settings/migrate/iam.ts';
import type { NamespacePlan } from '../../settings/migrate/plan.ts';
import type { MigrationTarget } from '../../settings/migrate/migration-target.ts';
import { formatTable } from '../cli/output.ts';

export function planDocument(target: MigrationTarget, plans: NamespacePlan[]): unknown {
  return { apiVersion: 'kfstore.dev/v1alpha1', kind: 'MigrationPlan', target, namespaces: plans };
}

export function planText(plans: NamespacePlan[]): string {
  return plans
    .map((p) => {
      const rows = p.changes.map((c) => [
        c.action,
        c.kind,
        c.name,
        c.cloneFrom === undefined ? '' : `values from ${c.cloneFrom.namespace}/${c.cloneFrom.name}`,
      ]);
      const lint = p.launcherFindings.filter((f) => f.level === 'error').map((f) => `  planned kfp-launcher: [${f.id}] ${f.message}\n`);
      return `namespace ${p.namespace} (root ${p.layout.root})\n${formatTable(['ACTION', 'KIND', 'NAME', ''], rows)}\n${lint.join('')}${diffChanges(p.changes, p.namespace)}\n`;
    })
    .join('');
}

/** The summary is always printed; the files are written only with --iam-policy-dir. */
export function iamPolicies(target: MigrationTarget, namespaces: string[], dir: string | undefined): string {
  const lines = [`IAM policies (least privilege, bucket ${target.bucket}):`];
  const objects = (p: ReturnType<typeof backendPolicy>): string =>
    p.Statement.slice(1)
      .flatMap((s) => s.Resource)
      .join(', ');
  const backend = backendPolicy(target);
  lines.push(`  backend (KFP API server, UI): ${objects(backend)}`);
  const files: [string, string][] = [['backend.json', policyJson(backend)]];
  for (const ns of namespaces) {
    const policy = namespacePolicy(target, ns);
    lines.push(`  ${ns}: ${objects(policy)}`);
    files.push([`${ns}.json`, policyJson(policy)]);
  }
  if (dir !== undefined) {
    try {
      mkdirSync(dir, { recursive: true });
      for (const [name, text] of files) writeFileSync(join(dir, name), text);
    } catch (e) {
      throw fsUserError(e, { name: '--iam-policy-dir', value: dir });
    }
  }
  if (dir !== undefined) lines.push(`  written to ${dir}/ (backend.json and <namespace>.json)`);
  return `${lines.join('\n')}\n`;
}
