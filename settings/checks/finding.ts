// The one way to make a finding: from a registered check, at one of its registered levels.
import type { Finding } from '../findings.ts';
import { checkId } from './registry.ts';
import type { CheckName, LevelOf } from './registry.ts';

export function finding<N extends CheckName>(name: N, level: LevelOf<N>, message: string, fix: string, path?: string): Finding {
  const id = checkId(name);
  return path === undefined ? { id, level, message, fix } : { id, level, message, fix, path };
}
