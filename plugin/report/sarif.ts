// -o sarif: SARIF 2.1.0 for GitHub code scanning (github/codeql-action/upload-sarif). One result per
// finding above ok, at the file and line of the object (-f, -k); paths are relative to the
// repository root (%SRCROOT%), as code scanning resolves them.
import { createHash } from 'node:crypto';
import { isAbsolute } from 'node:path';
import type { DoctorReport } from '../../settings/doctor/run.ts';
import type { DoctorFinding } from '../../settings/doctor/finding.ts';
import type { Level } from '../../settings/findings.ts';
import { repoRelative } from './repo-path.ts';
import { rulesOf, subject } from './rules.ts';

const LEVEL: Record<Exclude<Level, 'ok'>, 'error' | 'warning' | 'note'> = { error: 'error', warn: 'warning', info: 'note' };
export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

export function sarif(report: DoctorReport, version: string): string {
  const shown = report.findings.filter((f): f is DoctorFinding & { level: Exclude<Level, 'ok'> } => f.level !== 'ok');
  const rules = rulesOf(report.findings);
  const index = new Map(rules.map((r, i) => [r.id, i]));
  const results = shown.map((f) => {
    const location =
      f.location !== undefined && f.location.file !== '<stdin>'
        ? [{ physicalLocation: { artifactLocation: artifact(f.location.file), region: { startLine: f.location.line } }, ...logical(f) }]
        : [];
    return {
      ruleId: f.id,
      ruleIndex: index.get(f.id) ?? 0,
      level: LEVEL[f.level],
      message: { text: `${subject(f) !== '' ? `${subject(f)}: ` : ''}${f.message}${f.fix !== '' ? `. Fix: ${f.fix}` : ''}` },
      ...(location.length > 0 ? { locations: location } : {}),
      // Stable across runs and line moves, so code scanning tracks one alert per problem.
      partialFingerprints: {
        'kfstoreFinding/v1': createHash('sha256')
          .update([f.id, f.namespace ?? '', subject(f), f.message].join('\u0000'))
          .digest('hex'),
      },
    };
  });
  const log = {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'kfstore',
            fullName: 'kubectl kfstore doctor',
            version,
            semanticVersion: version,
            rules: rules.map((r) => ({
              id: r.id,
              name: r.id,
              shortDescription: { text: r.title },
              fullDescription: { text: r.help },
              help: { text: r.help },
              defaultConfiguration: { level: LEVEL[worst(report.findings, r.id)] },
            })),
          },
        },
        ...(report.source === 'manifests'
          ? { originalUriBaseIds: { '%SRCROOT%': { description: { text: 'the root of the git repository kfstore ran in' } } } }
          : {}),
        results,
      },
    ],
  };
  return `${JSON.stringify(log, null, 2)}\n`;
}

function artifact(given: string): { uri: string; uriBaseId?: string } {
  // A kustomize remote base names its file by URL already.
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(given)) return { uri: given };
  const file = repoRelative(given);
  const slashed = file.split('\\').join('/');
  const uri = slashed.split('/').map(encodeURIComponent).join('/');
  return isAbsolute(file) ? { uri: `file://${uri}` } : { uri, uriBaseId: '%SRCROOT%' };
}

function logical(f: DoctorFinding): { logicalLocations?: { fullyQualifiedName: string; kind: string }[] } {
  if (f.object === undefined) return {};
  return { logicalLocations: [{ fullyQualifiedName: `${f.namespace ?? ''}/${f.object.kind}/${f.object.name}`, kind: 'resource' }] };
}

function worst(findings: DoctorFinding[], id: string): Exclude<Level, 'ok'> {
  const levels = findings.filter((f) => f.id === id).map((f) => f.level);
  return levels.includes('error') ? 'error' : levels.includes('warn') ? 'warn' : 'info';
}
