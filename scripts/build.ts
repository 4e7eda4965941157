// Bundles each entry point into one ESM file in dist/ (esbuild); node builtins stay external.
import { chmodSync, mkdirSync } from 'node:fs';
import { build } from 'esbuild';

// CommonJS dependencies (pino, prom-client) call require(); give the ESM bundle one.
const banner = "import { createRequire as __kfstoreCreateRequire } from 'node:module'; const require = __kfstoreCreateRequire(import.meta.url);";

const entries = [{ in: 'webhook/main.ts', out: 'dist/kfstore-webhook.js', executable: false }];

mkdirSync('dist', { recursive: true });
for (const entry of entries) {
  await build({
    entryPoints: [entry.in],
    outfile: entry.out,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node24',
    banner: { js: entry.executable ? `#!/usr/bin/env node\n${banner}` : banner },
    legalComments: 'none',
    logLevel: 'warning',
  });
  if (entry.executable) chmodSync(entry.out, 0o755);
  process.stdout.write(`built ${entry.out}\n`);
}
