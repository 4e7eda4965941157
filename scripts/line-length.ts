// `npm run lint`'s second half: no .ts/.mjs file may gain lines longer than 140 characters (the
// formatter's width). Usage: node scripts/line-length.ts [--root DIR] [--budget FILE] [--update]
// --update rewrites the budget to the current counts (only after removing long lines, or with a reason
// in the commit). Exit 0 within budget, 1 over it, 2 bad usage or an unreadable budget.
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve, sep } from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { budgetFor, judge, longLines, report } from './line-length/ratchet.ts';

const SKIP_DIRS = new Set(['node_modules', 'dist', '.git', '.dev-certs', 'scratch']);
const SKIP_PATHS = new Set(['test/fixtures', 'tmp']);
const SOURCE = /\.(ts|mjs)$/;

function sources(root: string, dir: string = root): string[] {
  const out: string[] = [];
  for (const e of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, e.name);
    const rel = relative(root, path).split(sep).join('/');
    if (e.isDirectory()) {
      if (!SKIP_DIRS.has(e.name) && !SKIP_PATHS.has(rel)) out.push(...sources(root, path));
    } else if (e.isFile() && SOURCE.test(e.name)) out.push(rel);
  }
  return out;
}

function fail(message: string): never {
  process.stderr.write(`line-length: ${message}\n`);
  process.exit(2);
}

const { values } = (() => {
  try {
    return parseArgs({ options: { root: { type: 'string' }, budget: { type: 'string' }, update: { type: 'boolean' } } });
  } catch (e) {
    return fail((e as Error).message);
  }
})();
const root = resolve(values.root ?? new URL('..', import.meta.url).pathname);
const budgetPath = resolve(root, values.budget ?? 'scripts/line-length-budget.json');

const found: Record<string, number[]> = {};
for (const file of sources(root)) {
  const lines = longLines(readFileSync(join(root, file), 'utf8'));
  if (lines.length > 0) found[file] = lines;
}

if (values.update === true) {
  writeFileSync(budgetPath, `${JSON.stringify(budgetFor(found), null, 2)}\n`);
  process.stdout.write(`line-length: budget written to ${relative(root, budgetPath)}\n`);
  process.exit(0);
}

let text: string;
try {
  text = readFileSync(budgetPath, 'utf8');
} catch {
  fail(`cannot read the budget ${budgetPath} (create it with --update)`);
}
const parsed = z.record(z.string(), z.number().int().nonnegative()).safeParse(
  (() => {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return undefined;
    }
  })(),
);
if (!parsed.success) fail(`${budgetPath}: expected an object of file → count of long lines`);

const verdict = judge(parsed.data, found);
const total = Object.values(found).reduce((n, l) => n + l.length, 0);
if (verdict.over.length > 0) {
  process.stderr.write(
    `${report(verdict.over).join('\n')}\nline-length: wrap the new lines (split a long string with +), or if unavoidable raise the budget with --update\n`,
  );
  process.exit(1);
}
const slack = verdict.slack.length > 0 ? `; ${verdict.slack.length} files are under budget, run with --update to lower it` : '';
process.stdout.write(`line-length: ${total} long lines, within budget${slack}\n`);
