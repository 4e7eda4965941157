// kubectl kfstore migrate --to s3 --installation: the KFP installation's own storage settings
// (namespace kubeflow, or -n) planned, shown as a diff, then backed up and applied, or staged while
// the target credentials are not known, exactly as the per-namespace path does (migrate.ts); plus
// the stored artifact URIs that still point at the old store. --rollback --installation restores
// the namespace's backup (rollback.ts).
import { KFP_NAMESPACE } from '../../settings/kfp/version-source.ts';
import { refusedWrites } from '../../settings/migrate/api-limits.ts';
import { planInstallation } from '../../settings/migrate/installation-plan.ts';
import type { InstallationPlan } from '../../settings/migrate/installation-plan.ts';
import { secretNameFor } from '../../settings/migrate/migration-target.ts';
import { isWrite } from '../../settings/migrate/plan.ts';
import { blocks } from '../../settings/migrate/preflight.ts';
import { fillInstructions, isStaged, stagePlan } from '../../settings/migrate/stage.ts';
import type { StoredUri } from '../../settings/migrate/stored-uris.ts';
import { isTable } from '../cli/args.ts';
import type { MigrateFlags } from '../cli/args.ts';
import { EXIT_FINDINGS, EXIT_OK, PluginError } from '../cli/errors.ts';
import { findingsTable } from '../cli/findings-table.ts';
import { render } from '../cli/output.ts';
import { tableStyle, terminalOf } from '../cli/terminal.ts';
import { confirm, confirmManifestEdit } from '../migrate/confirm.ts';
import { applyInstallation } from '../migrate/installation-apply.ts';
import { oldStoreUris, readInstallation } from '../migrate/installation-read.ts';
import { kfpApiUris } from '../migrate/kfp-api-uris.ts';
import { installationDocument, installationPlanText, storedUrisText } from '../migrate/installation-text.ts';
import { rewriteManifests } from '../migrate/offline.ts';
import { assessReadiness } from '../migrate/readiness.ts';
import { rollback } from '../migrate/rollback.ts';
import { targetFrom } from '../migrate/target-flags.ts';
import { connectCluster, readPolicyFile } from '../source/source.ts';

export async function migrateInstallation(flags: MigrateFlags): Promise<number> {
  if (flags.allNamespaces || flags.selector !== undefined)
    throw new PluginError('--installation migrates one namespace (kubeflow, or -n NAMESPACE): drop -A/-l');
  if (flags.copyArtifacts)
    throw new PluginError('--installation does not copy artifacts: --copy-artifacts copies per profile namespace (migrate -A)');
  if (flags.kustomize !== undefined)
    throw new PluginError('migrate --installation does not take -k: it rewrites files; use -f DIR on the files the kustomization reads');
  const namespace = flags.namespace ?? KFP_NAMESPACE;
  if (flags.rollback) return rollbackInstallation(flags, namespace);
  if (flags.filenames.includes('-') && !flags.dryRun)
    throw new PluginError('migrate -f - needs --dry-run: stdin cannot be rewritten; use -f FILE|DIR');
  const live = flags.filenames.length === 0;
  // Target errors come before any cluster access.
  const target = targetFrom(flags, readPolicyFile(flags.policy));
  const source = await readInstallation(flags, namespace, secretNameFor(target, namespace));
  const full = planInstallation(source.snapshot, namespace, target);
  if (full.changes.length === 0 && full.deployments.length === 0)
    throw new PluginError(
      `no KFP installation in namespace ${namespace}: none of Deployment ml-pipeline, ml-pipeline-ui or ConfigMap ` +
        'workflow-controller-configmap found (KFP in another namespace: pass -n NAMESPACE)',
    );
  const humanOut = isTable(flags.output) ? process.stdout : process.stderr;
  const human = (text: string): boolean => humanOut.write(text);
  const style = tableStyle({ ...flags, output: flags.output === 'wide' ? 'wide' : 'table' }, terminalOf(humanOut));
  const findings = refusedWrites(full);
  if (findings.length > 0) human(`${findingsTable(findings, style)}\n`);
  if (blocks(findings)) {
    human('migrate: pre-flight found errors; nothing was changed\n');
    return EXIT_FINDINGS;
  }
  // Live, the installation switches only with known, working target credentials; else it is staged.
  const writes = (p: InstallationPlan): number =>
    p.changes.filter(isWrite).length + p.deployments.filter((d) => d.action === 'update').length;
  const readiness =
    live && writes(full) > 0 ? (await assessReadiness(source, [full], target, flags.skipTargetCheck)).get(namespace) : undefined;
  if (readiness?.state === 'refused') {
    process.stderr.write(`error: ${namespace}: ${readiness.why}; nothing was changed in ${namespace}\n`);
    return EXIT_FINDINGS;
  }
  const plan = readiness?.state === 'stage' ? staged(full) : full;
  let stored: { uris: StoredUri[]; notes: string[] } | undefined;
  if (source.api !== undefined) {
    const held = await oldStoreUris(source.api, source.snapshot, namespace, target);
    const kept = await kfpApiUris(source.api, namespace, target);
    stored = { uris: [...held.uris, ...kept.uris], notes: [...held.notes, ...kept.notes] };
  }
  if (isTable(flags.output)) process.stdout.write(installationPlanText(plan));
  else {
    process.stdout.write(render(flags.output, installationDocument(target, plan, stored?.uris), () => ''));
    process.stderr.write(installationPlanText(plan));
  }
  if (stored !== undefined) human(storedUrisText(stored.uris, stored.notes));
  if (isStaged(plan)) human(stageNote(plan, target, flags.switchOnly));
  const count = writes(plan);
  const unfinished = flags.switchOnly && isStaged(plan) ? EXIT_FINDINGS : EXIT_OK;
  if (count === 0 || (flags.switchOnly && isStaged(plan))) {
    human(isStaged(plan) ? 'nothing to write now\n' : 'nothing to do: the installation is already migrated\n');
    return unfinished;
  }
  if (live && !flags.skipTargetCheck && !isStaged(plan))
    human(`target ${target.endpoint} bucket ${target.bucket}: reachable with the target credentials\n`);
  if (flags.skipTargetCheck) human(`note: --skip-target-check: ${target.endpoint} bucket ${target.bucket} was not checked\n`);
  const summary = `${count} changes in the installation (${namespace}, ${isStaged(plan) ? 'staged' : 'switched'})`;
  if (flags.dryRun) {
    human(`dry run: ${summary} planned, nothing changed\n`);
    return EXIT_OK;
  }
  if (!live) {
    if (!(await confirmManifestEdit(flags, summary))) {
      human('not written\n');
      return EXIT_OK;
    }
    const deployments = plan.deployments.map((change) => ({ ns: namespace, change }));
    const written = rewriteManifests(flags.filenames, [plan], namespace, flags.outDir, deployments);
    human(`wrote ${written.length} files:\n${written.map((f) => `  ${f}\n`).join('')}`);
    return EXIT_OK;
  }
  const api = source.api;
  if (api === undefined) throw new PluginError('no cluster to apply to');
  if (!flags.yes && !(await confirm(`apply ${summary}? [y/N] `))) {
    human('not applied\n');
    return EXIT_OK;
  }
  const out = await applyInstallation(api, plan, `${target.endpoint} ${target.bucket} installation`, new Date().toISOString());
  for (const note of out.notes) human(`note: ${note}\n`);
  if (!out.ok) {
    process.stderr.write(`error: ${out.message}\n`);
    return EXIT_FINDINGS;
  }
  human(
    isStaged(plan)
      ? `${namespace}: staged: wrote ${out.written} changes (backup in kfstore-migrate-backup); ` +
          `the installation is not switched until Secret ${plan.secretName} is filled\n`
      : `${namespace}: applied ${out.written} changes to the installation (backup in kfstore-migrate-backup); ` +
          'the Deployments roll out with the new settings\n',
  );
  return EXIT_OK;
}

/** Staged: only the credentials Secret is written; ConfigMaps and Deployments wait. */
function staged(plan: InstallationPlan): InstallationPlan {
  return {
    ...plan,
    ...stagePlan(plan),
    deployments: plan.deployments.map((d) => (d.action === 'update' ? { ...d, action: 'deferred' } : d)),
  };
}

function stageNote(plan: InstallationPlan, target: Parameters<typeof fillInstructions>[1], switchOnly: boolean): string {
  const what = switchOnly
    ? "not switched (--switch): the installation's target credentials are not known yet:"
    : "stage only: the installation's target credentials are not known yet (no --clone-secret-from, and the Secret is not filled), " +
      'so migrate writes only its credentials Secret (empty values) and leaves the Deployments and ConfigMaps as they are. Fill:';
  return (
    `${what}\n${fillInstructions([plan], target)
      .map((l) => `  ${l}\n`)
      .join(
        '',
      )}then run this command again (or with --switch): it checks ${target.endpoint} bucket ${target.bucket} with those credentials ` +
    'and switches the installation if they pass\n'
  );
}

async function rollbackInstallation(flags: MigrateFlags, namespace: string): Promise<number> {
  if (flags.filenames.length > 0) throw new PluginError('--rollback works on a cluster, not on -f manifests (the files are in git)');
  const { api } = await connectCluster(flags);
  if (!flags.yes && !flags.dryRun && !(await confirm(`roll back the installation's migration in ${namespace}? [y/N] `))) return EXIT_OK;
  const result = await rollback(api, [namespace], flags.dryRun);
  process.stdout.write(result.text);
  return result.failed > 0 ? EXIT_FINDINGS : EXIT_OK;
}
