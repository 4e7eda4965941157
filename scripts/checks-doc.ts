// Writes docs/checks.md from the check registry (settings/checks/). `--check` writes nothing and
// exits 1 when the checked-in page is stale (CI runs it through test/scripts/checks-doc.test.ts).
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checksMarkdown } from '../settings/checks/catalogue.ts';

const file = fileURLToPath(new URL('../docs/checks.md', import.meta.url));
const text = checksMarkdown();
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(file, 'utf8');
  } catch {
    // A missing page is stale.
  }
  if (current !== text) {
    process.stderr.write('docs/checks.md is stale: run node scripts/checks-doc.ts\n');
    process.exit(1);
  }
} else {
  writeFileSync(file, text);
}
