// Writes the API server would refuse, found at plan time so nothing is half-applied (migration
// pre-flight, docs/checks.md): `immutableObject` an object the plan changes is `immutable: true` (only a delete and re-create
// could change it, which would leave the namespace without it in between); `objectTooLarge` a planned
// ConfigMap whose data exceeds the 1 MiB limit (core.MaxSecretSize, counted in UTF-8 bytes).
import { doctorFinding } from '../doctor/finding.ts';
import type { DoctorFinding } from '../doctor/finding.ts';
import type { NamespacePlan } from './plan.ts';

export const MAX_DATA_BYTES = 1024 * 1024;

export function refusedWrites(plan: NamespacePlan): DoctorFinding[] {
  const out: DoctorFinding[] = [];
  const ns = plan.namespace;
  for (const c of plan.changes) {
    if (c.action === 'unchanged') continue;
    const obj = { kind: c.kind, name: c.name };
    if (c.immutable === true) {
      out.push(
        doctorFinding(
          'immutableObject',
          'error',
          ns,
          obj,
          `${c.kind} ${c.name} in ${ns} is immutable (immutable: true): the API server refuses any change to its data, so ${ns} cannot be migrated`,
          `re-create ${c.kind} ${c.name} without immutable: true (in its source, if GitOps manages it), then re-run`,
        ),
      );
    }
    if (c.kind !== 'ConfigMap') continue;
    const bytes = dataBytes(c.after.data ?? {});
    if (bytes > MAX_DATA_BYTES) {
      out.push(
        doctorFinding(
          'objectTooLarge',
          'error',
          ns,
          obj,
          `planned ${c.kind} ${c.name} in ${ns} holds ${bytes} bytes of data, over the API server's limit of ${MAX_DATA_BYTES}`,
          `move the large keys out of ${c.name} (KFP reads only defaultPipelineRoot and providers), then re-run`,
        ),
      );
    }
  }
  return out;
}

function dataBytes(data: Record<string, string>): number {
  const utf8 = new TextEncoder();
  return Object.values(data).reduce((n, v) => n + utf8.encode(v).length, 0);
}
