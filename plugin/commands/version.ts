// kubectl kfstore version: one line, or -o json|yaml as kubectl version prints its own.
import { OUTPUT_ONLY_OPTIONS, parse } from '../cli/args.ts';
import { PluginError } from '../cli/errors.ts';
import { VERSION, VERSION_HELP } from '../cli/help.ts';
import { render } from '../cli/output.ts';

export function version(argv: string[]): number {
  const { values, help } = parse(argv, OUTPUT_ONLY_OPTIONS);
  if (help) {
    process.stdout.write(VERSION_HELP);
    return 0;
  }
  const output = typeof values.output === 'string' ? values.output : undefined;
  if (output === undefined) {
    process.stdout.write(`kubectl-kfstore ${VERSION}\n`);
    return 0;
  }
  const info = { version: VERSION, nodeVersion: process.version, platform: `${process.platform}/${process.arch}` };
  if (output !== 'json' && output !== 'yaml') throw new PluginError(`--output must be json or yaml, got '${output}'`);
  process.stdout.write(render(output, info, () => ''));
  return 0;
}
