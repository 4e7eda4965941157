// POST /mutate/pods decision: AdmissionRequest in, AdmissionResponse out; no I/O.
import { planPod } from '../../settings/injection/plan.ts';
import type { ProfileStore } from '../../settings/policy/resolve.ts';
import type { StorePolicy } from '../../settings/policy/schema.ts';
import { podSchema } from '../admission/objects.ts';
import { allow, deny, describeIssues, patched } from '../admission/review.ts';
import type { AdmissionRequest, AdmissionResponse } from '../admission/review.ts';
import { podPatch } from './pod-patch.ts';

export type MutateOutcome = 'mutated' | 'allowed' | 'denied';

export interface MutateResult {
  response: AdmissionResponse;
  outcome: MutateOutcome;
  /** Why nothing was injected, or what was (the annotation value). */
  detail: string;
}

export function mutatePod(req: AdmissionRequest, policy: StorePolicy, profile: (namespace: string) => ProfileStore): MutateResult {
  const uid = req.uid;
  if (req.kind.kind !== 'Pod' || req.kind.group !== '' || req.operation !== 'CREATE') {
    return { response: allow(uid), outcome: 'allowed', detail: `not a Pod CREATE (${req.kind.kind} ${req.operation})` };
  }
  if (req.namespace === undefined || req.namespace === '') {
    return { response: deny(uid, 'request.namespace: empty; kfstore injects per namespace', 400), outcome: 'denied', detail: 'no namespace' };
  }
  const parsed = podSchema.safeParse(req.object);
  if (!parsed.success) {
    const message = `kfstore cannot read the Pod: ${describeIssues('object', parsed.error.issues)}`;
    return { response: deny(uid, message, 400), outcome: 'denied', detail: message };
  }
  const pod = parsed.data;
  const decision = planPod(
    {
      labels: pod.metadata?.labels ?? undefined,
      annotations: pod.metadata?.annotations ?? undefined,
      containers: pod.spec.containers.map(view),
      initContainers: (pod.spec.initContainers ?? []).map(view),
      volumes: pod.spec.volumes ?? [],
    },
    profile(req.namespace),
    policy.inject,
  );
  if (!decision.inject) return { response: allow(uid), outcome: 'allowed', detail: decision.reason };
  const ops = podPatch(pod, decision.plan);
  if (ops.length === 0) return { response: allow(uid), outcome: 'allowed', detail: 'already injected' };
  return { response: patched(uid, ops), outcome: 'mutated', detail: decision.plan.annotation ?? '' };
}

function view(c: { name: string; env?: { name: string }[] | null; volumeMounts?: { name: string }[] | null; envFrom?: { prefix?: string | undefined; secretRef?: unknown }[] | null }) {
  const envFromSecret = (c.envFrom ?? []).some((e) => e.secretRef !== undefined && (e.prefix ?? '') === '');
  return { name: c.name, env: c.env ?? [], volumeMounts: c.volumeMounts ?? [], envFromSecret };
}
