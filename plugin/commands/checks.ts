// `kubectl kfstore checks`: the check registry, as a table or as one CheckList document.
import { parseArgs } from 'node:util';
import { CHECK_LIST } from '../../settings/checks/registry.ts';
import { checkListDocument } from '../../settings/checks/catalogue.ts';
import { PluginError } from '../cli/errors.ts';
import { formatTable, render } from '../cli/output.ts';

export function checks(argv: string[]): number {
  let output: string;
  try {
    const { values } = parseArgs({ args: argv, options: { output: { type: 'string', short: 'o' } }, strict: true });
    output = values.output ?? 'table';
  } catch (e) {
    throw new PluginError(`${e instanceof Error ? e.message.replace(/^TypeError \[\w+\]: /, '') : String(e)}; see --help`);
  }
  if (output !== 'table' && output !== 'json' && output !== 'yaml') throw new PluginError(`--output must be table, json or yaml, got '${output}'`);
  const table = (): string =>
    formatTable(
      ['ID', 'LEVELS', 'AREA', 'REPORTED BY', 'TITLE'],
      CHECK_LIST.map((c) => [c.id, c.levels.filter((l) => l !== 'ok').join(','), c.area, c.planned === true ? '(planned)' : c.reporters.join(','), c.title]),
    );
  process.stdout.write(render(output, checkListDocument(), table));
  return 0;
}
