// What CI formats say about a check id: its title and doc text from the check registry; an id the
// registry does not know (none should reach here) falls back to the first problem found under it.
import { checkById } from '../../settings/checks/registry.ts';
import type { DoctorFinding } from '../../settings/doctor/finding.ts';

export interface Rule {
  id: string;
  title: string;
  help: string;
}

export function rulesOf(findings: DoctorFinding[]): Rule[] {
  const rules = new Map<string, Rule>();
  for (const f of findings) {
    if (f.level === 'ok' || rules.has(f.id)) continue;
    const spec = checkById(f.id);
    rules.set(
      f.id,
      spec !== undefined
        ? { id: f.id, title: spec.title, help: `${spec.detects} ${spec.doc}` }
        : { id: f.id, title: `kfstore check ${f.id}`, help: f.fix !== '' ? f.fix : f.message },
    );
  }
  return [...rules.values()].sort((a, b) => a.id.localeCompare(b.id));
}

/** The object a finding is about, as `namespace Kind/name` (what a reader searches for). */
export function subject(f: DoctorFinding): string {
  return [f.namespace, f.object !== undefined ? `${f.object.kind}/${f.object.name}` : undefined].filter((s) => s !== undefined).join(' ');
}
