// The parts of Pods and ConfigMaps the webhook reads, as zod schemas (everything else passes through).
import { z } from 'zod';

const named = z.looseObject({ name: z.string().min(1) });

const container = z.looseObject({
  name: z.string().min(1),
  env: z.array(named).nullish(),
  volumeMounts: z.array(z.looseObject({ name: z.string().min(1), mountPath: z.string() })).nullish(),
});

const stringMap = z.record(z.string(), z.string()).nullish();

export const podSchema = z.looseObject({
  metadata: z.looseObject({ labels: stringMap, annotations: stringMap }).optional(),
  spec: z.looseObject({
    containers: z.array(container).min(1, 'a Pod needs at least one container'),
    initContainers: z.array(container).nullish(),
    volumes: z.array(named).nullish(),
  }),
});

export type PodObject = z.output<typeof podSchema>;

export const configMapSchema = z.looseObject({
  metadata: z.looseObject({ name: z.string().optional(), namespace: z.string().optional() }).optional(),
  data: z.record(z.string(), z.string({ error: 'ConfigMap data values must be strings (write providers: | for YAML)' })).nullish(),
});
