// `kubectl kfstore checks`: the check registry, as a table or as one CheckList document.
import { CHECK_LIST } from '../../settings/checks/registry.ts';
import { checkListDocument } from '../../settings/checks/catalogue.ts';
import { OUTPUT_ONLY_OPTIONS, parse } from '../cli/args.ts';
import { PluginError } from '../cli/errors.ts';
import { CHECKS_HELP } from '../cli/help.ts';
import { formatTable, render } from '../cli/output.ts';

export function checks(argv: string[]): number {
  const { values, help } = parse(argv, OUTPUT_ONLY_OPTIONS);
  if (help) {
    process.stdout.write(CHECKS_HELP);
    return 0;
  }
  const output = typeof values.output === 'string' ? values.output : 'table';
  if (output !== 'table' && output !== 'json' && output !== 'yaml')
    throw new PluginError(`--output must be table, json or yaml, got '${output}'`);
  const table = (): string =>
    formatTable(
      ['ID', 'LEVELS', 'AREA', 'REPORTED BY', 'TITLE'],
      CHECK_LIST.map((c) => [
        c.id,
        c.levels.filter((l) => l !== 'ok').join(','),
        c.area,
        c.planned === true ? '(planned)' : c.reporters.join(','),
        c.title,
      ]),
    );
  process.stdout.write(render(output, checkListDocument(), table));
  return 0;
}
