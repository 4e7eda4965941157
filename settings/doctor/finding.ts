// A doctor finding: a Finding placed on a namespace and object, with optional evidence (never a
// secret value). Check ids are stable (settings/checks/); messages may change.
import { finding } from '../checks/finding.ts';
import type { CheckName, LevelOf } from '../checks/registry.ts';
import type { Finding } from '../findings.ts';

export interface ObjectRef {
  kind: string;
  name: string;
}

export interface DoctorFinding extends Finding {
  namespace?: string;
  object?: ObjectRef;
  evidence?: Record<string, string>;
}

export function at(f: Finding, namespace: string | undefined, object?: ObjectRef, evidence?: Record<string, string>): DoctorFinding {
  const out: DoctorFinding = { ...f };
  if (namespace !== undefined) out.namespace = namespace;
  if (object !== undefined) out.object = object;
  if (evidence !== undefined) out.evidence = evidence;
  return out;
}

export function doctorFinding<N extends CheckName>(
  check: N,
  level: LevelOf<N>,
  namespace: string | undefined,
  object: ObjectRef | undefined,
  message: string,
  fix: string,
  evidence?: Record<string, string>,
): DoctorFinding {
  return at(finding(check, level, message, fix), namespace, object, evidence);
}
