// kubectl kfstore doctor: every check for the namespaces in scope, offline (-f) or live, with
// optional object-store probes; exit 0/1/2 as popeye and kube-score do.
import { indexSnapshot } from '../../settings/cluster/snapshot.ts';
import type { DoctorFinding } from '../../settings/doctor/finding.ts';
import { failsAt, runDoctor } from '../../settings/doctor/run.ts';
import type { DoctorReport } from '../../settings/doctor/run.ts';
import { namespaceView } from '../../settings/inspect/namespace-view.ts';
import { resolveProfile } from '../../settings/policy/resolve.ts';
import type { StorePolicy } from '../../settings/policy/schema.ts';
import { parseDoctor } from '../cli/args.ts';
import type { DoctorFlags } from '../cli/args.ts';
import { EXIT_FINDINGS, EXIT_OK } from '../cli/errors.ts';
import { DOCTOR_HELP } from '../cli/help.ts';
import { findingsTable } from '../cli/findings-table.ts';
import { render } from '../cli/output.ts';
import { tableStyle } from '../cli/terminal.ts';
import type { TableStyle } from '../cli/terminal.ts';
import { webIdentityCheck } from '../doctor/web-identity.ts';
import { locateFindings } from '../manifests/locations.ts';
import { isReportFormat, renderReport } from '../report/formats.ts';
import { openSource, readPolicyFile } from '../source/source.ts';
import type { Source } from '../source/source.ts';

export async function doctor(argv: string[]): Promise<number> {
  const { flags, help } = parseDoctor(argv);
  if (help) {
    process.stdout.write(DOCTOR_HELP);
    return 0;
  }
  if (flags.installation) {
    const { installationReport } = await import('../doctor/installation.ts');
    return output(await installationReport(flags), flags);
  }
  const policy = readPolicyFile(flags.policy);
  const needsTokens =
    policy !== undefined &&
    (policy.store.auth.webIdentity !== undefined || Object.values(policy.profiles).some((p) => p.auth?.webIdentity !== undefined));
  const gkeIdentity =
    policy !== undefined &&
    (policy.store.gcpServiceAccount !== undefined || Object.values(policy.profiles).some((p) => p.gcpServiceAccount !== undefined));
  // The web-identity check asks for a token (TokenRequest) and learns from it whether the service
  // account exists; with web identity the pods the webhook left without a role are read. Workload
  // Identity (gs://) reads the service accounts' iam.gke.io annotation.
  const source = await openSource(flags, {
    // Workload Identity and IRSA (--iam-policy-dir) are annotations on service accounts.
    serviceAccounts: gkeIdentity || flags.iamPolicyDir !== undefined,
    pods: needsTokens,
    secretValues: flags.probe,
    // Live, NetworkPolicies are read with --probe only (one more LIST per run; -f reads whatever the files hold).
    networkPolicies: flags.probe,
    // Recurring runs' own service accounts get the same access review as the default runner (--probe).
    scheduledWorkflows: flags.probe,
    profileScope: true,
  });
  const extra: DoctorFinding[] = [];
  if (source.api !== undefined && policy !== undefined) extra.push(...(await tokenChecks(source, policy, flags)));
  if (flags.probe) {
    const { runProbes } = await import('../doctor/probes.ts');
    const index = indexSnapshot(source.snapshot);
    const views = source.namespaces.map((ns) => namespaceView(index, ns, policy));
    const probed = await runProbes(source, views, {
      write: flags.probeWrite,
      ...(flags.s3CaBundle !== undefined ? { caBundleFile: flags.s3CaBundle } : {}),
    });
    // The bucket probe authenticated with each namespace's Secret: rejected keys and pods older than the Secret are drift.
    const { credentialDrift } = await import('../doctor/credential-drift.ts');
    extra.push(...probed, ...(await credentialDrift(source, views, probed)));
    // Asking (not reading) whether the run's service account may read its config: with --probe, like the store probes.
    if (source.api !== undefined) {
      const { runAccessReviews } = await import('../doctor/run-access-review.ts');
      const existing = views.filter((v) => index.namespace(v.namespace) !== undefined);
      const { runAccounts } = await import('../../settings/doctor/checks/run-access.ts');
      extra.push(...(await runAccessReviews(source.api, existing, (ns) => runAccounts(index, ns, flags.serviceAccount))));
    }
  }
  const iamPolicies =
    flags.iamPolicyDir === undefined
      ? undefined
      : (await import('../doctor/iam-policies.ts')).readIamPolicies(flags.iamPolicyDir, source.namespaces);
  const checked = runDoctor(source.snapshot, {
    ...(iamPolicies !== undefined ? { iamPolicies } : {}),
    namespaces: source.namespaces,
    ...(policy !== undefined ? { policy } : {}),
    skip: flags.skip,
    only: flags.only,
    serviceAccount: flags.serviceAccount,
    ...(source.invocation !== undefined ? { invocation: source.invocation } : {}),
    extra,
  });
  const report = source.locations !== undefined ? { ...checked, findings: locateFindings(checked.findings, source.locations) } : checked;
  const code = output(report, flags);
  if (source.api !== undefined && flags.verbosity >= 1)
    process.stderr.write(
      `doctor: ${source.namespaces.length} namespaces, ${Object.entries(source.api.counts)
        .map(([v, n]) => `${n} ${v}`)
        .join(', ')} API requests\n`,
    );
  return code;
}

/** Writes the report in the chosen format; the exit code per --fail-on and --exit-zero. */
function output(report: DoctorReport, flags: DoctorFlags): number {
  process.stdout.write(
    isReportFormat(flags.output)
      ? renderReport(flags.output, report, flags.failOn)
      : render(flags.output, report, () => table(report, tableStyle(flags))),
  );
  if (flags.exitZero) return EXIT_OK;
  return failsAt(report, flags.failOn) ? EXIT_FINDINGS : EXIT_OK;
}

async function tokenChecks(source: Source, policy: StorePolicy, flags: DoctorFlags): Promise<DoctorFinding[]> {
  const out: DoctorFinding[] = [];
  for (const ns of source.namespaces) {
    const store = resolveProfile(policy, ns);
    if (store.auth.kind !== 'webIdentity' || source.api === undefined) continue;
    out.push(await webIdentityCheck(source.api, store, flags.serviceAccount));
  }
  return out;
}

/** With --no-headers only the rows: no summary and no "no problems found" for scripts to skip. */
function table(report: DoctorReport, style: TableStyle): string {
  const rows = findingsTable(report.findings, style);
  if (!style.headers) return rows;
  const s = report.summary;
  const summary = `${s.error} error, ${s.warn} warn, ${s.info} info, ${s.ok} ok${s.skipped > 0 ? `, ${s.skipped} skipped` : ''} in ${report.namespaces.length} namespace${report.namespaces.length === 1 ? '' : 's'}\n`;
  if (rows === '') return `no problems found\n${summary}`;
  return `${rows}\n${summary}`;
}
