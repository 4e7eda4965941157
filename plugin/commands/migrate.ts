// kubectl kfstore migrate --to s3: plan every namespace in scope, print the plan, its diff and the
// IAM policies, say what must be filled before a namespace can switch, then (after confirmation)
// back up and apply per namespace; --rollback restores.
import { indexSnapshot } from '../../settings/cluster/snapshot.ts';
import { refusedWrites } from '../../settings/migrate/api-limits.ts';
import { isWrite, planNamespace } from '../../settings/migrate/plan.ts';
import type { NamespacePlan } from '../../settings/migrate/plan.ts';
import { blocks, preflight } from '../../settings/migrate/preflight.ts';
import { fillInstructions, isStaged, stagePlan } from '../../settings/migrate/stage.ts';
import { isTable, parseMigrate } from '../cli/args.ts';
import type { MigrateFlags } from '../cli/args.ts';
import { EXIT_FINDINGS, EXIT_OK, PluginError } from '../cli/errors.ts';
import { MIGRATE_HELP } from '../cli/help.ts';
import { findingsTable } from '../cli/findings-table.ts';
import { render } from '../cli/output.ts';
import { tableStyle, terminalOf } from '../cli/terminal.ts';
import { applyAll } from '../migrate/apply-all.ts';
import { confirm, confirmManifestEdit } from '../migrate/confirm.ts';
import { rewriteManifests } from '../migrate/offline.ts';
import { assessReadiness } from '../migrate/readiness.ts';
import type { Readiness } from '../migrate/readiness.ts';
import { iamPolicies, planDocument, planText } from '../migrate/report.ts';
import { rollback } from '../migrate/rollback.ts';
import { storeFindings } from '../migrate/store-listing.ts';
import type { Listed } from '../migrate/store-listing.ts';
import { targetFrom } from '../migrate/target-flags.ts';
import { openSource, readPolicyFile } from '../source/source.ts';

export async function migrate(argv: string[]): Promise<number> {
  const { flags, help } = parseMigrate(argv);
  if (help) {
    process.stdout.write(MIGRATE_HELP);
    return EXIT_OK;
  }
  if (flags.installation) {
    const { migrateInstallation } = await import('./migrate-installation.ts');
    return migrateInstallation(flags);
  }
  if (flags.rollback) return rollbackCommand(flags);
  if (flags.kustomize !== undefined)
    throw new PluginError(
      'migrate does not take -k: it rewrites files, not kustomize output; use -f DIR on the files the kustomization reads',
    );
  if (flags.filenames.includes('-') && !flags.dryRun)
    throw new PluginError('migrate -f - needs --dry-run: stdin cannot be rewritten; use -f FILE|DIR');
  const live = flags.filenames.length === 0;
  if (flags.copyArtifacts && !live)
    throw new PluginError('--copy-artifacts needs a cluster (it copies the objects the cluster points at), not -f manifests');
  if (flags.switchOnly && !live) throw new PluginError('--switch needs a cluster (with -f the Secrets are templates in your repository)');
  // Target errors come before any cluster access: nothing is read or written with a bad target.
  const target = targetFrom(flags, readPolicyFile(flags.policy));
  const source = await openSource(flags, { workflows: true, secretValues: true });
  const index = indexSnapshot(source.snapshot);
  // Human text goes to stderr when stdout carries the machine-readable plan.
  const humanOut = isTable(flags.output) ? process.stdout : process.stderr;
  const human = (text: string): boolean => humanOut.write(text);
  // Findings print as doctor prints them, sized to wherever the human text goes.
  const style = tableStyle({ ...flags, output: flags.output === 'wide' ? 'wide' : 'table' }, terminalOf(humanOut));
  const full = source.namespaces.map((ns) => planNamespace(index, ns, target));
  const findings = [
    ...preflight(index, source.namespaces, target, { force: flags.force, storesListed: live }),
    ...full.flatMap(refusedWrites),
  ];
  human(spaced(findingsTable(findings, style)));
  if (blocks(findings)) {
    human(`migrate: pre-flight found errors; nothing was changed\n`);
    return EXIT_FINDINGS;
  }
  // Live, a namespace switches only with known, working target credentials; the others are staged.
  const readiness = live
    ? await assessReadiness(
        source,
        full.filter((p) => p.changes.some(isWrite)),
        target,
        flags.skipTargetCheck,
      )
    : new Map<string, Readiness>();
  const plans = full.map((p) => (readiness.get(p.namespace)?.state === 'stage' ? stagePlan(p) : p));
  if (isTable(flags.output)) process.stdout.write(planText(plans));
  else {
    process.stdout.write(render(flags.output, planDocument(target, plans), () => ''));
    process.stderr.write(planText(plans));
  }
  human(iamPolicies(target, source.namespaces, flags.iamPolicyDir));
  const refused = [...readiness].filter((e): e is [string, Extract<Readiness, { state: 'refused' }>] => e[1].state === 'refused');
  for (const [ns, r] of refused) process.stderr.write(`error: ${ns}: ${r.why}; nothing was changed in ${ns}\n`);
  const staged = plans.filter(isStaged);
  if (staged.length > 0) human(stageNote(staged, target, flags.switchOnly));
  const refusedSet = new Set(refused.map(([ns]) => ns));
  const pending = plans.filter((p) => p.changes.some(isWrite) && !refusedSet.has(p.namespace) && !(flags.switchOnly && isStaged(p)));
  const switching = pending.filter((p) => !isStaged(p));
  if (live && !flags.skipTargetCheck && switching.length > 0)
    human(`target ${target.endpoint} bucket ${target.bucket}: reachable with the target credentials (${switching.length} namespaces)\n`);
  if (flags.skipTargetCheck) human(`note: --skip-target-check: ${target.endpoint} bucket ${target.bucket} was not checked\n`);
  if (refused.length > 0)
    human(`migrate: ${refused.length} namespaces refused (${refused.map(([ns]) => ns).join(', ')}); nothing was changed there\n`);
  // Unswitched namespaces are a failure when the caller asked only to switch, or something was refused.
  const unfinished = refused.length > 0 || (flags.switchOnly && staged.length > 0) ? EXIT_FINDINGS : EXIT_OK;
  const count = pending.reduce((n, p) => n + p.changes.filter(isWrite).length, 0);
  if (pending.length === 0) {
    human(refused.length + staged.length === 0 ? 'nothing to do: every namespace is already migrated\n' : 'nothing to write now\n');
    return unfinished;
  }
  // What is in the current stores of the namespaces that switch now: what --copy-artifacts copies, or what stays behind.
  let listed: Listed = new Map();
  if (live && switching.length > 0) {
    const stores = await storeFindings(index, source, switching, target, flags.copyArtifacts);
    human(spaced(findingsTable(stores.findings, style)));
    listed = stores.listed;
  }
  const summary = `${count} changes in ${pending.length} namespaces (${switching.length} switched, ${pending.length - switching.length} staged)`;
  if (flags.dryRun) {
    human(`dry run: ${summary} planned, nothing changed\n`);
    return unfinished;
  }
  if (!live) {
    if (!(await confirmManifestEdit(flags, summary))) {
      human('not written\n');
      return unfinished;
    }
    const written = rewriteManifests(flags.filenames, pending, flags.namespace ?? 'default', flags.outDir);
    human(`wrote ${written.length} files:\n${written.map((f) => `  ${f}\n`).join('')}`);
    return EXIT_OK;
  }
  if (!flags.yes && !(await confirm(`apply ${summary}? [y/N] `))) {
    human('not applied\n');
    return unfinished;
  }
  const api = source.api;
  if (api === undefined) throw new PluginError('no cluster to apply to');
  const s3 = new Map([...readiness].flatMap(([ns, r]) => (r.state === 'switch' ? [[ns, r.s3] as const] : [])));
  const code = await applyAll(api, index, source, pending, { target, s3, listed, copyArtifacts: flags.copyArtifacts, say: human });
  return code !== EXIT_OK ? code : unfinished;
}

/** A table and the blank line that separates it from what follows; nothing when it is empty. */
function spaced(table: string): string {
  return table === '' ? '' : `${table}\n`;
}

function stageNote(staged: NamespacePlan[], target: Parameters<typeof fillInstructions>[1], switchOnly: boolean): string {
  const what = switchOnly
    ? `not switched (--switch): the target credentials of ${staged.length} namespaces are not known yet:`
    : `stage only: the target credentials of ${staged.length} namespaces are not known yet (no --clone-secret-from, and the Secret is not filled), so migrate writes only their credentials Secret (empty values) and leaves kfp-launcher and artifact-repositories as they are. Fill:`;
  const then = `then run this command again (or with --switch): it checks ${target.endpoint} bucket ${target.bucket} with those credentials and switches only the namespaces that pass`;
  return `${what}\n${fillInstructions(staged, target)
    .map((l) => `  ${l}\n`)
    .join('')}${then}\n`;
}

async function rollbackCommand(flags: MigrateFlags): Promise<number> {
  if (flags.filenames.length > 0) throw new PluginError('--rollback works on a cluster, not on -f manifests (the files are in git)');
  const source = await openSource(flags);
  if (source.api === undefined) throw new PluginError('no cluster to roll back');
  if (!flags.yes && !flags.dryRun && !(await confirm(`roll back the migration in ${source.namespaces.length} namespaces? [y/N] `)))
    return EXIT_OK;
  const result = await rollback(source.api, source.namespaces, flags.dryRun);
  process.stdout.write(result.text);
  return result.failed > 0 ? EXIT_FINDINGS : EXIT_OK;
}
