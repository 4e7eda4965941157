// Shell completion through kubectl (>= 1.26): kubectl runs `kubectl_complete-kfstore ARGS... PARTIAL`,
// which calls `kubectl-kfstore __complete ARGS... PARTIAL`; the answer is one candidate per line and
// a final `:<directive>` line, as cobra prints it (4 = no file completion).
import { homedir } from 'node:os';
import { COMMON_OPTIONS, DOCTOR_OPTIONS, MIGRATE_OPTIONS, OUTPUT_ONLY_OPTIONS } from '../cli/args.ts';
import type { FlagSpecs } from '../cli/flags.ts';

const NO_FILE = ':4';
const DEFAULT = ':0';
const COMMANDS = [
  'inspect\tshow effective artifact settings',
  'doctor\tdiagnose artifact storage',
  'migrate\tmove namespaces to S3',
  'checks\tlist the check ids',
  'version\tprint the version',
  'completion\thow shell completion works',
];
/** Each command's own flags: completion offers only what the command accepts. */
const OPTIONS: Record<string, FlagSpecs> = {
  inspect: COMMON_OPTIONS,
  doctor: DOCTOR_OPTIONS,
  migrate: MIGRATE_OPTIONS,
  checks: OUTPUT_ONLY_OPTIONS,
  version: OUTPUT_ONLY_OPTIONS,
};

export async function complete(args: string[]): Promise<number> {
  const partial = args[args.length - 1] ?? '';
  const before = args.slice(0, -1);
  const out = (items: string[], directive = NO_FILE): number => {
    process.stdout.write(`${items.filter((i) => i.startsWith(partial)).join('\n')}${items.length > 0 ? '\n' : ''}${directive}\n`);
    return 0;
  };
  if (before.length === 0) return out(COMMANDS);
  const previous = before[before.length - 1] ?? '';
  if (previous === '-o' || previous === '--output')
    return out(
      before[0] === 'version'
        ? ['json', 'yaml']
        : ['table', 'wide', 'json', 'yaml', ...(before[0] === 'doctor' ? ['sarif', 'junit', 'github'] : [])],
    );
  if (previous === '--color') return out(['auto', 'always', 'never']);
  if (previous === '--fail-on') return out(['error', 'warn', 'info']);
  if (previous === '--only' || previous === '--skip') return out(await checkIds(partial));
  if (
    previous === '-f' ||
    previous === '--filename' ||
    previous === '-k' ||
    previous === '--kustomize' ||
    previous === '--policy' ||
    previous === '--kubeconfig' ||
    previous === '--s3-ca-bundle'
  )
    return out([], DEFAULT);
  if (previous === '-n' || previous === '--namespace') return out(await namespaces(before));
  if (previous === '--context') return out(await contexts(before));
  if (partial.startsWith('-')) {
    const flags = Object.entries(OPTIONS[before[0] ?? ''] ?? {}).flatMap(([long, o]) => [
      `--${long}`,
      ...(o.short !== undefined ? [`-${o.short}`] : []),
    ]);
    return out(flags);
  }
  return out([]);
}

// Ids with their titles; after a comma, the ids already listed are kept as the prefix (--skip <id>,<partial id>).
async function checkIds(partial: string): Promise<string[]> {
  const { CHECK_LIST } = await import('../../settings/checks/registry.ts');
  const head = partial.slice(0, partial.lastIndexOf(',') + 1);
  const listed = new Set(head.split(',').map((s) => s.trim().toUpperCase()));
  return CHECK_LIST.filter((c) => c.planned !== true && !listed.has(c.id)).map((c) => `${head}${c.id}\t${c.title}`);
}

function flagValue(args: string[], names: string[]): string | undefined {
  const i = args.findIndex((a) => names.includes(a));
  return i >= 0 ? args[i + 1] : undefined;
}

async function contexts(args: string[]): Promise<string[]> {
  try {
    const { parse } = await import('yaml');
    const { readFileSync } = await import('node:fs');
    const { kubeconfigFiles } = await import('../../kube-client/kubeconfig.ts');
    const kubeconfig = flagValue(args, ['--kubeconfig']);
    const files = kubeconfigFiles({ ...(kubeconfig !== undefined ? { kubeconfig } : {}), env: process.env, home: homedir() });
    return files.flatMap((f) => {
      try {
        const doc = parse(readFileSync(f, 'utf8')) as { contexts?: { name?: string }[] };
        return (doc.contexts ?? []).map((c) => c.name ?? '').filter(Boolean);
      } catch {
        return [];
      }
    });
  } catch {
    return [];
  }
}

// Namespace names from the cluster; completion must never print an error, so failures are empty.
async function namespaces(args: string[]): Promise<string[]> {
  try {
    const { loadKubeconfig } = await import('../../kube-client/kubeconfig.ts');
    const { connect } = await import('../../kube-client/api.ts');
    const kubeconfig = flagValue(args, ['--kubeconfig']);
    const context = flagValue(args, ['--context']);
    const sel = loadKubeconfig({
      ...(kubeconfig !== undefined ? { kubeconfig } : {}),
      ...(context !== undefined ? { context } : {}),
      env: process.env,
      home: homedir(),
    });
    const api = await connect(sel, 5000);
    const list = await api.list<{ metadata: { name: string } }>('/api/v1/namespaces');
    return list.map((n) => n.metadata.name);
  } catch {
    return [];
  }
}
