// matchConditions of webhooks and ValidatingAdmissionPolicies, decided as
// webhook/matchconditions/matcher.go does: any condition false skips (even when another one
// errored); otherwise an error fails the request under failurePolicy Fail and skips under Ignore;
// only all-true calls the webhook (or runs the policy's validations).
import { compile, evaluationError } from './cel.ts';
import { isRecord } from './types.ts';

export type MatchResult = { kind: 'match' } | { kind: 'skip'; condition: string | undefined } | { kind: 'error'; message: string };

export interface Condition {
  name: string;
  expression: string;
}

export function conditionsOf(value: unknown): Condition[] {
  if (!Array.isArray(value)) return [];
  return value.filter(isRecord).map((c) => ({ name: String(c.name ?? ''), expression: String(c.expression ?? '') }));
}

/** utilerrors.NewAggregate's text: one message alone, several in brackets. */
export function aggregate(messages: string[]): string {
  const unique = [...new Set(messages)];
  return unique.length === 1 ? (unique[0] ?? '') : `[${unique.join(', ')}]`;
}

export function evaluateConditions(
  conditions: Condition[],
  variables: readonly string[],
  activation: Record<string, unknown>,
  failurePolicy: string,
): MatchResult {
  const errors: string[] = [];
  for (const c of conditions) {
    const program = compile(c.expression, variables, 'bool');
    if ('error' in program) {
      errors.push(`compilation error: ${program.error}`);
      continue;
    }
    const out = program.run(activation);
    if (!out.ok) errors.push(evaluationError(c.expression, out.error));
    else if (out.value === false) return { kind: 'skip', condition: c.name };
  }
  if (errors.length === 0) return { kind: 'match' };
  return failurePolicy === 'Ignore' ? { kind: 'skip', condition: undefined } : { kind: 'error', message: aggregate(errors) };
}
