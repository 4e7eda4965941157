// ValidatingAdmissionPolicies and their bindings, applied as policy/validating/dispatcher.go and
// validator.go do: matchConstraints (selectors, resourceRules with resourceNames, exclusions),
// each binding's matchResources, the policy's matchConditions, lazily evaluated `variables`,
// validations with message/messageExpression/reason, failurePolicy for errors, and the binding's
// validationActions (Deny refuses, Warn adds a warning, Audit has no audit log here).
// paramKind is not supported: a binding of such a policy is a configuration error.
import { POLICY_VARIABLES } from './admission-config.ts';
import { SelectorError, exemptFromPolicies, ruleMatches, selectorsMatch } from './admission-match.ts';
import type { AdmissionAttributes } from './admission.ts';
import { compile, evaluationError, toCel } from './cel.ts';
import type { CelOutcome } from './cel.ts';
import { celRequest } from './cel-request.ts';
import { conditionsOf, evaluateConditions } from './match-conditions.ts';
import { requireResource } from './resources.ts';
import { ApiError, forbidden, statusOf } from './status.ts';
import type { Store } from './store.ts';
import type { KubeObject } from './types.ts';
import { isRecord } from './types.ts';

interface Denial {
  policy: string;
  binding: string | undefined;
  message: string;
  reason: string | undefined;
}

/** celconfig.MaxEvaluatedMessageExpressionSizeBytes */
const MAX_MESSAGE_BYTES = 5 * 1024;

function spec(obj: KubeObject): Record<string, unknown> {
  return isRecord(obj.spec) ? obj.spec : {};
}

function records(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

/** A NamedRuleWithOperations: the rule, then resourceNames when it has any. */
function namedRuleMatches(rule: Record<string, unknown>, a: AdmissionAttributes): boolean {
  if (!ruleMatches(rule, a)) return false;
  const names = Array.isArray(rule.resourceNames) ? rule.resourceNames : [];
  return names.length === 0 || names.includes(a.name);
}

/** matching.Matcher.Matches for a policy's matchConstraints or a binding's matchResources. */
function resourcesMatch(store: Store, match: Record<string, unknown>, a: AdmissionAttributes): boolean {
  if (!selectorsMatch(store, match, a)) return false;
  if (records(match.excludeResourceRules).some((r) => namedRuleMatches(r, a))) return false;
  const rules = records(match.resourceRules);
  return rules.length === 0 || rules.some((r) => namedRuleMatches(r, a));
}

/** `variables.<name>`: each computed on first use and kept, an error surfacing where it is used. */
function lazyVariables(definitions: Record<string, unknown>[], activation: Record<string, unknown>): Record<string, unknown> {
  const variables: Record<string, unknown> = {};
  for (const v of definitions) {
    const name = String(v.name ?? '');
    let outcome: CelOutcome | undefined;
    Object.defineProperty(variables, name, {
      enumerable: true,
      get: () => {
        if (outcome === undefined) {
          const program = compile(String(v.expression ?? ''), POLICY_VARIABLES, 'any');
          outcome =
            'error' in program
              ? { ok: false, error: `composited variable "${name}" fails to compile: ${program.error}` }
              : program.run(activation);
        }
        if (!outcome.ok) throw new Error(outcome.error);
        return outcome.value;
      },
    });
  }
  return variables;
}

function namespaceObject(store: Store, a: AdmissionAttributes): unknown {
  if (!a.def.namespaced || a.namespace === undefined || a.namespace === '') return null;
  const ns = store.get(requireResource('Namespace'), undefined, a.namespace);
  if (ns === undefined) return null;
  const metadata = { ...ns.metadata };
  delete metadata.managedFields;
  return toCel({ apiVersion: 'v1', kind: 'Namespace', metadata, spec: ns.spec ?? {}, status: ns.status ?? {} });
}

type Decision = { deny: false } | { deny: true; message: string; reason: string | undefined };

function failureMessage(validation: Record<string, unknown>, activation: Record<string, unknown>): string {
  if (typeof validation.messageExpression === 'string') {
    const program = compile(validation.messageExpression, POLICY_VARIABLES, 'string');
    const out = 'error' in program ? undefined : program.run(activation);
    if (out?.ok === true && typeof out.value === 'string') {
      const text = out.value.trim();
      if (text !== '' && Buffer.byteLength(text) <= MAX_MESSAGE_BYTES && !text.includes('\n')) return text;
    }
  }
  if (typeof validation.message === 'string' && validation.message.trim() !== '') return validation.message.trim();
  return `failed expression: ${String(validation.expression ?? '').trim()}`;
}

/** validator.Validate for one policy and binding. */
function validate(store: Store, policySpec: Record<string, unknown>, a: AdmissionAttributes): Decision[] {
  const failClosed = policySpec.failurePolicy !== 'Ignore';
  const activation: Record<string, unknown> = {
    object: toCel(a.object ?? null),
    oldObject: toCel(a.oldObject ?? null),
    request: toCel(celRequest(a)),
    params: null,
    namespaceObject: namespaceObject(store, a),
  };
  activation.variables = lazyVariables(records(policySpec.variables), activation);
  const matched = evaluateConditions(
    conditionsOf(policySpec.matchConditions),
    POLICY_VARIABLES,
    activation,
    policySpec.failurePolicy === 'Ignore' ? 'Ignore' : 'Fail',
  );
  if (matched.kind === 'error') return [{ deny: true, message: matched.message, reason: undefined }];
  if (matched.kind === 'skip') return [];
  return records(policySpec.validations).map((v): Decision => {
    const expression = String(v.expression ?? '');
    const program = compile(expression, POLICY_VARIABLES, 'bool');
    const out: CelOutcome = 'error' in program ? { ok: false, error: `compilation error: ${program.error}` } : program.run(activation);
    if (!out.ok) {
      const message = 'error' in program ? out.error : evaluationError(expression, out.error);
      return failClosed ? { deny: true, message, reason: undefined } : { deny: false };
    }
    if (out.value === true) return { deny: false };
    return { deny: true, message: failureMessage(v, activation), reason: typeof v.reason === 'string' ? v.reason : undefined };
  });
}

/** reasonToCode in policy/validating: the status code follows the validation's reason. */
function codeOf(reason: string): number {
  return ({ Forbidden: 403, Unauthorized: 401, RequestEntityTooLarge: 413 } as Record<string, number>)[reason] ?? 422;
}

/** admission.NewForbidden with the policy's reason and code, the message repeated as a cause. */
function refusal(d: Denial, a: AdmissionAttributes): ApiError {
  const text =
    d.binding !== undefined
      ? `ValidatingAdmissionPolicy '${d.policy}' with binding '${d.binding}' denied request: ${d.message}`
      : `ValidatingAdmissionPolicy '${d.policy}' denied request: ${d.message}`;
  const name = a.name !== '' ? a.name : a.object?.metadata.name || a.object?.metadata.generateName || 'Unknown';
  const base = forbidden({ group: a.def.group, resource: a.def.plural }, name, text).status;
  const reason = d.reason ?? 'Invalid';
  return new ApiError(statusOf(codeOf(reason), reason, base.message ?? text, { ...base.details, causes: [{ message: text }] }));
}

/** Runs every matching policy; throws the first denial, returns the Warn-action warnings. */
export function runPolicies(store: Store, a: AdmissionAttributes): string[] {
  if (exemptFromPolicies(a)) return [];
  const bindings = store.list(requireResource('ValidatingAdmissionPolicyBinding'));
  const denials: Denial[] = [];
  const warnings: string[] = [];
  for (const policy of store.list(requireResource('ValidatingAdmissionPolicy'))) {
    const name = policy.metadata.name ?? '';
    const ps = spec(policy);
    const configError = (binding: string | undefined, why: string): void => {
      if (ps.failurePolicy === 'Ignore') return;
      denials.push({
        policy: name,
        binding,
        message: `failed to configure ${binding === undefined ? 'policy' : 'binding'}: ${why}`,
        reason: undefined,
      });
    };
    try {
      if (!resourcesMatch(store, isRecord(ps.matchConstraints) ? ps.matchConstraints : {}, a)) continue;
    } catch (err) {
      if (!(err instanceof SelectorError)) throw err;
      configError(undefined, err.message);
      continue;
    }
    for (const binding of bindings.filter((b) => spec(b).policyName === name)) {
      const bs = spec(binding);
      const bindingName = binding.metadata.name ?? '';
      try {
        if (isRecord(bs.matchResources) && !resourcesMatch(store, bs.matchResources, a)) continue;
      } catch (err) {
        if (!(err instanceof SelectorError)) throw err;
        configError(bindingName, err.message);
        continue;
      }
      if (ps.paramKind !== undefined) {
        configError(bindingName, 'paramKind is not supported by the test API server');
        continue;
      }
      const actions = Array.isArray(bs.validationActions) ? bs.validationActions : [];
      for (const d of validate(store, ps, a)) {
        if (!d.deny) continue;
        if (actions.includes('Deny')) denials.push({ policy: name, binding: bindingName, message: d.message, reason: d.reason });
        if (actions.includes('Warn'))
          warnings.push(`Validation failed for ValidatingAdmissionPolicy '${name}' with binding '${bindingName}': ${d.message}`);
      }
    }
  }
  const first = denials[0];
  if (first !== undefined) throw refusal(first, a);
  return warnings;
}
