// Last step of `npm test`: every suite with `node --test`, two files at a time, then the suites that
// measure latency under attack on their own. Those suites' webhook runs its validation worker
// niced (as in production, where nice only competes with the webhook's own main thread inside the
// pod's cgroup); here the other test files share the machine's CPUs too, and a niced worker next to
// them can wait seconds for CPU it would have on a node. `node scripts/run-tests.ts FILE...` runs
// just those files, serially.
import { spawnSync } from 'node:child_process';
import { globSync } from 'node:fs';

/** Suites that assert what waits while a worst-case review runs: not shared with other test files. */
const ALONE = ['test/webhook/hostile-tenant.test.ts'];

function nodeTest(files: string[], concurrency: number): number {
  if (files.length === 0) return 0;
  const args = ['--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files];
  const r = spawnSync(process.execPath, args, { stdio: 'inherit' });
  return r.status ?? 1;
}

const chosen = process.argv.slice(2);
let failed: boolean;
if (chosen.length > 0) {
  failed = nodeTest(chosen, 1) !== 0;
} else {
  const all = globSync('test/**/*.test.ts').sort();
  for (const file of ALONE) if (!all.includes(file)) throw new Error(`scripts/run-tests.ts: ${file} is not a test file`);
  const shared = nodeTest(
    all.filter((f) => !ALONE.includes(f)),
    2,
  );
  // Run even when the first phase failed: one run reports every failure.
  const alone = nodeTest(ALONE, 1);
  failed = shared !== 0 || alone !== 0;
}
process.exitCode = failed ? 1 : 0;
