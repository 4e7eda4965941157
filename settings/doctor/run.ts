// doctor over a snapshot: every offline check for the selected namespaces, plus findings the edge
// gathered with I/O (probes, token checks), filtered by --skip/--only and `kfstore.dev/skip`.
import { LEVEL_RANK } from '../findings.ts';
import type { Level } from '../findings.ts';
import { indexSnapshot } from '../cluster/snapshot.ts';
import type { ClusterSnapshot, SnapshotIndex } from '../cluster/snapshot.ts';
import { launcherConfigOf, namespaceView } from '../inspect/namespace-view.ts';
import type { NamespaceView } from '../inspect/namespace-view.ts';
import { namespaceRole } from '../inspect/namespace-role.ts';
import type { KfpVersionInfo } from '../kfp/version-source.ts';
import type { StorePolicy } from '../policy/schema.ts';
import { accessChecks } from './checks/access.ts';
import { argoChecks } from './checks/argo.ts';
import { identityChecks, workloadIdentityChecks } from './checks/identity.ts';
import { invocationChecks } from './checks/invocation.ts';
import type { InvocationFacts } from './checks/invocation.ts';
import { kfpVersionChecks } from './checks/kfp-version.ts';
import { launcherChecks } from './checks/launcher.ts';
import { profileChecks } from './checks/profile.ts';
import { networkChecks } from './checks/network.ts';
import { manifestRunAccessChecks } from './checks/run-access.ts';
import { seaweedfsChecks } from './checks/seaweedfs.ts';
import { tenancyChecks } from './checks/tenancy.ts';
import { usernameWithRoleChecks } from './checks/username-variable.ts';
import type { IamDocument } from './checks/username-variable.ts';
import { suggestionPrefix, uiKeyLayoutChecks, uiOwnership } from './checks/ui-ownership.ts';
import type { DoctorFinding } from './finding.ts';

export const SKIP_ANNOTATION = 'kfstore.dev/skip';
/** The account a multi-user KFP profile's pipeline pods run as. */
export const DEFAULT_RUN_SERVICE_ACCOUNT = 'default-editor';

export interface DoctorOptions {
  namespaces: string[];
  policy?: StorePolicy;
  skip?: string[];
  only?: string[];
  invocation?: InvocationFacts;
  /** The Kubernetes service account pipeline pods run as (`--service-account`). */
  serviceAccount?: string;
  /** Findings from checks that need I/O (probes, service-account tokens). */
  extra?: DoctorFinding[];
  /** IAM policy documents given to doctor (--iam-policy-dir). */
  iamPolicies?: IamDocument[];
}

export interface DoctorSummary {
  error: number;
  warn: number;
  info: number;
  ok: number;
  skipped: number;
}

export interface DoctorReport {
  apiVersion: 'kfstore.dev/v1alpha1';
  kind: 'DoctorReport';
  source: ClusterSnapshot['source'];
  /** The KFP release the checks judged by, and how it was learnt. */
  kfp?: KfpVersionInfo;
  namespaces: string[];
  summary: DoctorSummary;
  findings: DoctorFinding[];
}

export function runDoctor(snapshot: ClusterSnapshot, opts: DoctorOptions): DoctorReport {
  const index = indexSnapshot(snapshot);
  const views: NamespaceView[] = [];
  const all: DoctorFinding[] = [];
  const ui = uiOwnership(index);
  for (const ns of opts.namespaces) {
    if (namespaceRole(index, ns) === 'missing' && snapshot.source === 'cluster') {
      // The profile check says it does not exist; every other check would only repeat that.
      all.push(...profileChecks(index, namespaceView(index, ns, opts.policy)));
      continue;
    }
    const config = launcherConfigOf(index, ns);
    const view = namespaceView(index, ns, opts.policy, config);
    views.push(view);
    all.push(
      ...profileChecks(index, view),
      ...launcherChecks(index, view, opts.policy, config),
      ...argoChecks(view),
      ...identityChecks(index, view, opts.policy),
      ...networkChecks(index, view),
      ...uiKeyLayoutChecks(index, view, ui),
    );
    const runner = opts.serviceAccount ?? DEFAULT_RUN_SERVICE_ACCOUNT;
    all.push(...workloadIdentityChecks(index, view, opts.policy, runner), ...manifestRunAccessChecks(index, view, runner));
  }
  all.push(...tenancyChecks(index, views, suggestionPrefix(index, ui)));
  all.push(...kfpVersionChecks(index, opts.policy), ...seaweedfsChecks(index));
  if (opts.iamPolicies !== undefined)
    all.push(
      ...usernameWithRoleChecks(index, opts.namespaces, opts.policy, opts.serviceAccount ?? DEFAULT_RUN_SERVICE_ACCOUNT, opts.iamPolicies),
    );
  if (opts.invocation !== undefined) all.push(...invocationChecks(opts.invocation));
  all.push(...(opts.extra ?? []));
  all.push(...accessChecks(index, opts.namespaces));
  return summarize(snapshot, opts.namespaces, all, opts, index);
}

/** The report of some findings: --skip/--only and skip annotations applied, sorted and counted. */
export function summarize(
  snapshot: ClusterSnapshot,
  namespaces: string[],
  all: DoctorFinding[],
  opts: Pick<DoctorOptions, 'skip' | 'only'>,
  index: SnapshotIndex = indexSnapshot(snapshot),
): DoctorReport {
  const skipped = all.filter((f) => isSkipped(f, index, opts));
  const findings = all.filter((f) => !skipped.includes(f)).sort(order);
  const summary: DoctorSummary = { error: 0, warn: 0, info: 0, ok: 0, skipped: skipped.length };
  for (const f of findings) summary[f.level] += 1;
  const kfp = snapshot.kfp === undefined ? {} : { kfp: snapshot.kfp };
  return {
    apiVersion: 'kfstore.dev/v1alpha1',
    kind: 'DoctorReport',
    source: snapshot.source,
    ...kfp,
    namespaces,
    summary,
    findings,
  };
}

function isSkipped(f: DoctorFinding, index: SnapshotIndex, opts: Pick<DoctorOptions, 'skip' | 'only'>): boolean {
  if (opts.only !== undefined && opts.only.length > 0 && !opts.only.includes(f.id)) return true;
  if (opts.skip?.includes(f.id)) return true;
  if (f.namespace === undefined) return false;
  const listed = (annotations: Record<string, string> | undefined): boolean =>
    (annotations?.[SKIP_ANNOTATION] ?? '')
      .split(',')
      .map((s) => s.trim())
      .includes(f.id);
  if (listed(index.namespace(f.namespace)?.metadata.annotations)) return true;
  return f.object?.kind === 'ConfigMap' && listed(index.configMap(f.namespace, f.object.name)?.metadata.annotations);
}

function order(a: DoctorFinding, b: DoctorFinding): number {
  return LEVEL_RANK[b.level] - LEVEL_RANK[a.level] || (a.namespace ?? '').localeCompare(b.namespace ?? '') || a.id.localeCompare(b.id);
}

/** Exit status per the plugin contract: 1 when a finding is at or above `failOn`. */
export function failsAt(report: DoctorReport, failOn: Exclude<Level, 'ok'>): boolean {
  return report.findings.some((f) => LEVEL_RANK[f.level] >= LEVEL_RANK[failOn]);
}
