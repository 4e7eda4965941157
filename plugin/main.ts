// kubectl-kfstore entry point. Only help and argument routing are loaded up front: the Kubernetes
// and S3 clients load with the command that needs them, so `--help` starts as fast as Node.
import { EXIT_CANNOT_RUN, PluginError, isUserError } from './cli/errors.ts';
import { CHECKS_HELP, COMPLETION_HELP, DOCTOR_HELP, INSPECT_HELP, MAIN_HELP, MIGRATE_HELP } from './cli/help.ts';
import { suggest } from './cli/suggest.ts';
import { escapeControlCharsKeepingLines } from '../settings/text/control-chars.ts';
import { fsUserError } from './fs-errors.ts';

const COMMANDS = ['inspect', 'doctor', 'migrate', 'checks', 'version', 'completion'];

async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  const wantsHelp = rest.includes('-h') || rest.includes('--help');
  switch (command) {
    case undefined:
    case '-h':
    case '--help':
    case 'help':
      process.stdout.write(MAIN_HELP);
      return 0;
    case 'version':
    case '--version':
      return (await import('./commands/version.ts')).version(rest);
    case 'completion':
      return help(COMPLETION_HELP);
    case 'inspect':
      if (wantsHelp) return help(INSPECT_HELP);
      return (await import('./commands/inspect.ts')).inspect(rest);
    case 'doctor':
      if (wantsHelp) return help(DOCTOR_HELP);
      return (await import('./commands/doctor.ts')).doctor(rest);
    case 'migrate':
      if (wantsHelp) return help(MIGRATE_HELP);
      return (await import('./commands/migrate.ts')).migrate(rest);
    case 'checks':
      if (wantsHelp) return help(CHECKS_HELP);
      return (await import('./commands/checks.ts')).checks(rest);
    case '__complete':
      return (await import('./commands/complete.ts')).complete(rest);
    default: {
      const near = suggest(command, COMMANDS);
      throw new PluginError(
        `unknown command '${command}'${near.length > 0 ? `; did you mean ${near.join(' or ')}?` : ''}; commands: ${COMMANDS.join(', ')} (see kubectl kfstore --help)`,
      );
    }
  }
}

function help(text: string): number {
  process.stdout.write(text);
  return 0;
}

// The Kubernetes client needs Node >= 22.19; say so instead of failing inside a dependency.
const major = Number(process.versions.node.split('.')[0]);
if (major < 22) {
  process.stderr.write(
    `error: kubectl-kfstore needs Node.js 24 (this is ${process.version}); use the single executable from the release archive\n`,
  );
  process.exit(EXIT_CANNOT_RUN);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (thrown: unknown) => {
    // A file-system failure is the user's to fix (a path, a link, a permission), whatever reached it.
    const e = fsUserError(thrown);
    // Errors can quote file names and values from the cluster.
    const message = escapeControlCharsKeepingLines(e instanceof Error ? e.message : String(e));
    process.stderr.write(isUserError(e) ? `error: ${message}\n` : `error: internal error: ${message}\n`);
    if (process.env.KFSTORE_DEBUG === '1' && e instanceof Error) process.stderr.write(`${e.stack ?? ''}\n`);
    process.exitCode = e instanceof PluginError ? e.exitCode : EXIT_CANNOT_RUN;
  },
);
