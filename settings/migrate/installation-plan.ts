// What `migrate --to s3 --installation` changes in the KFP installation's namespace (kubeflow):
// - the API server (Deployment ml-pipeline): OBJECTSTORECONFIG_HOST/PORT/SECURE/REGION literals, the
//   bucket where it is read from (pipeline-install-config's key when the env names one), and its
//   ACCESSKEY/SECRETACCESSKEY pointed at the target credentials Secret;
// - the UI (Deployment ml-pipeline-ui): AWS_S3_ENDPOINT/AWS_REGION/AWS_SSL and AWS_ACCESS_KEY_ID/
//   AWS_SECRET_ACCESS_KEY, its reader for s3:// artifacts (frontend/server/configs.ts, 2.2-2.17);
//   MINIO_* stay, so minio:// URIs of old runs keep reading from the old store;
// - Argo's default repository (workflow-controller-configmap artifactRepository): s3 endpoint,
//   bucket, region, insecure and the Secret keys; keyFormat and the rest, comments included, stay;
// - the credentials Secret (secretNameFor(target, namespace)), planned as the per-namespace path
//   plans it: cloned, or a template to fill (stage.ts).
// The old Secret (mlpipeline-minio-artifact) is left as it is: old runs' artifacts stay readable.
// Planning the migrated state again yields no writes, so a re-run is a no-op.
import { parseDocument } from 'yaml';
import type { ClusterSnapshot, ConfigMapObject, DeploymentObject } from '../cluster/snapshot.ts';
import { indexSnapshot } from '../cluster/snapshot.ts';
import { mainContainer } from '../installation/env.ts';
import { API_SERVER, UI, WORKFLOW_CONTROLLER_CONFIGMAP } from '../installation/settings.ts';
import { compareVersions, parseKfpVersion } from '../kfp/versions.ts';
import type { EnvEdit, WantedEnv } from './installation-env.ts';
import { envEdits, literal, secretRef } from './installation-env.ts';
import { jsonEqual } from './json-equal.ts';
import { namespaceLayout } from './layout.ts';
import { secretNameFor } from './migration-target.ts';
import type { MigrationTarget } from './migration-target.ts';
import type { ChangeAction, NamespacePlan, ObjectChange } from './plan.ts';
import { change, configMap, planSecret } from './plan.ts';

export interface DeploymentChange {
  kind: 'Deployment';
  name: string;
  container: string;
  action: ChangeAction;
  resourceVersion?: string;
  env: EnvEdit[];
}

/** The namespace's plan (ConfigMaps and the Secret, as the per-namespace path plans them) plus the Deployments. */
export interface InstallationPlan extends NamespacePlan {
  /** The KFP release whose settings were planned. */
  kfpVersion: string;
  deployments: DeploymentChange[];
  /** What the plan cannot do, or what stays behind, one sentence each. */
  notes: string[];
}

/** Argo's keyFormat for a repository migrate creates (KFP 2.17's manifests). */
const KEY_FORMAT =
  'private-artifacts/{{workflow.namespace}}/{{workflow.name}}/' +
  '{{workflow.creationTimestamp.Y}}/{{workflow.creationTimestamp.m}}/{{workflow.creationTimestamp.d}}/{{pod.name}}';

export function planInstallation(snapshot: ClusterSnapshot, namespace: string, target: MigrationTarget): InstallationPlan {
  const cm = (name: string): ConfigMapObject | undefined =>
    snapshot.configMaps.find((c) => c.metadata.name === name && (c.metadata.namespace ?? namespace) === namespace);
  const dep = (name: string): DeploymentObject | undefined =>
    snapshot.deployments.find((d) => d.metadata.name === name && (d.metadata.namespace ?? namespace) === namespace);
  const secretName = secretNameFor(target, namespace);
  const version = snapshot.kfp?.version ?? 'unknown';
  const notes: string[] = [];
  const url = new URL(target.endpoint);
  const secure = url.protocol === 'https:';
  const port = url.port !== '' ? url.port : secure ? '443' : '80';
  const changes: ObjectChange[] = [];
  const deployments: DeploymentChange[] = [];

  const api = dep(API_SERVER);
  if (api === undefined) notes.push(`no Deployment ${API_SERVER} in ${namespace}: the API server's settings were not planned`);
  else {
    // What an unset variable means depends on the release (client_manager.go at each tag).
    const links = serviceLinks(snapshot.kfp?.version);
    const fallback = (what: string, from215: string): string =>
      links ? `KFP ${version} uses ${what} (minio-service's Service links, up to 2.14)` : `KFP ${version}: ${from215}`;
    const reads = `the API server (KFP ${version})`;
    const wanted = [
      literal('OBJECTSTORECONFIG_HOST', url.hostname, reads, fallback('MINIO_SERVICE_SERVICE_HOST', 'required from 2.15')),
      literal('OBJECTSTORECONFIG_PORT', port, reads, fallback('MINIO_SERVICE_SERVICE_PORT', 'host without a port')),
      literal('OBJECTSTORECONFIG_SECURE', String(secure), reads, 'false'),
      literal('OBJECTSTORECONFIG_REGION', target.region, reads, fallback('MINIO_SERVICE_REGION', 'us-east-1 from 2.15')),
      secretRef('OBJECTSTORECONFIG_ACCESSKEY', secretName, target.secret.accessKeyKey, reads),
      secretRef('OBJECTSTORECONFIG_SECRETACCESSKEY', secretName, target.secret.secretKeyKey, reads),
    ];
    // The bucket goes where the API server reads it: pipeline-install-config's key, or a literal.
    const bucketRef = configMapRef(api, 'OBJECTSTORECONFIG_BUCKETNAME');
    const bucketMap = bucketRef === undefined ? undefined : cm(bucketRef.name);
    if (bucketRef !== undefined && bucketMap !== undefined) changes.push(planKey(bucketMap, namespace, bucketRef.key, target.bucket));
    else wanted.push(literal('OBJECTSTORECONFIG_BUCKETNAME', target.bucket, reads));
    deployments.push(planDeployment(api, wanted));
    notes.push(
      "the API server reads pipeline packages its database does not hold (older pipeline versions) from its bucket's pipelines/ prefix: " +
        `copy that prefix to ${target.bucket} if they must stay readable`,
    );
  }

  const ui = dep(UI);
  if (ui === undefined) notes.push(`no Deployment ${UI} in ${namespace}: the UI's settings were not planned`);
  else {
    const reads = "the UI's s3:// reader (frontend/server/configs.ts)";
    deployments.push(
      planDeployment(ui, [
        literal('AWS_S3_ENDPOINT', url.hostname, reads, 'the UI reads s3:// from s3.amazonaws.com'),
        literal('AWS_REGION', target.region, reads, 'us-east-1'),
        literal('AWS_SSL', String(secure), reads, 'true'),
        secretRef('AWS_ACCESS_KEY_ID', secretName, target.secret.accessKeyKey, reads),
        secretRef('AWS_SECRET_ACCESS_KEY', secretName, target.secret.secretKeyKey, reads),
      ]),
    );
    if (url.port !== '' && url.port !== (secure ? '443' : '80'))
      notes.push(
        `the UI's s3:// reader (minio-js) takes a host without a port: AWS_S3_ENDPOINT is ${url.hostname}, ` +
          `reached on port ${secure ? 443 : 80}, not ${url.port}; put the store behind that port for artifact previews`,
      );
    notes.push(`the UI keeps MINIO_* (minio:// URIs of earlier runs are read from the old store with the old Secret)`);
  }

  const wc = cm(WORKFLOW_CONTROLLER_CONFIGMAP);
  if (wc === undefined)
    notes.push(`no ConfigMap ${WORKFLOW_CONTROLLER_CONFIGMAP} in ${namespace}: Argo's default repository was not planned`);
  else {
    changes.push(planArgoDefault(wc, namespace, target, secretName));
    notes.push(
      `Argo reads the default repository's Secret ${secretName} in each Workflow's namespace: profiles without their own ` +
        'artifact-repositories need it there (kubectl kfstore migrate --to s3 -A migrates them)',
    );
  }

  if (deployments.length === 0 && changes.length === 0)
    return { ...empty(namespace, target, secretName), kfpVersion: version, deployments, notes };
  const secret = planSecret(indexSnapshot(snapshot), namespace, target, secretName);
  return {
    ...empty(namespace, target, secretName),
    changes: [secret, ...changes],
    kfpVersion: version,
    deployments,
    notes,
  };
}

function empty(namespace: string, target: MigrationTarget, secretName: string): NamespacePlan {
  return { namespace, layout: namespaceLayout(target, namespace), secretName, changes: [], launcherFindings: [] };
}

/** Up to 2.14 the API server falls back to minio-service's Service links (settings/installation/settings.ts). */
function serviceLinks(version: string | undefined): boolean {
  const v = version === undefined ? undefined : parseKfpVersion(version);
  return v !== undefined && compareVersions(v, { major: 2, minor: 15, patch: 0 }) < 0;
}

function planDeployment(d: DeploymentObject, wanted: WantedEnv[]): DeploymentChange {
  const container = mainContainer(d, [d.metadata.name]);
  const env = envEdits(container?.env ?? [], wanted);
  const out: DeploymentChange = {
    kind: 'Deployment',
    name: d.metadata.name,
    container: container?.name ?? '',
    action: env.length === 0 ? 'unchanged' : 'update',
    env,
  };
  const rv = d.metadata.resourceVersion;
  if (rv !== undefined) out.resourceVersion = rv;
  return out;
}

function configMapRef(d: DeploymentObject, name: string): { name: string; key: string } | undefined {
  const e = mainContainer(d, [d.metadata.name])?.env?.find((x) => x.name === name);
  const ref = (e?.valueFrom as { configMapKeyRef?: { name?: string; key?: string } } | undefined)?.configMapKeyRef;
  return ref?.name === undefined || ref.key === undefined ? undefined : { name: ref.name, key: ref.key };
}

function planKey(current: ConfigMapObject, namespace: string, key: string, value: string): ObjectChange {
  const data = current.data ?? {};
  const before = configMap(current.metadata, namespace, data);
  return change(
    'ConfigMap',
    current.metadata.name,
    current,
    data[key] === value,
    before,
    configMap(current.metadata, namespace, { ...data, [key]: value }),
  );
}

function planArgoDefault(current: ConfigMapObject, namespace: string, target: MigrationTarget, secretName: string): ObjectChange {
  const data = current.data ?? {};
  const text = data.artifactRepository;
  // Edited through the yaml Document API: KFP's comments on keyFormat stay.
  const doc = parseDocument(text ?? '');
  const fresh = text === undefined || doc.errors.length > 0 || doc.contents === null;
  const edited = fresh ? parseDocument('archiveLogs: true\n') : doc;
  const s3: Record<string, unknown> = {
    endpoint: target.host,
    bucket: target.bucket,
    region: target.region,
    insecure: target.disableSSL,
    accessKeySecret: { name: secretName, key: target.secret.accessKeyKey },
    secretKeySecret: { name: secretName, key: target.secret.secretKeyKey },
  };
  if (fresh || !edited.hasIn(['s3', 'keyFormat'])) s3.keyFormat = KEY_FORMAT;
  for (const [k, v] of Object.entries(s3))
    if (!jsonEqual(edited.getIn(['s3', k]) === undefined ? undefined : toJs(edited.getIn(['s3', k])), v)) edited.setIn(['s3', k], v);
  const next = edited.toString({ lineWidth: 0 });
  const same = !fresh && next === text;
  const before = configMap(current.metadata, namespace, data);
  return change(
    'ConfigMap',
    current.metadata.name,
    current,
    same,
    before,
    configMap(current.metadata, namespace, { ...data, artifactRepository: next }),
  );
}

function toJs(node: unknown): unknown {
  return typeof node === 'object' && node !== null && 'toJSON' in node && typeof node.toJSON === 'function'
    ? (node.toJSON as () => unknown)()
    : node;
}
