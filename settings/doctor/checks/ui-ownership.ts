// uiKeyLayout (KFP >= 2.17): the UI attributes an object the metadata store does not record (pod logs,
// Argo artifacts) to a namespace by its key alone: first segment ARTIFACT_NAMESPACE_KEY_PREFIX, second
// the namespace (frontend/server/helpers/mlmd-validator.ts namespaceFromArtifactUri at 2.17.0). The
// same prefix shapes the root rootNotNamespaced suggests, so the two never contradict each other.
import type { SnapshotIndex } from '../../cluster/snapshot.ts';
import type { NamespaceView } from '../../inspect/namespace-view.ts';
import { containerEnv, mainContainer } from '../../installation/env.ts';
import { ARTIFACT_REPOSITORIES } from '../../argo/artifact-repository.ts';
import { LAUNCHER_CONFIGMAP } from '../../kfp/launcher-config.ts';
import { parsePipelineRoot } from '../../kfp/pipeline-root.ts';
import { KFP_NAMESPACE, releaseDependentLevel, rulesOf } from '../../kfp/version-source.ts';
import { doctorFinding } from '../finding.ts';
import type { DoctorFinding } from '../finding.ts';

export const UI_DEPLOYMENT = 'ml-pipeline-ui';
const DEFAULT_KEY_PREFIX = 'private-artifacts';
const PREFIX_ENV = 'ARTIFACT_NAMESPACE_KEY_PREFIX';
const MODE_ENV = 'ARTIFACT_NAMESPACE_OWNERSHIP_MODE';

export interface UiOwnership {
  /** The leading key segment; '' when the UI derives no owner from keys at all. */
  prefix: string;
  /** Where the prefix came from, for messages. */
  from: string;
  /** mlmd-only: the UI never consults the key. */
  mlmdOnly: boolean;
}

/** ml-pipeline-ui's ownership settings as its server reads them (`X || default`, trimmed, slashes stripped). */
export function uiOwnership(index: SnapshotIndex): UiOwnership {
  const ui = index.snapshot.deployments.find(
    (d) => d.metadata.name === UI_DEPLOYMENT && (d.metadata.namespace ?? KFP_NAMESPACE) === KFP_NAMESPACE,
  );
  const container = ui === undefined ? undefined : mainContainer(ui, [UI_DEPLOYMENT]);
  if (ui === undefined || container === undefined)
    return { prefix: DEFAULT_KEY_PREFIX, from: `default prefix, ${KFP_NAMESPACE}/${UI_DEPLOYMENT} not read`, mlmdOnly: false };
  const env = containerEnv(ui, container, (name) => index.configMap(KFP_NAMESPACE, name));
  const value = (name: string): { value: string; from: string } | undefined => {
    const e = env.get(name);
    return e?.kind === 'value' && e.value !== '' ? { value: e.value, from: e.from } : undefined;
  };
  const mode = value(MODE_ENV);
  const prefix = value(PREFIX_ENV);
  return {
    prefix: (prefix?.value ?? DEFAULT_KEY_PREFIX).trim().replace(/^\/+|\/+$/g, ''),
    from: prefix === undefined ? `default prefix, ${UI_DEPLOYMENT} sets no ${PREFIX_ENV}` : `prefix from ${UI_DEPLOYMENT} ${prefix.from}`,
    mlmdOnly: mode?.value.trim().toLowerCase() === 'mlmd-only',
  };
}

/** The root to suggest for a profile: the policy's when it gives one, else the layout the UI attributes. */
export function suggestedProfileRoot(
  view: NamespaceView | undefined,
  root: { scheme: string; bucket: string; namespace: string },
  prefix: string,
): string {
  const lead = prefix === '' ? '' : `${prefix}/`;
  return view?.policy?.pipelineRoot ?? `${root.scheme}://${root.bucket}/${lead}${root.namespace}/v2/artifacts`;
}

/** Whether a key (root prefix or keyFormat) starts with <prefix>/<namespace>/, as the UI's anchored match asks. */
export function attributed(key: string, prefix: string, namespace: string): boolean {
  if (prefix === '') return false;
  const segments = key.replaceAll('{{workflow.namespace}}', namespace).replace(/^\/+/, '').split('/');
  const lead = prefix.split('/');
  return lead.every((s, i) => segments[i] === s) && segments[lead.length] === namespace && segments.length > lead.length + 1;
}

/** The leading segment suggested roots use: the UI's where it attributes by key (2.17), else KFP's own layout. */
export function suggestionPrefix(index: SnapshotIndex, ui: UiOwnership): string {
  return rulesOf(index.snapshot.kfp).uiOwnershipByKeyPrefix && ui.prefix !== '' ? ui.prefix : DEFAULT_KEY_PREFIX;
}

/** A root's artifacts get /<run>/... appended: its own key prefix must hold both segments. */
export function rootAttributed(root: string, prefix: string, namespace: string): boolean {
  const parsed = parsePipelineRoot(root);
  return parsed.ok && attributed(`${parsed.value.prefix}/x`, prefix, namespace);
}

/** The prefix that would make a layout like this root's attributable: the segments before the namespace's. */
function prefixFitting(rootPrefix: string, namespace: string): string | undefined {
  const segments = rootPrefix.split('/');
  const at = segments.indexOf(namespace);
  return at > 0 ? segments.slice(0, at).join('/') : undefined;
}

export function uiKeyLayoutChecks(index: SnapshotIndex, view: NamespaceView, ui: UiOwnership): DoctorFinding[] {
  if (!rulesOf(index.snapshot.kfp).uiOwnershipByKeyPrefix || ui.mlmdOnly || !view.profile) return [];
  if (view.unreadable?.some((u) => u.name === LAUNCHER_CONFIGMAP) === true) return [];
  const ns = view.namespace;
  const root = parsePipelineRoot(view.pipelineRoot.value);
  if (!root.ok) return [];
  const expected = ui.prefix === '' ? 'a prefix (ARTIFACT_NAMESPACE_KEY_PREFIX is empty)' : `${ui.prefix}/${ns}/`;
  const wrong: string[] = [];
  if (!rootAttributed(view.pipelineRoot.value, ui.prefix, ns)) wrong.push(`root ${view.pipelineRoot.value}`);
  const keyFormat = view.argo.keyFormat;
  const keyFormatWrong = keyFormat !== undefined && !attributed(keyFormat, ui.prefix, ns);
  if (keyFormatWrong) wrong.push(`Argo keyFormat ${keyFormat}`);
  const object = { kind: 'ConfigMap', name: wrong.length === 1 && keyFormatWrong ? ARTIFACT_REPOSITORIES : LAUNCHER_CONFIGMAP };
  const evidence = { keyPrefix: ui.prefix, prefixFrom: ui.from };
  if (wrong.length === 0)
    return [
      doctorFinding('uiKeyLayout', 'ok', ns, object, `keys start with ${expected}: the 2.17 UI attributes them to ${ns}`, '', evidence),
    ];
  const suggestion = suggestedProfileRoot(view, { scheme: root.value.scheme, bucket: root.value.bucket, namespace: ns }, ui.prefix);
  const lead = ui.prefix === '' ? 'private-artifacts' : ui.prefix;
  const rootWrong = wrong.length > (keyFormatWrong ? 1 : 0);
  const layout = [
    ...(!rootWrong
      ? []
      : rootAttributed(suggestion, lead, ns)
        ? [`use root ${suggestion}`]
        : // The policy's own root has the other layout: changing only kfp-launcher would break the tenant rule (outsideProfileRoot).
          [`change the StorePolicy's root for ${ns} (${suggestion}) to one under ${lead}/${ns}/`]),
    ...(keyFormatWrong ? [`${rootWrong ? '' : 'use '}keyFormat ${lead}/${ns}/{{workflow.name}}/{{pod.name}}`] : []),
  ].join(' and ');
  // One prefix serves the whole UI: suggest it only when root and keyFormat share the layout.
  const fitting = prefixFitting(root.value.prefix, ns);
  const sameLayout = keyFormat === undefined || prefixFitting(keyFormat.replaceAll('{{workflow.namespace}}', ns), ns) === fitting;
  const env = fitting !== undefined && sameLayout ? `${PREFIX_ENV}=${fitting}` : `${PREFIX_ENV} to the leading segment of your layout`;
  return [
    doctorFinding(
      'uiKeyLayout',
      releaseDependentLevel(index.snapshot.kfp),
      ns,
      object,
      `${wrong.join(' and ')} not under ${expected}: the KFP 2.17 UI denies objects the metadata store does not record, such as pod logs ` +
        `(${ui.from}${index.snapshot.kfp?.source === 'assumed' ? '; the release was assumed' : ''})`,
      `${layout}; or, when every profile has this layout, set ${env} on ${UI_DEPLOYMENT} (pipeline-install-config)`,
      evidence,
    ),
  ];
}
