// Asking before changing a cluster. Without a terminal there is nobody to ask: refuse instead of
// guessing.
import { createInterface } from 'node:readline/promises';
import { PluginError } from '../cli/errors.ts';

export async function confirm(
  question: string,
  refusal = 'refusing to change the cluster without --yes (stdin is not a terminal)',
): Promise<boolean> {
  if (process.stdin.isTTY !== true) throw new PluginError(refusal);
  const rl = createInterface({ input: process.stdin, output: process.stderr });
  try {
    return /^y(es)?$/i.test((await rl.question(question)).trim());
  } finally {
    rl.close();
  }
}

/**
 * Offline: the files are in git, so no backup; editing them in place is still asked, like the live
 * path. --out-dir writes a copy and leaves the sources alone, so it does not ask.
 */
export async function confirmManifestEdit(flags: { yes: boolean; outDir?: string | undefined }, summary: string): Promise<boolean> {
  if (flags.outDir !== undefined || flags.yes) return true;
  return confirm(
    `edit the manifests in place (${summary})? [y/N] `,
    'refusing to edit the manifests in place without --yes (stdin is not a terminal); add --yes, or --out-dir DIR to write a copy',
  );
}
