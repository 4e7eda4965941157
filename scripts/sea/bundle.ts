// Bundles the plugin into the single CommonJS script a Node 24 single executable runs.
import { isBuiltin } from 'node:module';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const STUB = fileURLToPath(new URL('optional-dep-stub.cjs', import.meta.url));

/**
 * Optional packages that dependencies require() inside try/catch (ws). Unbundled, each would
 * reach the SEA's require(), which only loads built-ins and prints a warning for anything else.
 */
export const OPTIONAL_DEPS = ['bufferutil', 'utf-8-validate'];

/**
 * Writes `outfile`: the whole plugin, no chunks (without splitting, esbuild inlines the commands'
 * dynamic import()s). Fails when the bundle would still require() a non-built-in module at run time.
 */
export async function bundleForSea(entry: string, outfile: string, logLevel: 'warning' | 'silent' = 'warning'): Promise<void> {
  const result = await build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node24',
    splitting: false,
    legalComments: 'none',
    // The executable loads the whole script at start: halving it takes `--help` from ~80 to ~55 ms
    // (code cache included). keepNames keeps class names for error messages and stacks.
    minify: true,
    keepNames: true,
    logLevel,
    metafile: true,
    alias: Object.fromEntries(OPTIONAL_DEPS.map((m) => [m, STUB])),
    // CommonJS has no import.meta: fail instead of shipping code that reads an empty object.
    logOverride: { 'empty-import-meta': 'error' },
  });
  const leftovers = new Set<string>();
  for (const output of Object.values(result.metafile.outputs)) {
    for (const imp of output.imports) if (imp.external && !isBuiltin(imp.path)) leftovers.add(imp.path);
  }
  if (leftovers.size > 0) {
    throw new Error(
      `the SEA bundle still requires ${[...leftovers].join(', ')} at run time; alias them to the stub in scripts/sea/bundle.ts (OPTIONAL_DEPS)`,
    );
  }
}
