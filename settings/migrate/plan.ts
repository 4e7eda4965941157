// What `migrate --to s3` changes in one namespace: kfp-launcher, Argo's artifact-repositories and
// the credentials Secret, each as before/after with the resourceVersion planned against. Only the
// managed keys change; other data keys, labels and annotations stay. Planning the migrated state
// again yields `unchanged` everywhere, so a re-run is a no-op. The plan follows the cluster's KFP
// release (the snapshot's, as doctor judges by): providers keys that release does not read are not
// written (forcePathStyle before 2.4), and the planned kfp-launcher is linted with its rules (KFP 2.0/2.1
// read no providers at all, which the lint says).
import { stringify } from 'yaml';
import { ARTIFACT_REPOSITORIES, DEFAULT_REPOSITORY_ANNOTATION, readArtifactRepository } from '../argo/artifact-repository.ts';
import type { ArtifactRepository } from '../argo/artifact-repository.ts';
import type { ConfigMapObject, ObjectMeta, SnapshotIndex } from '../cluster/snapshot.ts';
import type { Finding } from '../findings.ts';
import { LAUNCHER_CONFIGMAP } from '../kfp/launcher-config.ts';
import { rulesOf } from '../kfp/version-source.ts';
import { NEWEST_RULES } from '../kfp/versions.ts';
import type { KfpRules } from '../kfp/versions.ts';
import { attributed, rootAttributed, uiOwnership } from '../doctor/checks/ui-ownership.ts';
import { finding } from '../checks/finding.ts';
import { lintLauncher } from '../lint/launcher-lint.ts';
import { jsonEqual } from './json-equal.ts';
import { namespaceLayout } from './layout.ts';
import type { NamespaceLayout } from './layout.ts';
import { secretNameFor } from './migration-target.ts';
import type { MigrationTarget } from './migration-target.ts';

/** `deferred`: a write held back until the namespace's target credentials are known (stage.ts). */
export type ChangeAction = 'create' | 'update' | 'unchanged' | 'deferred';

export interface PlannedMeta {
  name: string;
  namespace: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

/** A ConfigMap, or a Secret by key names only: Secret `data`/`stringData` values are always ''. */
export interface PlannedObject {
  apiVersion: 'v1';
  kind: 'ConfigMap' | 'Secret';
  metadata: PlannedMeta;
  type?: string;
  data?: Record<string, string>;
  /** Secrets: keys the edge fills (from the template's source or by cloning). */
  stringData?: Record<string, string>;
}

export interface ObjectChange {
  kind: 'ConfigMap' | 'Secret';
  name: string;
  action: ChangeAction;
  before?: PlannedObject;
  after: PlannedObject;
  /** The version planned against; the edge updates with it so a concurrent edit conflicts. */
  resourceVersion?: string;
  /** Secrets: the edge copies values from this Secret (deployKF's clone) instead of asking for them. */
  cloneFrom?: { namespace: string; name: string };
  /** The current object is `immutable: true`: the API server refuses to change its data. */
  immutable?: true;
}

export interface NamespacePlan {
  namespace: string;
  layout: NamespaceLayout;
  secretName: string;
  changes: ObjectChange[];
  /** lintLauncher on the planned kfp-launcher; a correct plan has no errors here. */
  launcherFindings: Finding[];
}

export const DEFAULT_ARGO_KEY = 'default-v1';

/** A change the edge writes now. */
export function isWrite(c: ObjectChange): boolean {
  return c.action === 'create' || c.action === 'update';
}

export function planNamespace(
  index: SnapshotIndex,
  namespace: string,
  target: MigrationTarget,
  rules: KfpRules = rulesOf(index.snapshot.kfp),
): NamespacePlan {
  const layout = namespaceLayout(target, namespace);
  const secretName = secretNameFor(target, namespace);
  const launcher = planLauncher(index.configMap(namespace, LAUNCHER_CONFIGMAP), namespace, target, layout, secretName, rules);
  const launcherFindings = [
    ...lintLauncher(launcher.after.data, { namespace, profileRoot: layout.root, rules }).findings,
    ...uiLayoutFindings(index, namespace, layout, rules),
  ];
  return {
    namespace,
    layout,
    secretName,
    changes: [
      launcher,
      planArgo(index.configMap(namespace, ARTIFACT_REPOSITORIES), namespace, target, layout, secretName),
      planSecret(index, namespace, target, secretName),
    ],
    launcherFindings,
  };
}

/** KFP >= 2.17: a planned layout whose keys the UI cannot attribute to the namespace (pod logs denied). */
function uiLayoutFindings(index: SnapshotIndex, namespace: string, layout: NamespaceLayout, rules: KfpRules): Finding[] {
  // Only for a release read or given: an assumed 2.17 is no reason to warn about the layout.
  const kfp = index.snapshot.kfp;
  const ui = uiOwnership(index);
  if (kfp === undefined || kfp.source === 'assumed' || !rules.uiOwnershipByKeyPrefix || ui.mlmdOnly) return [];
  const keyFormat = layout.keyFormat.replaceAll('{{workflow.namespace}}', namespace);
  if (rootAttributed(layout.root, ui.prefix, namespace) && attributed(keyFormat, ui.prefix, namespace)) return [];
  const lead = ui.prefix === '' ? 'private-artifacts' : ui.prefix;
  return [
    finding(
      'uiKeyLayout',
      'warn',
      `planned root ${layout.root} and keyFormat ${layout.keyFormat} are not under ${lead}/${namespace}/: ` +
        `the KFP 2.17 UI would deny pod logs (${ui.from})`,
      `plan with --root-template s3://{bucket}/${lead}/{profile}/v2/artifacts`,
    ),
  ];
}

/**
 * The `providers` text: an explicit s3 default, so nothing depends on KFP's defaults; only the keys the
 * release reads (before 2.4 path style is always on and forcePathStyle an unknown key).
 */
export function providersText(target: MigrationTarget, secretName: string, rules: KfpRules = NEWEST_RULES): string {
  return stringify({
    s3: {
      default: {
        endpoint: target.endpoint,
        region: target.region,
        disableSSL: target.disableSSL,
        ...(rules.forcePathStyle ? { forcePathStyle: target.forcePathStyle } : {}),
        credentials: {
          fromEnv: false,
          secretRef: { secretName, accessKeyKey: target.secret.accessKeyKey, secretKeyKey: target.secret.secretKeyKey },
        },
      },
    },
  });
}

function planLauncher(
  current: ConfigMapObject | undefined,
  namespace: string,
  target: MigrationTarget,
  layout: NamespaceLayout,
  secretName: string,
  rules: KfpRules,
): ObjectChange {
  const managed = { defaultPipelineRoot: layout.root, providers: providersText(target, secretName, rules) };
  const before = current === undefined ? undefined : configMap(current.metadata, namespace, current.data ?? {});
  const after = configMap(current?.metadata, namespace, { ...current?.data, ...managed }, LAUNCHER_CONFIGMAP);
  const same =
    current !== undefined &&
    current.data?.defaultPipelineRoot === managed.defaultPipelineRoot &&
    current.data?.providers === managed.providers;
  return change('ConfigMap', LAUNCHER_CONFIGMAP, current, same, before, after);
}

function plannedRepository(target: MigrationTarget, layout: NamespaceLayout, secretName: string, archiveLogs: boolean): ArtifactRepository {
  return {
    archiveLogs,
    s3: {
      // Argo takes host[:port] and TLS from `insecure`.
      endpoint: target.host,
      bucket: target.bucket,
      region: target.region,
      insecure: target.disableSSL,
      keyFormat: layout.keyFormat,
      accessKeySecret: { name: secretName, key: target.secret.accessKeyKey },
      secretKeySecret: { name: secretName, key: target.secret.secretKeyKey },
    },
  };
}

function planArgo(
  current: ConfigMapObject | undefined,
  namespace: string,
  target: MigrationTarget,
  layout: NamespaceLayout,
  secretName: string,
): ObjectChange {
  const existing = readArtifactRepository(current);
  const annotated = current?.metadata.annotations?.[DEFAULT_REPOSITORY_ANNOTATION];
  // Keep the key the annotation already names (upstream: default-namespaced, deployKF: default-v1).
  const key = annotated !== undefined && annotated !== '' ? annotated : DEFAULT_ARGO_KEY;
  const archiveLogs = existing.ok ? (existing.repository.archiveLogs ?? true) : true;
  const repository = plannedRepository(target, layout, secretName, archiveLogs);
  const before = current === undefined ? undefined : configMap(current.metadata, namespace, current.data ?? {});
  const after = configMap(current?.metadata, namespace, { ...current?.data, [key]: stringify(repository) }, ARTIFACT_REPOSITORIES);
  after.metadata.annotations = { ...after.metadata.annotations, [DEFAULT_REPOSITORY_ANNOTATION]: key };
  // Compared as parsed values: a JSON-written repository with the same content is unchanged.
  const same = existing.ok && existing.key === key && jsonEqual(existing.repository, repository);
  return change('ConfigMap', ARTIFACT_REPOSITORIES, current, same, before, same ? (before ?? after) : after);
}

export function planSecret(index: SnapshotIndex, namespace: string, target: MigrationTarget, secretName: string): ObjectChange {
  const current = index.secret(namespace, secretName);
  const keys = [target.secret.accessKeyKey, target.secret.secretKeyKey];
  // Empty values are filled only from a clone source; without one the template is as good as
  // migrate can make it (a re-run must not rewrite it), and doctor reports the empty keys.
  const clone = target.secret.cloneFrom !== undefined;
  const missing = keys.filter((k) => current?.values[k] === undefined || (clone && current.values[k].empty));
  const before =
    current === undefined
      ? undefined
      : secret(current.metadata, namespace, secretName, { data: blank(Object.keys(current.values)) }, current.type);
  // Key names only: `data` lists what stays, `stringData` what the edge fills (it patches only those).
  const kept = Object.keys(current?.values ?? {}).filter((k) => !missing.includes(k));
  const body =
    missing.length === 0
      ? { data: blank(kept) }
      : kept.length === 0
        ? { stringData: blank(missing) }
        : { data: blank(kept), stringData: blank(missing) };
  const after = secret(current?.metadata, namespace, secretName, body, current?.type ?? 'Opaque');
  const out = change('Secret', secretName, current, missing.length === 0, before, after);
  const from = target.secret.cloneFrom;
  if (from !== undefined && out.action !== 'unchanged')
    out.cloneFrom = { namespace: from.namespace, name: from.name.replaceAll('{profile}', namespace) };
  return out;
}

export function change(
  kind: ObjectChange['kind'],
  name: string,
  current: { metadata: ObjectMeta; immutable?: boolean } | undefined,
  same: boolean,
  before: PlannedObject | undefined,
  after: PlannedObject,
): ObjectChange {
  const action: ChangeAction = current === undefined ? 'create' : same ? 'unchanged' : 'update';
  const out: ObjectChange = { kind, name, action, after };
  if (current?.immutable === true) out.immutable = true;
  if (before !== undefined) out.before = before;
  const rv = current?.metadata.resourceVersion;
  if (rv !== undefined) out.resourceVersion = rv;
  return out;
}

function meta(current: ObjectMeta | undefined, namespace: string, name: string): PlannedMeta {
  const m: PlannedMeta = { name, namespace };
  if (current?.labels !== undefined) m.labels = { ...current.labels };
  if (current?.annotations !== undefined) m.annotations = { ...current.annotations };
  return m;
}

export function configMap(
  current: ObjectMeta | undefined,
  namespace: string,
  data: Record<string, string>,
  name = current?.name ?? '',
): PlannedObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: meta(current, namespace, name), data: sortedKeys(data) };
}

function secret(
  current: ObjectMeta | undefined,
  namespace: string,
  name: string,
  body: { data?: Record<string, string>; stringData?: Record<string, string> },
  type: string | undefined,
): PlannedObject {
  const out: PlannedObject = { apiVersion: 'v1', kind: 'Secret', metadata: meta(current, namespace, name), ...body };
  if (type !== undefined) out.type = type;
  return out;
}

function blank(keys: string[]): Record<string, string> {
  return Object.fromEntries([...keys].sort().map((k) => [k, '']));
}

function sortedKeys(data: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(data).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}
