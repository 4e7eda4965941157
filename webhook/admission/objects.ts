// The parts of Pods and ConfigMaps the webhook reads, as zod schemas. Pod schemas strip what they do
// not name: the result is a small view (copying every env entry's fields would cost more than the
// whole mutation decision), and patches address the original object by index.
import { z } from 'zod';
import { checkedSchema } from './checked-schema.ts';

const named = z.object({ name: z.string().min(1) });

const container = z.object({
  name: z.string().min(1),
  env: z.array(named).nullish(),
  volumeMounts: z.array(z.object({ name: z.string().min(1), mountPath: z.string() })).nullish(),
  envFrom: z.array(z.object({ prefix: z.string().optional(), secretRef: z.object({ name: z.string().optional() }).optional() })).nullish(),
});

const stringMap = z.record(z.string(), z.string()).nullish();

export const podSchema = z.object({
  metadata: z.object({ labels: stringMap, annotations: stringMap }).optional(),
  spec: z.object({
    containers: z.array(container).min(1, 'a Pod needs at least one container'),
    initContainers: z.array(container).nullish(),
    volumes: z.array(named).nullish(),
  }),
});

export type PodObject = z.output<typeof podSchema>;

export const configMapSchema = z.looseObject({
  metadata: z
    .looseObject({ name: z.string().optional(), namespace: z.string().optional(), deletionTimestamp: z.string().nullish() })
    .optional(),
  data: z.record(z.string(), z.string({ error: 'ConfigMap data values must be strings (write providers: | for YAML)' })).nullish(),
});

/** An Argo Workflow or a KFP ScheduledWorkflow: only its spec is read (for pinned pipeline roots). */
export const runObjectSchema = z.looseObject({
  metadata: z
    .looseObject({ name: z.string().optional(), generateName: z.string().optional(), deletionTimestamp: z.string().nullish() })
    .optional(),
  spec: z.unknown().optional(),
});

/** The schemas above, checked in place (checked-schema.ts): what the admission paths call. */
export const checkPod = checkedSchema(podSchema);
export const checkConfigMap = checkedSchema(configMapSchema);
export const checkRunObject = checkedSchema(runObjectSchema);
