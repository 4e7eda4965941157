// --policy FILE: the StorePolicy, read and validated once for any command.
import { readFileSync } from 'node:fs';
import { loadPolicy } from '../../settings/policy/load.ts';
import type { StorePolicy } from '../../settings/policy/schema.ts';
import { PluginError } from '../cli/errors.ts';

export function readPolicyFile(path: string | undefined): StorePolicy | undefined {
  if (path === undefined) return undefined;
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new PluginError(`policy ${path}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
  }
  const loaded = loadPolicy(text);
  if (!loaded.ok) throw new PluginError(`policy ${path} is not a valid StorePolicy:\n  ${loaded.errors.join('\n  ')}`);
  return loaded.policy;
}
