// -o github: GitHub Actions workflow commands, one annotation per finding above ok, shown on the
// file and line in the pull request (https://docs.github.com/actions/reference/workflow-commands).
import type { DoctorReport } from '../../settings/doctor/run.ts';
import type { Level } from '../../settings/findings.ts';
import { repoRelative } from './repo-path.ts';
import { subject } from './rules.ts';

const COMMAND: Record<Exclude<Level, 'ok'>, string> = { error: 'error', warn: 'warning', info: 'notice' };

export function githubAnnotations(report: DoctorReport): string {
  const lines: string[] = [];
  for (const f of report.findings) {
    if (f.level === 'ok') continue;
    const props = [
      ...(f.location !== undefined && f.location.file !== '<stdin>'
        ? [`file=${property(repoRelative(f.location.file))}`, `line=${f.location.line}`]
        : []),
      `title=${property(f.id)}`,
    ];
    const text = `${subject(f) !== '' ? `${subject(f)}: ` : ''}${f.message}${f.fix !== '' ? `\nfix: ${f.fix}` : ''}`;
    lines.push(`::${COMMAND[f.level]} ${props.join(',')}::${data(text)}`);
  }
  const s = report.summary;
  lines.push(
    `kfstore doctor: ${s.error} error, ${s.warn} warn, ${s.info} info, ${s.ok} ok in ${report.namespaces.length} namespace${report.namespaces.length === 1 ? '' : 's'}`,
  );
  return `${lines.join('\n')}\n`;
}

/** The runner's escaping for a message: a newline would otherwise end the command. */
function data(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function property(s: string): string {
  return data(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}
