// The CEL matchConditions of the pod webhook (pods.kfstore.dev), derived from the StorePolicy's
// inject.podSelector, so the API server sends the webhook exactly the pods the policy selects
// (settings/label-selectors/label-selector.ts decides the same selector in the webhook) and none that opted
// out. Every index is guarded by has()/`in`: a missing key is a CEL error, and an error under
// failurePolicy Fail would refuse the pod. deploy/base/webhooks.yaml holds this function's output
// for the example policy; scripts/webhook-conditions.ts renders it for any policy.
import { OPT_OUT_ANNOTATION } from '../injection/plan.ts';
import type { LabelSelector } from './schema.ts';

export interface MatchCondition {
  name: string;
  expression: string;
}

export const POD_WEBHOOK = 'pods.kfstore.dev';
export const SELECTOR_CONDITION = 'pod-selector';
export const OPT_OUT_CONDITION = 'not-opted-out';

const LABELS = 'object.metadata.labels';
const ANNOTATIONS = 'object.metadata.annotations';

/** A CEL single-quoted string literal. */
function str(value: string): string {
  return `'${value.replaceAll('\\', '\\\\').replaceAll("'", "\\'")}'`;
}

function list(values: string[]): string {
  return `[${values.map(str).join(', ')}]`;
}

/** The label selector as one CEL expression; undefined when it selects every pod. */
export function selectorExpression(selector: LabelSelector): string | undefined {
  const needs: string[] = [];
  const unless: string[] = [];
  const at = (key: string): string => `${LABELS}[${str(key)}]`;
  for (const [key, value] of Object.entries(selector.matchLabels ?? {}))
    needs.push(`${str(key)} in ${LABELS} && ${at(key)} == ${str(value)}`);
  for (const e of selector.matchExpressions ?? []) {
    const values = e.values ?? [];
    if (e.operator === 'In') needs.push(`${str(e.key)} in ${LABELS} && ${at(e.key)} in ${list(values)}`);
    if (e.operator === 'Exists') needs.push(`${str(e.key)} in ${LABELS}`);
    if (e.operator === 'NotIn') unless.push(`(!has(${LABELS}) || !(${str(e.key)} in ${LABELS}) || !(${at(e.key)} in ${list(values)}))`);
    if (e.operator === 'DoesNotExist') unless.push(`(!has(${LABELS}) || !(${str(e.key)} in ${LABELS}))`);
  }
  const terms = [...(needs.length > 0 ? [`has(${LABELS})`, ...needs] : []), ...unless];
  return terms.length === 0 ? undefined : terms.join(' && ');
}

/** matchConditions for pods.kfstore.dev: the policy's selector (unless it selects all) and the opt-out. */
export function podMatchConditions(selector: LabelSelector): MatchCondition[] {
  const selected = selectorExpression(selector);
  const optOut = `!has(${ANNOTATIONS}) || !(${str(OPT_OUT_ANNOTATION)} in ${ANNOTATIONS}) || ${ANNOTATIONS}[${str(OPT_OUT_ANNOTATION)}] != 'false'`;
  return [
    ...(selected === undefined ? [] : [{ name: SELECTOR_CONDITION, expression: selected }]),
    { name: OPT_OUT_CONDITION, expression: optOut },
  ];
}
