// CEL as kube-apiserver runs it for admission (webhook matchConditions, ValidatingAdmissionPolicy).
// The environment follows k8s.io/apiserver/pkg/cel/environment/base.go: homogeneous aggregate
// literals, optional types (`.?`, `[?]`), cross-type numeric comparisons. Objects reach CEL as
// unstructured JSON (filter.go converts them with ToUnstructured): maps, not typed messages, so a
// missing key is an error, `has()` tests presence and integers are int64.
// Kubernetes' own libraries (lists, sets, regex `find`, url, ip, cidr, quantity, authz, format)
// are not here: an expression using them fails to compile, which the callers treat as an error.
import { Environment } from '@marcbachmann/cel-js';

export type CelOutcome = { ok: true; value: unknown } | { ok: false; error: string };

export interface CelProgram {
  readonly expression: string;
  run(activation: Record<string, unknown>): CelOutcome;
}

export type CelReturn = 'bool' | 'string' | 'any';

/** JSON as unstructured objects give it to CEL: whole numbers are int64 (bigint), others double. */
export function toCel(value: unknown): unknown {
  if (typeof value === 'number') return Number.isInteger(value) ? BigInt(value) : value;
  if (Array.isArray(value)) return value.map(toCel);
  if (typeof value === 'object' && value !== null) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) if (v !== undefined) out[k] = toCel(v);
    return out;
  }
  return value;
}

function environment(variables: readonly string[]): Environment {
  const env = new Environment({ enableOptionalTypes: true, homogeneousAggregateLiterals: true, unlistedVariablesAreDyn: false });
  for (const name of variables) env.registerVariable(name, 'dyn');
  return env;
}

/** cel-go words its errors in lower case ("no such key: x"); the library starts with a capital. */
function firstLine(err: unknown): string {
  const e = err as { summary?: unknown; message?: unknown };
  const text = typeof e.summary === 'string' ? e.summary : typeof e.message === 'string' ? e.message : String(err);
  const line = text.split('\n')[0] ?? '';
  return line.startsWith('No such key') ? `n${line.slice(1)}` : line;
}

const cache = new Map<string, CelProgram | { error: string }>();

/**
 * Compiles `expression` with `variables` declared as dyn. An expression that does not parse, does
 * not type-check, or cannot return `returns` is an error, as CompileCELExpression reports it
 * (a dyn result is not bool: kube-apiserver refuses `object.spec.flag` as a condition too; there
 * `request` is typed, here it is dyn, so `request.dryRun` alone needs `== true`).
 */
export function compile(expression: string, variables: readonly string[], returns: CelReturn): CelProgram | { error: string } {
  const key = `${returns}\u0000${variables.join(',')}\u0000${expression}`;
  const hit = cache.get(key);
  if (hit !== undefined) return hit;
  const env = environment(variables);
  let result: CelProgram | { error: string };
  const checked = env.check(expression);
  if (!checked.valid) result = { error: `compilation failed: ${firstLine(checked.error)}` };
  else if (returns !== 'any' && checked.type !== returns) result = { error: `must evaluate to ${returns}` };
  else {
    const parsed = env.parse(expression);
    result = {
      expression,
      run: (activation) => {
        try {
          return { ok: true, value: parsed(activation) as unknown };
        } catch (err) {
          return { ok: false, error: firstLine(err) };
        }
      },
    };
  }
  cache.set(key, result);
  return result;
}

/** filter.go's wording for a runtime error, which callers put into Status messages. */
export function evaluationError(expression: string, error: string): string {
  return `expression '${expression}' resulted in error: ${error}`;
}
