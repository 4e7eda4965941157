// The check registry: every id kfstore reports, with its title, area, levels and doc text. Code
// names a check by its key (`secretMissing`), never by its id, so an id has one meaning and one
// home; docs/checks.md and `kubectl kfstore checks` are generated from here.
import type { Level } from '../findings.ts';
import { ARGO } from './areas/argo.ts';
import { CREDENTIALS } from './areas/credentials.ts';
import { INSTALLATION } from './areas/installation.ts';
import { LAUNCHER } from './areas/launcher.ts';
import { MIGRATE } from './areas/migrate.ts';
import { NETWORK } from './areas/network.ts';
import { PROBE } from './areas/probe.ts';
import { SELF } from './areas/self.ts';
import { STORE_SOFTWARE } from './areas/store-software.ts';
import type { CheckSpec, SeverityContext } from './spec.ts';

export const CHECKS = {
  ...INSTALLATION,
  ...STORE_SOFTWARE,
  ...LAUNCHER,
  ...CREDENTIALS,
  ...ARGO,
  ...NETWORK,
  ...PROBE,
  ...MIGRATE,
  ...SELF,
} as const;

export type CheckName = keyof typeof CHECKS;
export type CheckId = (typeof CHECKS)[CheckName]['id'];
/** The levels a check may report: a finding at any other level does not type-check. */
export type LevelOf<N extends CheckName> = (typeof CHECKS)[N]['levels'][number];

/** Every registered check, by id. */
export const CHECK_LIST: readonly (CheckSpec & { name: CheckName })[] = (Object.entries(CHECKS) as [CheckName, CheckSpec][])
  .map(([name, spec]) => ({ ...spec, name }))
  .sort((a, b) => a.id.localeCompare(b.id));

const BY_ID = new Map<string, CheckSpec & { name: CheckName }>(CHECK_LIST.map((c) => [c.id, c]));

export function checkId(name: CheckName): CheckId {
  return CHECKS[name].id;
}

export function checkById(id: string): (CheckSpec & { name: CheckName }) | undefined {
  return BY_ID.get(id);
}

/** The level a check reports where it is decided (its default level when the context does not change it). */
export function levelIn<N extends CheckName>(name: N, context: SeverityContext): LevelOf<N> {
  const spec: CheckSpec = CHECKS[name];
  return (spec.contextLevels?.[context] ?? spec.levels[0]) as LevelOf<N>;
}

/** Ids of `--only`/`--skip` and skip annotations that name no registered check. */
export function unknownIds(ids: readonly string[]): string[] {
  return ids.filter((id) => !BY_ID.has(id));
}

export type { Level };
