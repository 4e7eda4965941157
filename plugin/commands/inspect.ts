// kubectl kfstore inspect: each namespace's effective artifact settings and their sources.
import { indexSnapshot } from '../../settings/cluster/snapshot.ts';
import { namespaceView } from '../../settings/inspect/namespace-view.ts';
import type { NamespaceView } from '../../settings/inspect/namespace-view.ts';
import { parseCommon } from '../cli/args.ts';
import { INSPECT_HELP } from '../cli/help.ts';
import { formatTable, render } from '../cli/output.ts';
import { openSource, readPolicyFile } from '../source/source.ts';

export async function inspect(argv: string[]): Promise<number> {
  const { flags, help } = parseCommon(argv);
  if (help) {
    process.stdout.write(INSPECT_HELP);
    return 0;
  }
  const policy = readPolicyFile(flags.policy);
  const source = await openSource(flags);
  const index = indexSnapshot(source.snapshot);
  const views = source.namespaces.map((ns) => namespaceView(index, ns, policy));
  const report = { apiVersion: 'kfstore.dev/v1alpha1', kind: 'InspectReport', source: source.snapshot.source, namespaces: views };
  process.stdout.write(render(flags.output, report, () => table(views, policy !== undefined)));
  if (views.length === 0) process.stderr.write('no namespaces in scope (use -n NAME, -A, or -f with manifests that hold a kfp-launcher)\n');
  return 0;
}

function table(views: NamespaceView[], withPolicy: boolean): string {
  const header = ['NAMESPACE', 'PROFILE', 'PIPELINE ROOT', 'PROVIDER', 'ENDPOINT', 'CREDENTIALS', 'ARGO REPOSITORY'];
  if (withPolicy) header.push('WEBHOOK INJECTS');
  const rows = views.map((v) => {
    const session = v.session.ok ? v.session.value : undefined;
    const row = [
      v.namespace,
      v.profile ? 'yes' : 'no',
      `${v.pipelineRoot.value}${v.launcher.present ? '' : v.unreadable?.some((u) => u.name === 'kfp-launcher') === true ? ' (kfp-launcher not readable)' : ' (KFP default)'}`,
      session?.provider ?? `error: ${v.session.ok ? '' : v.session.error}`,
      session?.params.endpoint || (session ? '(SDK default)' : ''),
      credentialCell(v),
      v.unreadable?.some((u) => u.name === 'artifact-repositories') === true ? '(artifact-repositories not readable)' : v.argo.problem !== undefined ? `(${v.argo.source})` : `${v.argo.bucket ?? ''}${v.argo.secret ? ` via ${v.argo.secret.name}${v.argo.secret.unreadable !== undefined ? ' (not readable)' : v.argo.secret.exists ? '' : ' (missing)'}` : ''}`,
    ];
    if (withPolicy) row.push(v.policy?.inject.join(',') || '-');
    return row;
  });
  return formatTable(header, rows);
}

function credentialCell(v: NamespaceView): string {
  const s = v.credentials.secret;
  if (s === undefined) return v.credentials.source.startsWith('pod environment') ? 'pod env (fromEnv)' : v.credentials.source;
  if (s.unreadable !== undefined) return `Secret ${s.name} (not readable: ${s.unreadable.check})`;
  if (!s.exists) return `Secret ${s.name} (missing)`;
  const missing = s.keys.filter((k) => !k.present).map((k) => k.key);
  return missing.length > 0 ? `Secret ${s.name} (no ${missing.join(', ')})` : `Secret ${s.name}`;
}
