// The write phase of migrate, namespace by namespace: a staged namespace gets its Secret template;
// a switching one gets its artifacts copied and verified first (--copy-artifacts), then its
// Secret, Argo repository and kfp-launcher (apply.ts). Ctrl-C stops before the next namespace.
import type { KubeApi } from '../../kube-client/api.ts';
import type { SnapshotIndex } from '../../settings/cluster/snapshot.ts';
import type { NamespacePlan } from '../../settings/migrate/plan.ts';
import { isStaged } from '../../settings/migrate/stage.ts';
import type { MigrationTarget } from '../../settings/migrate/migration-target.ts';
import { EXIT_FINDINGS, EXIT_OK } from '../cli/errors.ts';
import type { Source } from '../source/source.ts';
import type { S3Target } from '../s3/launcher-connection.ts';
import { applyNamespace } from './apply.ts';
import { copyBeforeSwitch } from './artifacts.ts';
import { onInterrupt } from './interrupt.ts';
import type { Listed } from './store-listing.ts';

export interface ApplyAllOptions {
  target: MigrationTarget;
  /** The checked target connection of each namespace that switches. */
  s3: ReadonlyMap<string, S3Target>;
  listed: Listed;
  copyArtifacts: boolean;
  say: (text: string) => void;
}

export async function applyAll(
  api: KubeApi,
  index: SnapshotIndex,
  source: Source,
  pending: NamespacePlan[],
  o: ApplyAllOptions,
): Promise<number> {
  const stamp = new Date().toISOString();
  const targetText = `${o.target.endpoint} ${o.target.bucket} ${o.target.rootTemplate}`;
  let failed = 0;
  const interrupt = onInterrupt((line) => process.stderr.write(line));
  // Set when the interrupt left work undone (a signal during the last apply changes nothing).
  let interrupted = false;
  try {
    for (const [i, plan] of pending.entries()) {
      const ns = plan.namespace;
      if (interrupt.signal.aborted) {
        process.stderr.write(
          `interrupted: ${pending.length - i} namespaces not changed: ${pending
            .slice(i)
            .map((p) => p.namespace)
            .join(', ')}; re-run to continue\n`,
        );
        return interrupt.exitCode() ?? EXIT_FINDINGS;
      }
      const staged = isStaged(plan);
      if (o.copyArtifacts && !staged) {
        const listed = o.listed.get(ns);
        const step = await copyBeforeSwitch(
          index,
          source,
          ns,
          { s3: o.s3.get(ns), bucket: o.target.bucket, ...(listed === undefined ? {} : { listed }) },
          interrupt.signal,
          o.say,
        );
        if (step === 'interrupted') interrupted = true;
        if (step === 'failed') failed++;
        if (step !== 'done') continue;
      }
      const out = await applyNamespace(api, plan, targetText, stamp);
      for (const note of out.notes) o.say(`note: ${note}\n`);
      if (!out.ok) {
        failed++;
        process.stderr.write(`error: ${out.message}\n`);
      } else if (staged)
        o.say(
          `${ns}: staged: wrote ${out.written} changes (backup in kfstore-migrate-backup); kfp-launcher not switched until Secret ${plan.secretName} is filled\n`,
        );
      else o.say(`${ns}: applied ${out.written} changes (backup in kfstore-migrate-backup)\n`);
    }
  } finally {
    interrupt.dispose();
  }
  if (interrupted) return interrupt.exitCode() ?? EXIT_FINDINGS;
  return failed > 0 ? EXIT_FINDINGS : EXIT_OK;
}
