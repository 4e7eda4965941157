// kubectl kfstore inspect: each namespace's effective artifact settings and their sources.
import { indexSnapshot } from '../../settings/cluster/snapshot.ts';
import { namespaceView } from '../../settings/inspect/namespace-view.ts';
import { describeKfp } from '../../settings/kfp/version-source.ts';
import type { NamespaceView } from '../../settings/inspect/namespace-view.ts';
import { parseCommon } from '../cli/args.ts';
import { INSPECT_HELP } from '../cli/help.ts';
import { levelTone } from '../cli/color.ts';
import type { Tone } from '../cli/color.ts';
import { formatTable, render } from '../cli/output.ts';
import { tableStyle } from '../cli/terminal.ts';
import type { TableStyle } from '../cli/terminal.ts';
import { wrapText } from '../cli/wrap.ts';
import { escapeControlChars } from '../../settings/text/control-chars.ts';
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
  const kfp = source.snapshot.kfp;
  const report = {
    apiVersion: 'kfstore.dev/v1alpha1',
    kind: 'InspectReport',
    source: source.snapshot.source,
    ...(kfp !== undefined ? { kfp } : {}),
    namespaces: views,
  };
  const style = tableStyle(flags);
  process.stdout.write(
    render(
      flags.output,
      report,
      () => `${table(views, policy !== undefined, style)}${kfp !== undefined ? `\n${releaseNote(describeKfp(kfp), style)}` : ''}`,
    ),
  );
  if (views.length === 0) process.stderr.write('no namespaces in scope (use -n NAME, -A, or -f with manifests that hold a kfp-launcher)\n');
  return 0;
}

/** The release the sessions were computed for, under the table, wrapped like its notes. */
function releaseNote(release: string, style: TableStyle): string {
  const text = `Sessions as ${escapeControlChars(release)} computes them.`;
  return `${(style.width === undefined ? [text] : wrapText(text, style.width)).join('\n')}\n`;
}

// Errors never sit in a data column: STATUS says ok or ERROR, and each error is a note under the table.
function table(views: NamespaceView[], withPolicy: boolean, style: TableStyle): string {
  const header = ['NAMESPACE', 'PROFILE', 'PIPELINE ROOT', 'PROVIDER', 'ENDPOINT', 'CREDENTIALS', 'ARGO REPOSITORY'];
  if (style.wide) header.push('REGION', 'ROOT SOURCE', 'SESSION SOURCE');
  if (withPolicy) header.push('WEBHOOK INJECTS');
  header.push('STATUS');
  const notes: string[] = [];
  const rows = views.map((v) => {
    const session = v.session.ok ? v.session.value : undefined;
    if (!v.session.ok)
      notes.push(
        `${v.namespace}: KFP cannot compute the store session${v.session.panic ? " (KFP's driver panics)" : ''}: ${v.session.error}`,
      );
    const row = [
      v.namespace,
      v.profile ? 'yes' : 'no',
      `${v.pipelineRoot.value}${v.launcher.present ? '' : v.unreadable?.some((u) => u.name === 'kfp-launcher') === true ? ' (kfp-launcher not readable)' : ' (KFP default)'}`,
      session?.provider ?? '-',
      session === undefined ? '-' : session.params.endpoint || '(SDK default)',
      credentialCell(v),
      v.unreadable?.some((u) => u.name === 'artifact-repositories') === true
        ? '(artifact-repositories not readable)'
        : v.argo.problem !== undefined
          ? `(${v.argo.source})`
          : `${v.argo.bucket ?? ''}${v.argo.secret ? ` via ${v.argo.secret.name}${v.argo.secret.unreadable !== undefined ? ' (not readable)' : v.argo.secret.exists ? '' : ' (missing)'}` : ''}`,
    ];
    if (style.wide) row.push(session?.params.region || '-', v.pipelineRoot.source, v.session.ok ? v.session.source : '-');
    if (withPolicy) row.push(v.policy?.inject.join(',') || '-');
    row.push(v.session.ok ? 'ok' : 'ERROR');
    return row;
  });
  const text = fits(header, rows, style.width)
    ? formatTable(header, rows, { style, tone: statusTone(rows, header.length - 1) })
    : stacked(header, rows, style);
  if (notes.length === 0) return text;
  const noteLines = notes
    .map(escapeControlChars)
    .flatMap((n) => (style.width === undefined ? [n] : wrapText(n, style.width - 2).map((l, i) => (i === 0 ? l : `  ${l}`))));
  return `${text}\n${noteLines.map((l) => `${l}\n`).join('')}`;
}

// Do all columns fit side by side (gaps of 3, as formatTable lays them out)?
function fits(header: string[], rows: string[][], width: number | undefined): boolean {
  if (width === undefined) return true;
  const total =
    header.reduce((sum, h, i) => sum + Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)), 0) + 3 * (header.length - 1);
  return total <= width;
}

const SHORT = ['NAMESPACE', 'PROFILE', 'PROVIDER', 'STATUS'];

/** A narrow terminal: the short columns on the row, every other value on its own labelled line under it. */
function stacked(header: string[], rows: string[][], style: TableStyle): string {
  const short = header.flatMap((h, i) => (SHORT.includes(h) ? [i] : []));
  const long = header.flatMap((h, i) => (SHORT.includes(h) ? [] : [i]));
  const shortRows = rows.map((r) => short.map((i) => r[i] ?? ''));
  const below = (row: number): string[] => long.map((i) => `${(header[i] ?? '').toLowerCase()}: ${rows[row]?.[i] ?? ''}`);
  return formatTable(
    short.map((i) => header[i] ?? ''),
    shortRows,
    { style, tone: statusTone(shortRows, short.length - 1), below, indent: 4 },
  );
}

function statusTone(rows: string[][], column: number): (row: number, column: number) => Tone {
  return (row, c) => (c === column ? levelTone(rows[row]?.[column] === 'ERROR' ? 'error' : 'ok') : 'plain');
}

function credentialCell(v: NamespaceView): string {
  const s = v.credentials.secret;
  if (s === undefined) return v.credentials.source.startsWith('pod environment') ? 'pod env (fromEnv)' : v.credentials.source;
  if (s.unreadable !== undefined) return `Secret ${s.name} (not readable: ${s.unreadable.check})`;
  if (!s.exists) return `Secret ${s.name} (missing)`;
  const missing = s.keys.filter((k) => !k.present).map((k) => k.key);
  return missing.length > 0 ? `Secret ${s.name} (no ${missing.join(', ')})` : `Secret ${s.name}`;
}
