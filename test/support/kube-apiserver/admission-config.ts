// Defaults and 422 validation for admission configuration: webhook matchConditions and
// ValidatingAdmissionPolicy(Binding). Expressions are compiled on write, as the API server does
// (ValidateValidatingAdmissionPolicy, validateMatchConditions), so a broken one is refused at
// `kubectl apply` rather than at the first request it would have to judge.
import { compile } from './cel.ts';
import type { CelReturn } from './cel.ts';
import type { ResourceDef } from './resources.ts';
import type { KubeObject, StatusCause } from './types.ts';
import { isRecord } from './types.ts';

export const WEBHOOK_VARIABLES = ['object', 'oldObject', 'request'] as const;
export const POLICY_VARIABLES = ['object', 'oldObject', 'request', 'params', 'namespaceObject', 'variables'] as const;

type Causes = Required<StatusCause>[];

function cause(field: string, message: string, reason = 'FieldValueInvalid'): Required<StatusCause> {
  return { reason, message, field };
}

function records(value: unknown): Record<string, unknown>[] {
  return Array.isArray(value) ? value.filter(isRecord) : [];
}

function expression(field: string, value: unknown, variables: readonly string[], returns: CelReturn, out: Causes): void {
  if (typeof value !== 'string' || value.trim() === '') {
    out.push(cause(field, 'Required value', 'FieldValueRequired'));
    return;
  }
  const program = compile(value, variables, returns);
  if ('error' in program) out.push(cause(field, `Invalid value: ${JSON.stringify(value)}: ${program.error}`));
}

function matchConditions(field: string, value: unknown, variables: readonly string[], out: Causes): void {
  const seen = new Set<string>();
  records(value).forEach((c, i) => {
    const name = typeof c.name === 'string' ? c.name : '';
    if (name === '') out.push(cause(`${field}[${i}].name`, 'Required value', 'FieldValueRequired'));
    else if (seen.has(name)) out.push(cause(`${field}[${i}].name`, `Duplicate value: ${JSON.stringify(name)}`, 'FieldValueDuplicate'));
    seen.add(name);
    expression(`${field}[${i}].expression`, c.expression, variables, 'bool', out);
  });
}

function selectorDefaults(m: Record<string, unknown>): void {
  m.namespaceSelector ??= {};
  m.objectSelector ??= {};
  m.matchPolicy ??= 'Equivalent';
}

export function defaultAdmissionConfig(def: ResourceDef, obj: KubeObject): void {
  if (!isRecord(obj.spec)) return;
  const spec = obj.spec;
  if (def.kind === 'ValidatingAdmissionPolicy') {
    spec.failurePolicy ??= 'Fail';
    if (isRecord(spec.matchConstraints)) selectorDefaults(spec.matchConstraints);
  }
  if (def.kind === 'ValidatingAdmissionPolicyBinding' && isRecord(spec.matchResources)) selectorDefaults(spec.matchResources);
}

function validatePolicy(spec: Record<string, unknown>, out: Causes): void {
  if (!isRecord(spec.matchConstraints)) out.push(cause('spec.matchConstraints', 'Required value', 'FieldValueRequired'));
  else if (records(spec.matchConstraints.resourceRules).length === 0)
    out.push(cause('spec.matchConstraints.resourceRules', 'Required value', 'FieldValueRequired'));
  if (!['Fail', 'Ignore'].includes(String(spec.failurePolicy))) {
    out.push(
      cause(
        'spec.failurePolicy',
        `Unsupported value: ${JSON.stringify(spec.failurePolicy)}: supported values: "Fail", "Ignore"`,
        'FieldValueNotSupported',
      ),
    );
  }
  const validations = records(spec.validations);
  if (validations.length === 0 && records(spec.auditAnnotations).length === 0) {
    out.push(
      cause('spec.validations', 'Required value: validations or auditAnnotations must contain at least one item', 'FieldValueRequired'),
    );
  }
  records(spec.variables).forEach((v, i) => {
    if (typeof v.name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(v.name))
      out.push(cause(`spec.variables[${i}].name`, `Invalid value: ${JSON.stringify(v.name ?? '')}: name is not a valid CEL identifier`));
    expression(`spec.variables[${i}].expression`, v.expression, POLICY_VARIABLES, 'any', out);
  });
  validations.forEach((v, i) => {
    expression(`spec.validations[${i}].expression`, v.expression, POLICY_VARIABLES, 'bool', out);
    if (v.messageExpression !== undefined)
      expression(`spec.validations[${i}].messageExpression`, v.messageExpression, POLICY_VARIABLES, 'string', out);
  });
  matchConditions('spec.matchConditions', spec.matchConditions, POLICY_VARIABLES, out);
}

function validateBinding(spec: Record<string, unknown>, out: Causes): void {
  if (typeof spec.policyName !== 'string' || spec.policyName === '')
    out.push(cause('spec.policyName', 'Required value', 'FieldValueRequired'));
  const actions = Array.isArray(spec.validationActions) ? spec.validationActions : [];
  if (actions.length === 0)
    out.push(cause('spec.validationActions', 'Required value: at least one validation action is required', 'FieldValueRequired'));
  actions.forEach((a, i) => {
    if (!['Deny', 'Warn', 'Audit'].includes(String(a)))
      out.push(
        cause(
          `spec.validationActions[${i}]`,
          `Unsupported value: ${JSON.stringify(a)}: supported values: "Audit", "Deny", "Warn"`,
          'FieldValueNotSupported',
        ),
      );
  });
  if (actions.includes('Deny') && actions.includes('Warn')) {
    out.push(
      cause(
        'spec.validationActions',
        `Invalid value: ${JSON.stringify(actions)}: must not contain both Deny and Warn (repeating the same validation failure information in the API response and headers serves no purpose)`,
      ),
    );
  }
}

export function validateAdmissionConfig(def: ResourceDef, obj: KubeObject, out: Causes): void {
  if (def.kind === 'MutatingWebhookConfiguration' || def.kind === 'ValidatingWebhookConfiguration') {
    for (const [i, w] of records(obj.webhooks).entries())
      matchConditions(`webhooks[${i}].matchConditions`, w.matchConditions, WEBHOOK_VARIABLES, out);
  }
  if (def.kind !== 'ValidatingAdmissionPolicy' && def.kind !== 'ValidatingAdmissionPolicyBinding') return;
  if (!isRecord(obj.spec)) {
    out.push(cause('spec', 'Required value', 'FieldValueRequired'));
    return;
  }
  if (def.kind === 'ValidatingAdmissionPolicy') validatePolicy(obj.spec, out);
  else validateBinding(obj.spec, out);
}
