// What `migrate --installation` prints: the actions, the diff of every object (key names only for
// Secrets), what the plan leaves to the admin, and the plan as a document for -o json|yaml.
import { diffDeployment } from '../../settings/migrate/installation-diff.ts';
import type { InstallationPlan } from '../../settings/migrate/installation-plan.ts';
import { diffChanges } from '../../settings/migrate/diff.ts';
import type { MigrationTarget } from '../../settings/migrate/migration-target.ts';
import type { StoredUri } from '../../settings/migrate/stored-uris.ts';
import { formatTable } from '../cli/output.ts';

export function installationPlanText(plan: InstallationPlan): string {
  const rows = [
    ...plan.changes.map((c) => [
      c.action,
      c.kind,
      c.name,
      c.cloneFrom === undefined ? '' : `values from ${c.cloneFrom.namespace}/${c.cloneFrom.name}`,
    ]),
    ...plan.deployments.map((d) => [d.action, d.kind, d.name, d.env.map((e) => e.after.name).join(', ')]),
  ];
  const notes = plan.notes.map((n) => `  note: ${n}\n`).join('');
  const diffs = diffChanges(plan.changes, plan.namespace) + plan.deployments.map((d) => diffDeployment(d, plan.namespace)).join('');
  const table = formatTable(['ACTION', 'KIND', 'NAME', ''], rows);
  return `installation in ${plan.namespace} (KFP ${plan.kfpVersion})\n${table}\n${notes}${diffs}\n`;
}

export function installationDocument(target: MigrationTarget, plan: InstallationPlan, storedUris: StoredUri[] | undefined): unknown {
  // A profile's root layout and launcher lint say nothing about the installation.
  const { layout: _layout, launcherFindings: _lint, ...installation } = plan;
  return {
    apiVersion: 'kfstore.dev/v1alpha1',
    kind: 'InstallationMigrationPlan',
    target,
    installation,
    ...(storedUris === undefined ? {} : { storedUris }),
  };
}

/** The stored URIs that still name the old store, where they are kept. */
export function storedUrisText(uris: StoredUri[], notes: string[]): string {
  const head =
    'stored artifact URIs that still point at the old store (Workflows and ScheduledWorkflows; runs and recurring runs from KFP):\n';
  const table =
    uris.length === 0
      ? '  none\n'
      : `${formatTable(
          ['NAMESPACE', 'KIND', 'NAME', 'WHERE', 'URI'],
          uris.map((u) => [u.namespace, u.kind, u.name, u.where, u.uri]),
        )}\n`;
  return `${head}${table}${notes.map((n) => `note: ${n}\n`).join('')}`;
}
