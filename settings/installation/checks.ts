// doctor --installation: what breaks or splits a KFP installation's storage, from its settings
// (settings.ts). Pure; the edge reads the objects.
import { checkId } from '../checks/registry.ts';
import { doctorFinding } from '../doctor/finding.ts';
import type { DoctorFinding } from '../doctor/finding.ts';
import type { ComponentStore, InstallationSettings, Setting } from './settings.ts';

/** A kustomize var reference: `$(name)`; kustomize var names may hold '-', '.', '_'. */
const PLACEHOLDER = /\$\(([A-Za-z0-9_.-]+)\)/g;

export function installationChecks(s: InstallationSettings): DoctorFinding[] {
  return [...blocking(s), ...placeholders(s), ...mismatches(s), ...regions(s), ...uiChecks(s)];
}

function blocking(s: InstallationSettings): DoctorFinding[] {
  return s.blocking.map((b) => doctorFinding('installationBlocked', 'error', s.namespace, b.object, `${b.from} ${b.why}`, b.fix));
}

function placeholders(s: InstallationSettings): DoctorFinding[] {
  const out: DoctorFinding[] = [];
  for (const v of s.scanned) {
    const names = [...v.value.matchAll(PLACEHOLDER)].map((m) => m[1] ?? '').filter((n) => !(v.envBefore ?? []).includes(n));
    for (const name of [...new Set(names)])
      out.push(
        doctorFinding(
          'placeholder',
          'error',
          s.namespace,
          v.object,
          `${v.from} holds the unrendered placeholder $(${name})`,
          `render the manifests with kustomize (kubectl apply -k) or replace $(${name}) with the real value`,
          { placeholder: `$(${name})` },
        ),
      );
  }
  return out;
}

function hasPlaceholder(v: Setting | undefined): boolean {
  return v !== undefined && /\$\(/.test(v.value);
}

/** host[:port] as a comparable key: no scheme, lower case, in-cluster names fully qualified by namespace. */
export function endpointKey(endpoint: string, namespace: string): string {
  const bare = endpoint
    .trim()
    .toLowerCase()
    .replace(/^https?:\/\//, '')
    .replace(/\/+$/, '');
  const [host = '', port] = bare.split(':');
  const short = host.replace(/\.svc(\.cluster\.local)?$/, '');
  const qualified = short.includes('.') ? short : `${short}.${namespace}`;
  // :443 is what an endpoint without a port means over TLS (Argo, minio-go).
  return port === undefined || port === '443' ? qualified : `${qualified}:${port}`;
}

function mismatches(s: InstallationSettings): DoctorFinding[] {
  const out: DoctorFinding[] = [];
  for (const field of ['endpoint', 'bucket'] as const) {
    const stated = s.stores.filter((c) => c[field] !== undefined && !hasPlaceholder(c[field]));
    const key = (c: ComponentStore): string => {
      const v = c[field]?.value ?? '';
      return field === 'endpoint' ? endpointKey(v, s.namespace) : v;
    };
    const distinct = new Set(stated.map(key));
    if (distinct.size < 2) continue;
    const first = stated[0];
    if (first === undefined) continue;
    const others = stated.filter((c) => key(c) !== key(first));
    const describe = (c: ComponentStore): string =>
      `${c.component} ${c[field]?.value} (${c.object.kind}/${c.object.name} ${c[field]?.from})`;
    out.push(
      doctorFinding(
        'storeMismatch',
        'warn',
        s.namespace,
        others[0]?.object,
        `the installation's components name different ${field}s: ${stated.map(describe).join('; ')}`,
        `point every component at the same ${field} (${first.component}: ${first[field]?.value}), or confirm the split is deliberate and skip ${checkId('storeMismatch')} with --skip`,
        Object.fromEntries(stated.map((c) => [c.component, c[field]?.value ?? ''])),
      ),
    );
  }
  return out;
}

/** An AWS endpoint whose host says no region (s3.amazonaws.com, not s3.eu-west-1.amazonaws.com). */
export function awsWithoutRegionInHost(endpoint: string): boolean {
  const host = (endpoint.replace(/^https?:\/\//, '').split(/[:/]/)[0] ?? '').toLowerCase();
  if (!host.endsWith('.amazonaws.com') && host !== 'amazonaws.com') return false;
  return !/(^|\.)s3[.-](?!external-1)[a-z]{2}(-gov)?-[a-z]+-\d\./.test(host) && !/(^|\.)s3\.dualstack\.[a-z]{2}-[a-z]+-\d\./.test(host);
}

function regions(s: InstallationSettings): DoctorFinding[] {
  const candidates = [...s.stores, ...(s.ui !== undefined ? [s.ui.s3] : [])];
  const out: DoctorFinding[] = [];
  for (const c of candidates) {
    const endpoint = c.endpoint;
    if (endpoint === undefined || hasPlaceholder(endpoint) || !awsWithoutRegionInHost(endpoint.value)) continue;
    if (c.region !== undefined && c.region.value !== '') continue;
    out.push(
      doctorFinding(
        'installationRegion',
        'warn',
        s.namespace,
        c.object,
        `${c.component} uses the AWS endpoint ${endpoint.value} (${endpoint.from}) but sets no region`,
        `set the bucket's region: ${regionSetting(c)}`,
      ),
    );
  }
  return out;
}

function regionSetting(c: ComponentStore): string {
  if (c.component === 'API server') return 'env OBJECTSTORECONFIG_REGION on Deployment ml-pipeline';
  if (c.component === 'Argo') return 'artifactRepository s3.region in workflow-controller-configmap';
  return 'env AWS_REGION on Deployment ml-pipeline-ui';
}

function uiChecks(s: InstallationSettings): DoctorFinding[] {
  if (s.ui === undefined) return [];
  const out: DoctorFinding[] = [];
  const api = s.stores.find((c) => c.component === 'API server');
  const uiMinio = s.ui.minio.endpoint;
  const launcher = s.stores.find((c) => c.component === 'kfp-launcher');
  // The UI's minio reader matters where roots are minio:// (KFP's default without a kfp-launcher root).
  const minioRoots = launcher?.scheme !== 's3';
  if (minioRoots && api?.endpoint !== undefined && uiMinio !== undefined && !hasPlaceholder(api.endpoint) && !hasPlaceholder(uiMinio)) {
    if (endpointKey(api.endpoint.value, s.namespace) !== endpointKey(uiMinio.value, s.namespace))
      out.push(
        doctorFinding(
          'uiStoreSettings',
          'warn',
          s.namespace,
          s.ui.minio.object,
          `the UI reads minio:// artifacts from ${uiMinio.value} (${uiMinio.from}) but the API server stores at ${api.endpoint.value} (${api.endpoint.from})`,
          'set MINIO_HOST, MINIO_NAMESPACE and MINIO_PORT on Deployment ml-pipeline-ui to the API server endpoint',
        ),
      );
  }
  if (launcher?.scheme === 's3' && s.ui.s3.endpoint === undefined && s.ui.s3.region === undefined)
    out.push(
      doctorFinding(
        'uiStoreSettings',
        'warn',
        s.namespace,
        s.ui.s3.object,
        'the installation uses s3:// roots but ml-pipeline-ui has no AWS_S3_ENDPOINT or AWS_REGION: previews fall back to s3.amazonaws.com in us-east-1',
        'set AWS_S3_ENDPOINT and AWS_REGION (and AWS_SSL) on Deployment ml-pipeline-ui',
      ),
    );
  return out;
}
