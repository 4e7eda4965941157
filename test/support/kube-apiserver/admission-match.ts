// Which admission configurations a request is for: rules (operations, groups, versions,
// resources, scope), namespace and object selectors, and the resources admission skips.
// Shared by webhooks (admission.ts) and ValidatingAdmissionPolicies (policies.ts).
import type { AdmissionAttributes } from './admission.ts';
import { requireResource } from './resources.ts';
import { labelSelectorFromObject, matchesLabels } from './selectors.ts';
import type { Store } from './store.ts';
import { isRecord } from './types.ts';

/** The selector is malformed; callers decide (webhooks: call error; policies: configuration error). */
export class SelectorError extends Error {}

function listHas(list: unknown, value: string): boolean {
  return Array.isArray(list) && (list.includes('*') || list.includes(value));
}

/** rules.Matcher: a RuleWithOperations against the request's resource. */
export function ruleMatches(rule: unknown, a: AdmissionAttributes): boolean {
  if (!isRecord(rule)) return false;
  const d = a.def;
  if (!listHas(rule.operations, a.operation) || !listHas(rule.apiGroups, d.group) || !listHas(rule.apiVersions, d.version)) return false;
  const resources = Array.isArray(rule.resources) ? rule.resources : [];
  const resourceOk =
    a.subresource === undefined
      ? resources.includes('*') || resources.includes('*/*') || resources.includes(d.plural)
      : resources.some((r) => r === '*/*' || r === `${d.plural}/${a.subresource}` || r === `${d.plural}/*` || r === `*/${a.subresource}`);
  if (!resourceOk) return false;
  const scope = typeof rule.scope === 'string' ? rule.scope : '*';
  return scope === '*' || (scope === 'Cluster' ? !d.namespaced : d.namespaced);
}

function selectorMatches(selector: unknown, labelSets: (Record<string, string> | undefined)[]): boolean {
  const parsed = labelSelectorFromObject(selector);
  if (parsed === undefined) throw new SelectorError('invalid label selector');
  if (parsed.length === 0) return true;
  return labelSets.some((labels) => labels !== undefined && matchesLabels(parsed, labels));
}

/** namespaceSelector and objectSelector; cluster-scoped objects (other than Namespaces) pass any namespaceSelector. */
export function selectorsMatch(store: Store, criteria: Record<string, unknown>, a: AdmissionAttributes): boolean {
  let nsLabels: Record<string, string> | undefined;
  if (a.def.kind === 'Namespace') nsLabels = (a.object ?? a.oldObject)?.metadata.labels ?? {};
  else if (a.def.namespaced && a.namespace !== undefined)
    nsLabels = store.get(requireResource('Namespace'), undefined, a.namespace)?.metadata.labels ?? {};
  if (nsLabels !== undefined && !selectorMatches(criteria.namespaceSelector, [nsLabels])) return false;
  return selectorMatches(criteria.objectSelector, [a.object?.metadata.labels ?? {}, a.oldObject?.metadata.labels ?? {}]);
}

const ADMISSION_CONFIGURATION = new Set([
  'validatingwebhookconfigurations',
  'mutatingwebhookconfigurations',
  'validatingadmissionpolicies',
  'validatingadmissionpolicybindings',
  'mutatingadmissionpolicies',
  'mutatingadmissionpolicybindings',
]);
const POLICY_RESOURCES = new Set([
  'validatingadmissionpolicies',
  'validatingadmissionpolicybindings',
  'mutatingadmissionpolicies',
  'mutatingadmissionpolicybindings',
]);

/** rules.IsExemptAdmissionConfigurationResource: webhooks never see admission configuration, so a broken webhook cannot lock itself in. */
export function exemptFromWebhooks(a: AdmissionAttributes): boolean {
  return a.def.group === 'admissionregistration.k8s.io' && ADMISSION_CONFIGURATION.has(a.def.plural);
}

/** policy/generic/plugin.go: policies never see policies or bindings, but do see webhook configurations. */
export function exemptFromPolicies(a: AdmissionAttributes): boolean {
  return a.def.group === 'admissionregistration.k8s.io' && POLICY_RESOURCES.has(a.def.plural);
}
