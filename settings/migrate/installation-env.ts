// The environment edits `migrate --installation` makes to a Deployment's container, and applying
// them to the object as the API (or a manifest) holds it: each variable replaced where it is, or
// appended, so that everything else in the Deployment stays as it was.
import { jsonEqual } from './json-equal.ts';

/** An env entry migrate writes: a literal, or a key of the target credentials Secret. */
export interface EnvVar {
  name: string;
  value?: string;
  valueFrom?: { secretKeyRef: { name: string; key: string } };
}

export interface EnvEdit {
  /** The entry as it is now, described for the diff (never a credential's value); undefined: absent. */
  before?: string;
  after: EnvVar;
  /** What in KFP reads it, and from which release. */
  reads: string;
}

interface RawEnv {
  name?: unknown;
  value?: unknown;
  valueFrom?: unknown;
}

/** Names whose literal value would be a credential: the diff says a value is there, not which. */
const CREDENTIAL = /SECRET|ACCESS_?KEY|PASSWORD|TOKEN/i;

/** An entry migrate wants; `unset`: what the component uses while the variable is absent. */
export interface WantedEnv {
  after: EnvVar;
  reads: string;
  unset?: string;
}

export function literal(name: string, value: string, reads: string, unset?: string): WantedEnv {
  return { after: { name, value }, reads, ...(unset === undefined ? {} : { unset: `(unset: ${unset})` }) };
}

export function secretRef(name: string, secret: string, key: string, reads: string): WantedEnv {
  return { after: { name, valueFrom: { secretKeyRef: { name: secret, key } } }, reads };
}

/** One env entry as the diff shows it. */
export function describeEnv(e: RawEnv | EnvVar): string {
  const name = typeof e.name === 'string' ? e.name : '';
  if (typeof e.value === 'string') return CREDENTIAL.test(name) ? '(a literal value, not shown)' : e.value;
  const from = (e.valueFrom ?? {}) as Record<string, { name?: string; key?: string; fieldPath?: string } | undefined>;
  if (from.secretKeyRef !== undefined) return `(Secret ${from.secretKeyRef.name ?? '?'} key ${from.secretKeyRef.key ?? '?'})`;
  if (from.configMapKeyRef !== undefined) return `(ConfigMap ${from.configMapKeyRef.name ?? '?'} key ${from.configMapKeyRef.key ?? '?'})`;
  if (from.fieldRef !== undefined) return `(field ${from.fieldRef.fieldPath ?? '?'})`;
  return '(empty)';
}

/** The edits among `wanted` that change the container's env (a re-run of a migrated one yields none). */
export function envEdits(current: readonly RawEnv[], wanted: WantedEnv[]): EnvEdit[] {
  const out: EnvEdit[] = [];
  for (const { unset, ...w } of wanted) {
    const now = current.find((e) => e.name === w.after.name);
    if (now !== undefined && jsonEqual(normal(now), w.after)) continue;
    const before = now === undefined ? unset : describeEnv(now);
    out.push(before === undefined ? w : { ...w, before });
  }
  return out;
}

function normal(e: RawEnv): unknown {
  return Object.fromEntries(Object.entries(e).filter(([, v]) => v !== undefined));
}

/** The Deployment with `edits` made in the named container; the input is not changed. */
export function withEnv<T>(deployment: T, container: string, edits: readonly EnvEdit[]): T {
  const copy = structuredClone(deployment) as { spec?: { template?: { spec?: { containers?: { name?: string; env?: RawEnv[] }[] } } } };
  const target = copy.spec?.template?.spec?.containers?.find((c) => c.name === container);
  if (target === undefined) throw new Error(`container ${container} not found`);
  const env = target.env ?? [];
  for (const e of edits) {
    const i = env.findIndex((x) => x.name === e.after.name);
    if (i === -1) env.push({ ...e.after });
    else env[i] = { ...e.after };
  }
  target.env = env;
  return copy as T;
}
