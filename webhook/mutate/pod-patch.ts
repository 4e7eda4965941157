// A PodPlan as RFC 6902 JSON Patch: `add` only, one op per missing item, parents created when
// absent (never replacing a user's array), `/` in keys escaped as RFC 6901 says.
import { INJECTED_ANNOTATION, SKIPPED_ANNOTATION } from '../../settings/injection/plan.ts';
import type { PodPlan } from '../../settings/injection/plan.ts';
import type { PodObject } from '../admission/objects.ts';

export interface PatchOp {
  op: 'add';
  path: string;
  value: unknown;
}

export function podPatch(pod: PodObject, plan: PodPlan): PatchOp[] {
  const ops: PatchOp[] = [];
  for (const c of plan.containers) {
    const container = c.list === 'containers' ? pod.spec.containers[c.index] : pod.spec.initContainers?.[c.index];
    const base = `/spec/${c.list}/${c.index}`;
    appendAll(ops, `${base}/env`, Array.isArray(container?.env), c.env);
    appendAll(ops, `${base}/volumeMounts`, Array.isArray(container?.volumeMounts), c.mounts);
  }
  appendAll(ops, '/spec/volumes', Array.isArray(pod.spec.volumes), plan.volumes);
  const annotations: Record<string, string> = {};
  if (plan.annotation !== undefined) annotations[INJECTED_ANNOTATION] = plan.annotation;
  if (plan.skipped !== undefined) annotations[SKIPPED_ANNOTATION] = plan.skipped;
  if (Object.keys(annotations).length > 0) {
    const existing = pod.metadata?.annotations;
    if (pod.metadata === undefined) ops.push({ op: 'add', path: '/metadata', value: { annotations } });
    else if (existing === undefined || existing === null) ops.push({ op: 'add', path: '/metadata/annotations', value: annotations });
    else
      for (const [key, value] of Object.entries(annotations))
        ops.push({ op: 'add', path: `/metadata/annotations/${escapePointer(key)}`, value });
  }
  return ops;
}

function appendAll(ops: PatchOp[], path: string, exists: boolean, items: unknown[]): void {
  if (items.length === 0) return;
  if (!exists) {
    ops.push({ op: 'add', path, value: items });
    return;
  }
  for (const item of items) ops.push({ op: 'add', path: `${path}/-`, value: item });
}

export function escapePointer(segment: string): string {
  return segment.replaceAll('~', '~0').replaceAll('/', '~1');
}
