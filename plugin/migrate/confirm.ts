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
