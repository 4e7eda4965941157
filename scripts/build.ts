// Bundles the entry points into dist/ with esbuild: the webhook as one file; the plugin as a small
// entry that loads each command's code (and the Kubernetes and S3 clients) only when run, so
// `kubectl kfstore --help` starts about as fast as Node itself.
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { build } from 'esbuild';
import type { BuildOptions } from 'esbuild';

// CommonJS dependencies (pino, prom-client, the AWS SDK) call require(); give ESM output one.
const requireShim =
  "import { createRequire as __kfstoreCreateRequire } from 'node:module'; const require = __kfstoreCreateRequire(import.meta.url);";

const common: BuildOptions = {
  bundle: true,
  platform: 'node',
  format: 'esm',
  target: 'node24',
  legalComments: 'none',
  logLevel: 'warning',
};

// Runs before any bundled dependency: on an older `node` (Debian's 20) a dependency would otherwise
// die at load with a stack trace. Exit 2: cannot run.
const nodeCheck = (name: string, hint: string): string =>
  `if (Number(process.versions.node.split('.')[0]) < 24) { process.stderr.write('error: ${name} needs Node.js 24 (this is ' + process.version + '); ${hint}\\n'); process.exit(2); }`;
const withNpmNode = (file: string): string =>
  nodeCheck(file, `run it with the Node that npm install brought: node_modules/.bin/node dist/${file}`);

rmSync('dist', { recursive: true, force: true });
mkdirSync('dist', { recursive: true });

await build({
  ...common,
  entryPoints: ['webhook/main.ts'],
  outfile: 'dist/kfstore-webhook.js',
  banner: { js: `${requireShim}\n${withNpmNode('kfstore-webhook.js')}` },
});
process.stdout.write('built dist/kfstore-webhook.js\n');

await build({
  ...common,
  entryPoints: ['certs/main.ts'],
  outfile: 'dist/kfstore-certs.js',
  banner: { js: `${requireShim}\n${withNpmNode('kfstore-certs.js')}` },
});
process.stdout.write('built dist/kfstore-certs.js\n');

await build({
  ...common,
  entryPoints: { 'kubectl-kfstore': 'plugin/main.ts' },
  outdir: 'dist',
  splitting: true,
  chunkNames: 'kubectl-kfstore-lib/[name]-[hash]',
  outExtension: { '.js': '.js' },
  banner: {
    js: `#!/usr/bin/env node\n${requireShim}\n${nodeCheck('kubectl-kfstore', 'put bin/kubectl-kfstore on PATH instead (it runs the Node that npm install brought), see docs/install.md')}`,
  },
});
chmodSync('dist/kubectl-kfstore.js', 0o755);
// kubectl (>= 1.26) completes plugin arguments through this companion executable.
writeFileSync(
  'dist/kubectl_complete-kfstore',
  '#!/bin/sh\n# Shell completion for kubectl kfstore, called by kubectl.\nexec kubectl-kfstore __complete "$@"\n',
  { mode: 0o755 },
);
process.stdout.write('built dist/kubectl-kfstore.js, dist/kubectl_complete-kfstore\n');
