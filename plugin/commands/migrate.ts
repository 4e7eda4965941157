// kubectl kfstore migrate --to s3: plan every namespace in scope, print the plan, its diff and the
// IAM policies, then (after confirmation) back up and apply per namespace; --rollback restores.
import { indexSnapshot } from '../../settings/cluster/snapshot.ts';
import { refusedWrites } from '../../settings/migrate/api-limits.ts';
import { planNamespace } from '../../settings/migrate/plan.ts';
import { blocks, preflight } from '../../settings/migrate/preflight.ts';
import { parseMigrate } from '../cli/args.ts';
import type { MigrateFlags } from '../cli/args.ts';
import { EXIT_FINDINGS, EXIT_OK, PluginError } from '../cli/errors.ts';
import { MIGRATE_HELP } from '../cli/help.ts';
import { render } from '../cli/output.ts';
import { applyNamespace } from '../migrate/apply.ts';
import { checkTarget, copyBeforeSwitch, targetCredentials, targetS3 } from '../migrate/artifacts.ts';
import { storeFindings } from '../migrate/store-listing.ts';
import type { S3Target } from '../s3/target.ts';
import { confirm } from '../migrate/confirm.ts';
import { onInterrupt } from '../migrate/interrupt.ts';
import { rewriteManifests } from '../migrate/offline.ts';
import { findingsText, iamPolicies, planDocument, planText } from '../migrate/report.ts';
import { rollback } from '../migrate/rollback.ts';
import { targetFrom } from '../migrate/target.ts';
import { openSource, readPolicyFile } from './source.ts';

export async function migrate(argv: string[]): Promise<number> {
  const { flags, help } = parseMigrate(argv);
  if (help) {
    process.stdout.write(MIGRATE_HELP);
    return EXIT_OK;
  }
  if (flags.rollback) return rollbackCommand(flags);
  const live = flags.filenames.length === 0;
  if (flags.copyArtifacts && !live) throw new PluginError('--copy-artifacts needs a cluster (it copies the objects the cluster points at), not -f manifests');
  // Target errors come before any cluster access: nothing is read or written with a bad target.
  const target = targetFrom(flags, readPolicyFile(flags.policy));
  const source = await openSource(flags, { workflows: true, secretValues: true });
  const index = indexSnapshot(source.snapshot);
  // Human text goes to stderr when stdout carries the machine-readable plan.
  const human = (text: string): boolean => (flags.output === 'table' ? process.stdout : process.stderr).write(text);
  const plans = source.namespaces.map((ns) => planNamespace(index, ns, target));
  const findings = [...preflight(index, source.namespaces, target, { force: flags.force, storesListed: live }), ...plans.flatMap(refusedWrites)];
  human(findingsText(findings));
  if (blocks(findings)) {
    human(`migrate: pre-flight found errors; nothing was changed\n`);
    return EXIT_FINDINGS;
  }
  if (flags.output === 'table') process.stdout.write(planText(plans));
  else {
    process.stdout.write(render(flags.output, planDocument(target, plans), () => ''));
    process.stderr.write(planText(plans));
  }
  human(iamPolicies(target, source.namespaces, flags.iamPolicyDir));
  const pending = plans.filter((p) => p.changes.some((c) => c.action !== 'unchanged'));
  const count = pending.reduce((n, p) => n + p.changes.filter((c) => c.action !== 'unchanged').length, 0);
  if (pending.length === 0) {
    human('nothing to do: every namespace is already migrated\n');
    return EXIT_OK;
  }
  // The target bucket, with the target credentials and the planned session, before any write.
  const targets = new Map<string, S3Target>();
  if (live) {
    const checked = new Map<string, string | undefined>();
    let bad = 0;
    for (const plan of pending) {
      const creds = await targetCredentials(source, plan, target);
      if (creds === undefined) {
        if (flags.copyArtifacts) throw new PluginError(`--copy-artifacts: the target credentials for ${plan.namespace} are not known (use --clone-secret-from, or fill Secret ${plan.secretName} first); nothing was changed`);
        human(`note: ${plan.namespace}: the target credentials are not known yet (Secret ${plan.secretName} is a template), so ${target.endpoint} bucket ${target.bucket} could not be checked\n`);
        continue;
      }
      const s3 = targetS3(target, creds);
      if (flags.skipTargetCheck) {
        targets.set(plan.namespace, s3);
        continue;
      }
      const key = `${creds.accessKeyId}\u0000${creds.secretAccessKey}`;
      if (!checked.has(key)) checked.set(key, await checkTarget(s3, target.bucket));
      const problem = checked.get(key);
      if (problem !== undefined) {
        bad++;
        process.stderr.write(`error: ${plan.namespace}: target check failed: ${problem}\n`);
      } else targets.set(plan.namespace, s3);
    }
    if (bad > 0) {
      human(`migrate: the target check failed in ${bad} namespaces; nothing was changed\n`);
      return EXIT_FINDINGS;
    }
    if (flags.skipTargetCheck) human(`note: --skip-target-check: ${target.endpoint} bucket ${target.bucket} was not checked\n`);
    else if (targets.size > 0) human(`target ${target.endpoint} bucket ${target.bucket}: reachable with the target credentials (${targets.size} namespaces)\n`);
  }
  // What is in the current stores: what --copy-artifacts copies, or what stays behind.
  if (live) human(findingsText(await storeFindings(index, source, pending, target, flags.copyArtifacts)));
  if (flags.dryRun) {
    human(`dry run: ${count} changes in ${pending.length} namespaces planned, nothing changed\n`);
    return EXIT_OK;
  }
  if (!live) {
    // Offline: the files are in git, so no prompt and no backup.
    const written = rewriteManifests(flags.filenames, pending, flags.namespace ?? 'default', flags.outDir);
    human(`wrote ${written.length} files:\n${written.map((f) => `  ${f}\n`).join('')}`);
    return EXIT_OK;
  }
  if (!flags.yes && !(await confirm(`apply ${count} changes in ${pending.length} namespaces? [y/N] `))) {
    human('not applied\n');
    return EXIT_OK;
  }
  const api = source.api;
  if (api === undefined) throw new PluginError('no cluster to apply to');
  const stamp = new Date().toISOString();
  const targetText = `${target.endpoint} ${target.bucket} ${target.rootTemplate}`;
  let conflicts = 0;
  const interrupt = onInterrupt((line) => process.stderr.write(line));
  // Set when the interrupt left work undone (a signal during the last apply changes nothing).
  let interrupted = false;
  try {
    for (const [i, plan] of pending.entries()) {
      if (interrupt.signal.aborted) {
        process.stderr.write(`interrupted: ${pending.length - i} namespaces not changed: ${pending.slice(i).map((p) => p.namespace).join(', ')}; re-run to continue\n`);
        return interrupt.exitCode() ?? EXIT_FINDINGS;
      }
      if (flags.copyArtifacts) {
        const step = await copyBeforeSwitch(index, source, plan.namespace, { s3: targets.get(plan.namespace), bucket: target.bucket }, interrupt.signal, human);
        if (step === 'interrupted') interrupted = true;
        if (step === 'failed') conflicts++;
        if (step !== 'done') continue;
      }
      const out = await applyNamespace(api, plan, targetText, stamp);
      for (const note of out.notes) human(`note: ${note}\n`);
      if (out.ok) human(`${plan.namespace}: applied ${out.written} changes (backup in kfstore-migrate-backup)\n`);
      else {
        conflicts++;
        process.stderr.write(`error: ${out.message}\n`);
      }
    }
  } finally {
    interrupt.dispose();
  }
  if (interrupted) return interrupt.exitCode() ?? EXIT_FINDINGS;
  return conflicts > 0 ? EXIT_FINDINGS : EXIT_OK;
}

async function rollbackCommand(flags: MigrateFlags): Promise<number> {
  if (flags.filenames.length > 0) throw new PluginError('--rollback works on a cluster, not on -f manifests (the files are in git)');
  const source = await openSource(flags);
  if (source.api === undefined) throw new PluginError('no cluster to roll back');
  if (!flags.yes && !flags.dryRun && !(await confirm(`roll back the migration in ${source.namespaces.length} namespaces? [y/N] `))) return EXIT_OK;
  const result = await rollback(source.api, source.namespaces, flags.dryRun);
  process.stdout.write(result.text);
  return result.failed > 0 ? EXIT_FINDINGS : EXIT_OK;
}
