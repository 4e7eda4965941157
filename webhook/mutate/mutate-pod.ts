// POST /mutate/pods decision: AdmissionRequest in, AdmissionResponse out; no I/O.
import { planPod } from '../../settings/injection/plan.ts';
import type { ProfileStore } from '../../settings/policy/resolve.ts';
import type { StorePolicy } from '../../settings/policy/schema.ts';
import { checkPod } from '../admission/objects.ts';
import { allow, deny, describeIssues, patched } from '../admission/review.ts';
import type { AdmissionRequest, AdmissionResponse } from '../admission/review.ts';
import { podPatch } from './pod-patch.ts';

export type MutateOutcome = 'mutated' | 'allowed' | 'denied';

export interface MutateResult {
  response: AdmissionResponse;
  outcome: MutateOutcome;
  /** Why nothing was injected, or what was (the annotation value). */
  detail: string;
  /** The kfstore bound this pod reached, if any. */
  limit?: 'containers';
}

/** Containers (all lists) kfstore reads in one pod; real pods have a handful. */
export const MAX_POD_CONTAINERS = 256;
/** Containers kfstore injects into in one pod: the patch grows with each, so it is bounded too. */
export const MAX_INJECTED_CONTAINERS = 32;

export function mutatePod(req: AdmissionRequest, policy: StorePolicy, profile: (namespace: string) => ProfileStore): MutateResult {
  const uid = req.uid;
  if (req.kind.kind !== 'Pod' || req.kind.group !== '' || req.operation !== 'CREATE') {
    return { response: allow(uid), outcome: 'allowed', detail: `not a Pod CREATE (${req.kind.kind} ${req.operation})` };
  }
  if (req.namespace === undefined || req.namespace === '') {
    return {
      response: deny(uid, 'request.namespace: empty; kfstore injects per namespace', 400),
      outcome: 'denied',
      detail: 'no namespace',
    };
  }
  // Counted before the schema reads every container: a pod the API server rejects (duplicate
  // names) or one far larger than any real pod must cost no more than a normal one.
  const names = containerNames(req.object);
  if (names.length > MAX_POD_CONTAINERS) {
    const message = `kfstore reads pods of at most ${MAX_POD_CONTAINERS} containers; this one has ${names.length}`;
    return { response: deny(uid, message, 403), outcome: 'denied', detail: message, limit: 'containers' };
  }
  const seen = new Set<string>();
  for (const name of names) {
    if (seen.has(name))
      return {
        response: allow(uid),
        outcome: 'allowed',
        detail: `container name ${JSON.stringify(name.slice(0, 64))} repeats: the API server rejects this pod`,
      };
    seen.add(name);
  }
  const parsed = checkPod(req.object);
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
  if (decision.plan.containers.length > MAX_INJECTED_CONTAINERS) {
    const message = `kfstore injects into at most ${MAX_INJECTED_CONTAINERS} containers per pod; inject.containers selects ${decision.plan.containers.length} here`;
    return { response: deny(uid, message, 403), outcome: 'denied', detail: message, limit: 'containers' };
  }
  const ops = podPatch(pod, decision.plan);
  if (ops.length === 0) return { response: allow(uid), outcome: 'allowed', detail: 'already injected' };
  const detail = [decision.plan.annotation, decision.plan.skipped === undefined ? undefined : `skipped ${decision.plan.skipped}`]
    .filter((d) => d !== undefined)
    .join('; ');
  return { response: patched(uid, ops), outcome: 'mutated', detail };
}

function view(c: {
  name: string;
  env?: { name: string }[] | null;
  volumeMounts?: { name: string }[] | null;
  envFrom?: { prefix?: string | undefined; secretRef?: unknown }[] | null;
}) {
  const envFromSecret = (c.envFrom ?? []).some((e) => e.secretRef !== undefined && (e.prefix ?? '') === '');
  return { name: c.name, env: c.env ?? [], volumeMounts: c.volumeMounts ?? [], envFromSecret };
}

// Names of containers, init and ephemeral containers: they share one namespace in a pod.
function containerNames(object: unknown): string[] {
  const spec = (object as { spec?: Record<string, unknown> } | null | undefined)?.spec;
  if (typeof spec !== 'object' || spec === null) return [];
  const names: string[] = [];
  for (const list of ['containers', 'initContainers', 'ephemeralContainers']) {
    const items = spec[list];
    if (!Array.isArray(items)) continue;
    for (const c of items) {
      const name = (c as { name?: unknown } | null)?.name;
      if (typeof name === 'string') names.push(name);
    }
  }
  return names;
}
