// The install manifests as kubectl renders them: every overlay renders, every object is valid
// Kubernetes (schema, and no field the API would drop), pods meet the restricted Pod Security
// Standard, the webhook configurations are scoped and wired to the Service, RBAC is exactly
// what deploy/README.md says, and the policy ConfigMap loads with the webhook's own loader.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import { MutatingWebhookConfiguration } from 'kubernetes-models/admissionregistration.k8s.io/v1/MutatingWebhookConfiguration';
import { ValidatingAdmissionPolicy } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy';
import { ValidatingAdmissionPolicyBinding } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding';
import { ValidatingWebhookConfiguration } from 'kubernetes-models/admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { CronJob } from 'kubernetes-models/batch/v1/CronJob';
import { Job } from 'kubernetes-models/batch/v1/Job';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { ClusterRole } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRole';
import { ClusterRoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/ClusterRoleBinding';
import { Role } from 'kubernetes-models/rbac.authorization.k8s.io/v1/Role';
import { RoleBinding } from 'kubernetes-models/rbac.authorization.k8s.io/v1/RoleBinding';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import type { IPodSpec } from 'kubernetes-models/v1/PodSpec';
import type { IPodTemplateSpec } from 'kubernetes-models/v1/PodTemplateSpec';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceAccount } from 'kubernetes-models/v1/ServiceAccount';
import { parse as parseYaml } from 'yaml';
import { loadPolicy } from '../../settings/policy/load.ts';
import { podMatchConditions, selectorExpression } from '../../settings/policy/pod-conditions.ts';
import type { StorePolicy } from '../../settings/policy/schema.ts';
import { parseConfig } from '../../webhook/config.ts';
import { OVERLAYS, REPO, find, imageEntry, ofKind, parseObjects, render, renderWithComponents, renderWithImage } from './render.ts';
import type { KubeObject } from './render.ts';

const NAMESPACE = 'kfstore-system';
const VERSION = (JSON.parse(readFileSync(join(REPO, 'package.json'), 'utf8')) as { version: string }).version;

// Rendered once per target; each describe below reads from here. `secret-warnings` is the opt-in
// component on top of self-managed, as a user's own kustomization would add it.
const SECRET_WARNINGS = 'deploy/components/secret-warnings';
const TARGETS = {
  base: 'deploy/base',
  'cert-manager': 'deploy/overlays/cert-manager',
  'self-managed': 'deploy/overlays/self-managed',
  'secret-warnings': SECRET_WARNINGS,
} as const;
type Target = keyof typeof TARGETS;
const rendered = new Map<Target, KubeObject[]>();
function objects(target: Target): KubeObject[] {
  const objs =
    rendered.get(target) ??
    (target === 'secret-warnings' ? renderWithComponents('self-managed', [SECRET_WARNINGS]) : render(TARGETS[target]));
  rendered.set(target, objs);
  return objs;
}

// --- schema ---------------------------------------------------------------------------------

interface Validatable {
  validate(): void;
}
type ModelClass<T> = new (data: never) => T & Validatable;

/** A kubernetes-models instance of a rendered object, schema-checked (types, enums, required). */
function model<T>(cls: ModelClass<T>, obj: KubeObject): T {
  const m = new cls(obj as never);
  m.validate();
  return m;
}

// Built-in kinds: the kubernetes-models class, and the @kubernetes/client-node model name used
// to find fields the API server would silently drop (a typo such as `readOnlyRootFileSystem`
// passes the schema check, because the schemas allow unknown properties).
const BUILTIN: Record<string, { cls: ModelClass<unknown>; type: string }> = {
  'v1/Namespace': { cls: Namespace, type: 'V1Namespace' },
  'v1/ServiceAccount': { cls: ServiceAccount, type: 'V1ServiceAccount' },
  'v1/ConfigMap': { cls: ConfigMap, type: 'V1ConfigMap' },
  'v1/Service': { cls: Service, type: 'V1Service' },
  'apps/v1/Deployment': { cls: Deployment, type: 'V1Deployment' },
  'batch/v1/Job': { cls: Job, type: 'V1Job' },
  'batch/v1/CronJob': { cls: CronJob, type: 'V1CronJob' },
  'policy/v1/PodDisruptionBudget': { cls: PodDisruptionBudget, type: 'V1PodDisruptionBudget' },
  'networking.k8s.io/v1/NetworkPolicy': { cls: NetworkPolicy, type: 'V1NetworkPolicy' },
  'rbac.authorization.k8s.io/v1/ClusterRole': { cls: ClusterRole, type: 'V1ClusterRole' },
  'rbac.authorization.k8s.io/v1/ClusterRoleBinding': { cls: ClusterRoleBinding, type: 'V1ClusterRoleBinding' },
  'rbac.authorization.k8s.io/v1/Role': { cls: Role, type: 'V1Role' },
  'rbac.authorization.k8s.io/v1/RoleBinding': { cls: RoleBinding, type: 'V1RoleBinding' },
  'admissionregistration.k8s.io/v1/MutatingWebhookConfiguration': {
    cls: MutatingWebhookConfiguration,
    type: 'V1MutatingWebhookConfiguration',
  },
  'admissionregistration.k8s.io/v1/ValidatingWebhookConfiguration': {
    cls: ValidatingWebhookConfiguration,
    type: 'V1ValidatingWebhookConfiguration',
  },
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicy': { cls: ValidatingAdmissionPolicy, type: 'V1ValidatingAdmissionPolicy' },
  'admissionregistration.k8s.io/v1/ValidatingAdmissionPolicyBinding': {
    cls: ValidatingAdmissionPolicyBinding,
    type: 'V1ValidatingAdmissionPolicyBinding',
  },
};

/** Paths present in `original` but missing after a round trip through the typed client models. */
function droppedFields(original: unknown, roundTrip: unknown, path = ''): string[] {
  if (Array.isArray(original)) {
    const other: unknown[] = Array.isArray(roundTrip) ? roundTrip : [];
    return original.flatMap((v, i) => droppedFields(v, other[i], `${path}[${i}]`));
  }
  if (typeof original !== 'object' || original === null) return [];
  const other = (typeof roundTrip === 'object' && roundTrip !== null ? roundTrip : {}) as Record<string, unknown>;
  return Object.entries(original).flatMap(([k, v]) => (k in other ? droppedFields(v, other[k], `${path}.${k}`) : [`${path}.${k}`]));
}

function unknownFields(obj: KubeObject, type: string): string[] {
  const typed: unknown = ObjectSerializer.deserialize(structuredClone(obj), type, '');
  const back: unknown = ObjectSerializer.serialize(typed, type, '');
  return droppedFields(obj, back);
}

// cert-manager has no model here: its v1 fields that these manifests may use, and their values.
const GO_DURATION = /^(?:\d+h)?(?:\d+m)?(?:\d+s)?$/;
function hours(duration: string): number {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(duration);
  assert.ok(m !== null && duration !== '', `'${duration}' is not a Go duration`);
  return Number(m[1] ?? 0) + Number(m[2] ?? 0) / 60 + Number(m[3] ?? 0) / 3600;
}
const CERT_MANAGER_FIELDS: Record<string, string[]> = {
  Issuer: ['selfSigned', 'ca'],
  Certificate: ['secretName', 'commonName', 'dnsNames', 'duration', 'renewBefore', 'isCA', 'privateKey', 'usages', 'issuerRef'],
};
const KEY_USAGES = new Set([
  'signing',
  'digital signature',
  'content commitment',
  'key encipherment',
  'key agreement',
  'data encipherment',
  'cert sign',
  'crl sign',
  'encipher only',
  'decipher only',
  'any',
  'server auth',
  'client auth',
  'code signing',
  'email protection',
  's/mime',
  'ipsec end system',
  'ipsec tunnel',
  'ipsec user',
  'timestamping',
  'ocsp signing',
  'microsoft sgc',
  'netscape sgc',
]);

interface CertificateSpec {
  secretName: string;
  commonName?: string;
  dnsNames?: string[];
  duration?: string;
  renewBefore?: string;
  isCA?: boolean;
  privateKey?: { algorithm?: string; size?: number; rotationPolicy?: string };
  usages?: string[];
  issuerRef: { name: string; kind?: string; group?: string };
}
interface IssuerSpec {
  selfSigned?: Record<string, never>;
  ca?: { secretName: string };
}

function checkCertManager(obj: KubeObject): void {
  assert.equal(obj.apiVersion, 'cert-manager.io/v1');
  assert.equal(obj.metadata.namespace, NAMESPACE, `${obj.kind} ${obj.metadata.name}: namespace`);
  const allowed = CERT_MANAGER_FIELDS[obj.kind];
  assert.ok(allowed !== undefined, `unexpected cert-manager kind ${obj.kind}`);
  assert.deepEqual(Object.keys(obj).sort(), ['apiVersion', 'kind', 'metadata', 'spec']);
  const spec = obj.spec as Record<string, unknown>;
  for (const k of Object.keys(spec)) assert.ok(allowed.includes(k), `${obj.kind} ${obj.metadata.name}: unknown field spec.${k}`);
  if (obj.kind === 'Issuer') {
    assert.equal(Object.keys(spec).length, 1, `Issuer ${obj.metadata.name}: exactly one issuer type`);
    return;
  }
  const c = spec as unknown as CertificateSpec;
  assert.match(c.secretName, /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/);
  for (const d of [c.duration, c.renewBefore]) if (d !== undefined) assert.match(d, GO_DURATION);
  if (c.duration !== undefined && c.renewBefore !== undefined)
    assert.ok(hours(c.renewBefore) < hours(c.duration), `${obj.metadata.name}: renewBefore must be shorter than duration`);
  assert.deepEqual(
    Object.keys(c.privateKey ?? {}).filter((k) => !['algorithm', 'size', 'rotationPolicy', 'encoding'].includes(k)),
    [],
  );
  if (c.privateKey?.algorithm === 'ECDSA') assert.ok([256, 384, 521].includes(c.privateKey.size ?? 256), 'ECDSA key size');
  for (const u of c.usages ?? []) assert.ok(KEY_USAGES.has(u), `unknown key usage '${u}'`);
  assert.deepEqual(Object.keys(c.issuerRef).sort(), ['group', 'kind', 'name']);
  assert.equal(c.issuerRef.group, 'cert-manager.io');
}

// --- pods -----------------------------------------------------------------------------------

interface Template {
  owner: string;
  template: IPodTemplateSpec;
  spec: IPodSpec;
}

function podTemplates(objs: KubeObject[]): Template[] {
  const out: Template[] = [];
  const add = (owner: string, template: IPodTemplateSpec | undefined): void => {
    assert.ok(template?.spec !== undefined, `${owner} has no pod template`);
    out.push({ owner, template, spec: template.spec });
  };
  for (const o of objs) {
    if (o.kind === 'Deployment') add(`Deployment/${o.metadata.name}`, model(Deployment, o).spec?.template);
    if (o.kind === 'Job') add(`Job/${o.metadata.name}`, model(Job, o).spec?.template);
    if (o.kind === 'CronJob') add(`CronJob/${o.metadata.name}`, model(CronJob, o).spec?.jobTemplate.spec?.template);
  }
  return out;
}

/** The restricted Pod Security Standard (v1.32), plus this project's read-only root filesystem and uid. */
function restrictedViolations({ owner, spec }: Template): string[] {
  const v: string[] = [];
  const pod = spec.securityContext ?? {};
  if (spec.hostNetwork === true || spec.hostPID === true || spec.hostIPC === true) v.push('host namespaces');
  for (const vol of spec.volumes ?? []) {
    const types = Object.keys(vol).filter((k) => k !== 'name');
    const allowed = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];
    for (const t of types) if (!allowed.includes(t)) v.push(`volume ${vol.name} is ${t}`);
  }
  for (const s of pod.sysctls ?? []) v.push(`sysctl ${s.name}`);
  for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
    const sc = c.securityContext ?? {};
    const at = `container ${c.name}`;
    if (sc.privileged === true) v.push(`${at}: privileged`);
    if (sc.allowPrivilegeEscalation !== false) v.push(`${at}: allowPrivilegeEscalation is not false`);
    if (!(sc.capabilities?.drop ?? []).includes('ALL')) v.push(`${at}: capabilities do not drop ALL`);
    for (const cap of sc.capabilities?.add ?? []) if (cap !== 'NET_BIND_SERVICE') v.push(`${at}: adds ${cap}`);
    if ((sc.runAsNonRoot ?? pod.runAsNonRoot) !== true) v.push(`${at}: runAsNonRoot is not true`);
    if ((sc.runAsUser ?? pod.runAsUser) !== 65532) v.push(`${at}: runAsUser is not 65532`);
    if ((sc.seccompProfile ?? pod.seccompProfile)?.type !== 'RuntimeDefault') v.push(`${at}: seccomp is not RuntimeDefault`);
    if (sc.readOnlyRootFilesystem !== true) v.push(`${at}: root filesystem is writable`);
    if (sc.procMount !== undefined && sc.procMount !== 'Default') v.push(`${at}: procMount`);
    for (const p of c.ports ?? []) if (p.hostPort !== undefined) v.push(`${at}: hostPort ${p.hostPort}`);
  }
  return v.map((x) => `${owner}: ${x}`);
}

function container(t: Template, name: string): NonNullable<IPodSpec['containers']>[number] {
  const c = t.spec.containers.find((x) => x.name === name);
  assert.ok(c !== undefined, `${t.owner} has no container ${name}`);
  return c;
}

function envOf(c: { env?: { name: string; value?: string }[] }): Record<string, string> {
  return Object.fromEntries((c.env ?? []).map((e) => [e.name, e.value ?? '']));
}

function webhookTemplate(objs: KubeObject[]): Template {
  const t = podTemplates(objs).find((x) => x.owner === 'Deployment/kfstore-webhook');
  assert.ok(t !== undefined, 'no Deployment kfstore-webhook');
  return t;
}

// --- tests ----------------------------------------------------------------------------------

describe('deploy: every kustomization renders valid Kubernetes objects', () => {
  for (const target of Object.keys(TARGETS) as Target[]) {
    it(`${target}: every object passes its schema and has no field the API would drop`, () => {
      const objs = objects(target);
      assert.ok(objs.length >= 9, `${target} rendered only ${objs.length} objects`);
      for (const o of objs) {
        const what = `${target}: ${o.kind} ${o.metadata.name}`;
        if (o.apiVersion.startsWith('cert-manager.io/')) {
          checkCertManager(o);
          continue;
        }
        const entry = BUILTIN[`${o.apiVersion}/${o.kind}`];
        assert.ok(entry !== undefined, `${what}: no schema for ${o.apiVersion} ${o.kind}`);
        assert.doesNotThrow(() => model(entry.cls, o), what);
        assert.deepEqual(unknownFields(o, entry.type), [], `${what}: fields unknown to Kubernetes`);
      }
    });

    it(`${target}: namespaced objects live in ${NAMESPACE}, and names are unique`, () => {
      const clusterScoped = new Set([
        'Namespace',
        'ClusterRole',
        'ClusterRoleBinding',
        'MutatingWebhookConfiguration',
        'ValidatingWebhookConfiguration',
        'ValidatingAdmissionPolicy',
        'ValidatingAdmissionPolicyBinding',
      ]);
      for (const o of objects(target)) {
        assert.equal(o.metadata.namespace, clusterScoped.has(o.kind) ? undefined : NAMESPACE, `${o.kind} ${o.metadata.name}`);
      }
      const keys = objects(target).map((o) => `${o.kind}/${o.metadata.name}`);
      assert.equal(new Set(keys).size, keys.length);
    });
  }

  it('the schema and unknown-field checks do catch mistakes', () => {
    const good = find(objects('base'), 'Deployment', 'kfstore-webhook');
    const typo = structuredClone(good) as KubeObject & { spec: { template: { spec: { containers: Record<string, unknown>[] } } } };
    const c = typo.spec.template.spec.containers[0] as Record<string, unknown> & { securityContext: Record<string, unknown> };
    c.securityContext.readOnlyRootFileSystem = true;
    assert.deepEqual(unknownFields(typo, 'V1Deployment'), ['.spec.template.spec.containers[0].securityContext.readOnlyRootFileSystem']);
    const wrongType = structuredClone(good) as KubeObject & { spec: Record<string, unknown> };
    wrongType.spec.replicas = 'two';
    assert.throws(() => model(Deployment, wrongType), /replicas/);
  });
});

describe('deploy: pods meet the restricted Pod Security Standard', () => {
  it('the namespace enforces restricted', () => {
    for (const target of Object.keys(TARGETS) as Target[]) {
      const ns = find(objects(target), 'Namespace', NAMESPACE);
      assert.equal(ns.metadata.labels?.['pod-security.kubernetes.io/enforce'], 'restricted');
    }
  });

  for (const overlay of OVERLAYS) {
    it(`${overlay}: every pod template (Deployment, Job, CronJob) is restricted, read-only and runs as 65532`, () => {
      const templates = podTemplates(objects(overlay));
      assert.deepEqual(
        templates.map((t) => t.owner).sort(),
        overlay === 'self-managed'
          ? ['CronJob/kfstore-certs-rotate', 'Deployment/kfstore-webhook', 'Job/kfstore-certs-install']
          : ['Deployment/kfstore-webhook'],
      );
      for (const t of templates) assert.deepEqual(restrictedViolations(t), []);
    });
  }

  it('the check reports what restricted forbids', () => {
    const t = webhookTemplate(objects('base'));
    const bad: Template = structuredClone(t);
    bad.spec.hostNetwork = true;
    bad.spec.volumes = [...(bad.spec.volumes ?? []), { name: 'host', hostPath: { path: '/' } }];
    const c = bad.spec.containers[0];
    assert.ok(c !== undefined);
    c.securityContext = { ...c.securityContext, privileged: true, allowPrivilegeEscalation: true, capabilities: { add: ['SYS_ADMIN'] } };
    assert.deepEqual(restrictedViolations(bad), [
      'Deployment/kfstore-webhook: host namespaces',
      'Deployment/kfstore-webhook: volume host is hostPath',
      'Deployment/kfstore-webhook: container webhook: privileged',
      'Deployment/kfstore-webhook: container webhook: allowPrivilegeEscalation is not false',
      'Deployment/kfstore-webhook: container webhook: capabilities do not drop ALL',
      'Deployment/kfstore-webhook: container webhook: adds SYS_ADMIN',
    ]);
  });

  it('every container runs this release of the kfstore image, and every program it names is in the image', () => {
    const dockerfile = readFileSync(join(REPO, 'Dockerfile'), 'utf8');
    const runtime = dockerfile.slice(dockerfile.lastIndexOf('\nFROM '));
    assert.match(runtime, /^\nFROM gcr\.io\/distroless\/nodejs24-debian12:nonroot$/m);
    assert.match(runtime, /^USER 65532:65532$/m);
    assert.match(runtime, /^ENTRYPOINT \["\/nodejs\/bin\/node"\]$/m);
    assert.match(runtime, /^CMD \["\/app\/kfstore-webhook\.js"\]$/m);
    for (const overlay of OVERLAYS) {
      for (const t of podTemplates(objects(overlay))) {
        for (const c of t.spec.containers) {
          assert.equal(c.image, `kfstore:${VERSION}`, `${overlay} ${t.owner}`);
          const program = c.args?.[0] ?? '';
          assert.match(program, /^\/app\/[a-z-]+\.js$/, `${t.owner}: args[0] names the program`);
          assert.ok(runtime.includes(`/src/dist/${program.slice('/app/'.length)}`), `${t.owner}: the Dockerfile does not copy ${program}`);
        }
      }
    }
  });

  it('an image override reaches every container (the e2e test and users rely on it)', () => {
    assert.deepEqual(imageEntry('localhost:5000/kfstore:e2e'), { name: 'kfstore', newName: 'localhost:5000/kfstore', newTag: 'e2e' });
    assert.deepEqual(imageEntry('kfstore@sha256:abc'), { name: 'kfstore', newName: 'kfstore', digest: 'sha256:abc' });
    assert.deepEqual(imageEntry('localhost:5000/kfstore'), { name: 'kfstore', newName: 'localhost:5000/kfstore' });
    for (const overlay of OVERLAYS) {
      const images = podTemplates(parseObjects(renderWithImage(overlay, 'registry.example:5000/kfstore:e2e'))).flatMap((t) =>
        t.spec.containers.map((c) => c.image),
      );
      assert.ok(images.length > 0);
      assert.deepEqual([...new Set(images)], ['registry.example:5000/kfstore:e2e'], overlay);
    }
  });
});

describe('deploy: the webhook Deployment', () => {
  const t = (): Template => webhookTemplate(objects('base'));

  it('its environment is accepted by the webhook and points into its own mounts', () => {
    const c = container(t(), 'webhook');
    const env = envOf(c);
    const parsed = parseConfig([], env);
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.help ? 'help' : parsed.error);
    const cfg = parsed.config;
    assert.deepEqual(cfg.cluster, { kind: 'none' }, 'no API access unless components/secret-warnings is added');
    assert.equal(cfg.port, 8443);
    assert.equal(cfg.metricsPort, 9090);
    assert.equal(cfg.shutdownDelaySeconds, 5);
    const mounts = new Map((c.volumeMounts ?? []).map((m) => [m.name, m]));
    assert.equal(cfg.policy, `${mounts.get('policy')?.mountPath ?? '?'}/policy.yaml`);
    assert.equal(cfg.tlsCert, `${mounts.get('tls')?.mountPath ?? '?'}/tls.crt`);
    assert.equal(cfg.tlsKey, `${mounts.get('tls')?.mountPath ?? '?'}/tls.key`);
    for (const m of c.volumeMounts ?? []) {
      assert.equal(m.readOnly, true, `${m.name} is mounted read-only`);
      // subPath mounts never see Secret/ConfigMap updates; certificate rotation relies on them.
      assert.equal(m.subPath, undefined);
    }
    // The container ports the probes and the Service name are the ones the webhook listens on.
    assert.deepEqual(
      (c.ports ?? []).map((p) => [p.name, p.containerPort]),
      [
        ['https', cfg.port],
        ['metrics', cfg.metricsPort],
      ],
    );
  });

  it('mounts only the serving pair of the TLS Secret, not the CA key', () => {
    const tls = t().spec.volumes?.find((v) => v.name === 'tls');
    assert.deepEqual(tls?.secret?.items, [
      { key: 'tls.crt', path: 'tls.crt' },
      { key: 'tls.key', path: 'tls.key' },
    ]);
    assert.equal(tls?.secret?.defaultMode, 0o440);
    assert.equal(t().spec.securityContext?.fsGroup, 65532, 'group-readable key needs the fsGroup');
  });

  it('is highly available: 2 replicas on different nodes, surge-only rollout, a PDB, and a drain longer than the shutdown delay', () => {
    const objs = objects('base');
    const d = model(Deployment, find(objs, 'Deployment', 'kfstore-webhook'));
    assert.equal(d.spec?.replicas, 2);
    assert.deepEqual(d.spec?.strategy?.rollingUpdate, { maxSurge: 1, maxUnavailable: 0 });
    const spread = t().spec.topologySpreadConstraints?.find((s) => s.topologyKey === 'kubernetes.io/hostname');
    assert.equal(spread?.whenUnsatisfiable, 'DoNotSchedule');
    assert.equal(spread?.maxSkew, 1);
    assert.deepEqual(spread?.labelSelector?.matchLabels, d.spec?.selector.matchLabels);
    const pdb = model(PodDisruptionBudget, find(objs, 'PodDisruptionBudget', 'kfstore-webhook'));
    assert.equal(pdb.spec?.minAvailable, 1);
    assert.deepEqual(pdb.spec?.selector?.matchLabels, d.spec?.selector.matchLabels);
    const delay = Number(envOf(container(t(), 'webhook')).KFSTORE_SHUTDOWN_DELAY);
    const timeouts = webhooks(objs).map((w) => w.timeoutSeconds ?? 10);
    assert.ok(
      (t().spec.terminationGracePeriodSeconds ?? 30) > delay + Math.max(...timeouts),
      'grace period covers the drain plus one in-flight review',
    );
    assert.equal(t().spec.automountServiceAccountToken, false, 'no cluster mode, no token');
  });

  it('probes: readiness /readyz, liveness and startup /healthz, over HTTPS on the webhook port', () => {
    const c = container(t(), 'webhook');
    const probe = (p: typeof c.readinessProbe): [string | undefined, unknown, string | undefined] => [
      p?.httpGet?.path,
      p?.httpGet?.port,
      p?.httpGet?.scheme,
    ];
    assert.deepEqual(probe(c.readinessProbe), ['/readyz', 'https', 'HTTPS']);
    assert.deepEqual(probe(c.livenessProbe), ['/healthz', 'https', 'HTTPS']);
    assert.deepEqual(probe(c.startupProbe), ['/healthz', 'https', 'HTTPS']);
    for (const kind of ['requests', 'limits'] as const) {
      assert.ok(c.resources?.[kind]?.cpu !== undefined && c.resources[kind].memory !== undefined, `resources.${kind}`);
    }
  });

  it('the Service and NetworkPolicy select the webhook pods and name its ports', () => {
    const objs = objects('base');
    const labels = t().template.metadata?.labels ?? {};
    const svc = model(Service, find(objs, 'Service', 'kfstore-webhook'));
    for (const [k, v] of Object.entries(svc.spec?.selector ?? {})) assert.equal(labels[k], v);
    assert.deepEqual(
      svc.spec?.ports?.map((p) => [p.name, p.port, p.targetPort]),
      [
        ['https', 443, 'https'],
        ['metrics', 9090, 'metrics'],
      ],
    );
    const np = model(NetworkPolicy, find(objs, 'NetworkPolicy', 'kfstore-webhook'));
    for (const [k, v] of Object.entries(np.spec?.podSelector.matchLabels ?? {})) assert.equal(labels[k], v);
    const [webhookRule, metricsRule] = np.spec?.ingress ?? [];
    // Admission calls: from anywhere (kube-apiserver has no selectable address), port 8443 only.
    assert.equal(webhookRule?.from, undefined);
    assert.deepEqual(webhookRule?.ports, [{ port: 'https', protocol: 'TCP' }]);
    // Metrics: only from namespaces that opt in.
    assert.deepEqual(metricsRule?.from, [{ namespaceSelector: { matchLabels: { 'kfstore.dev/metrics-scraper': 'true' } } }]);
    assert.deepEqual(metricsRule?.ports, [{ port: 'metrics', protocol: 'TCP' }]);
    assert.equal(np.spec?.ingress?.length, 2);
  });

  it('the policy ConfigMap it mounts loads with the webhook loader and matches deploy/examples/policy.yaml', () => {
    const objs = objects('base');
    const name = t().spec.volumes?.find((v) => v.name === 'policy')?.configMap?.name ?? '';
    assert.match(name, /^kfstore-policy-[a-z0-9]{10}$/, 'hash-suffixed, so a policy change rolls the pods');
    const cm = model(ConfigMap, find(objs, 'ConfigMap', name));
    assert.deepEqual(Object.keys(cm.data ?? {}), ['policy.yaml']);
    const text = cm.data?.['policy.yaml'] ?? '';
    const loaded = loadPolicy(text);
    assert.ok(loaded.ok, loaded.ok ? '' : loaded.errors.join('\n'));
    assert.deepEqual(parseYaml(text), parseYaml(readFileSync(join(REPO, 'deploy/examples/policy.yaml'), 'utf8')));
  });
});

// --- webhook configurations -------------------------------------------------------------------

interface Hook {
  config: string;
  name: string;
  admissionReviewVersions: string[];
  sideEffects: string;
  timeoutSeconds?: number;
  failurePolicy?: string;
  reinvocationPolicy?: string;
  clientConfig: { caBundle?: string; service?: { namespace: string; name: string; path?: string; port?: number } };
  namespaceSelector?: { matchLabels?: Record<string, string>; matchExpressions?: { key: string; operator: string; values?: string[] }[] };
  objectSelector?: unknown;
  rules?: { apiGroups?: string[]; apiVersions?: string[]; operations?: string[]; resources?: string[]; scope?: string }[];
  matchConditions?: { name: string; expression: string }[];
}

function webhooks(objs: KubeObject[]): Hook[] {
  const out: Hook[] = [];
  for (const o of objs) {
    if (o.kind === 'MutatingWebhookConfiguration')
      for (const w of model(MutatingWebhookConfiguration, o).webhooks ?? [])
        out.push({ ...(w as Omit<Hook, 'config'>), config: `${o.kind}/${o.metadata.name}` });
    if (o.kind === 'ValidatingWebhookConfiguration')
      for (const w of model(ValidatingWebhookConfiguration, o).webhooks ?? [])
        out.push({ ...(w as Omit<Hook, 'config'>), config: `${o.kind}/${o.metadata.name}` });
  }
  return out;
}

/** The StorePolicy the base's ConfigMap carries, loaded with the webhook's loader. */
function basePolicy(): StorePolicy {
  const name = webhookTemplate(objects('base')).spec.volumes?.find((v) => v.name === 'policy')?.configMap?.name ?? '';
  const loaded = loadPolicy((find(objects('base'), 'ConfigMap', name).data as Record<string, string>)['policy.yaml'] ?? '');
  assert.ok(loaded.ok, loaded.ok ? '' : loaded.errors.join('\n'));
  return loaded.policy;
}

const LAUNCHER_CONDITIONS = [
  {
    name: 'kfp-launcher-only',
    expression: "request.name == 'kfp-launcher' || (object != null && has(object.metadata.name) && object.metadata.name == 'kfp-launcher')",
  },
  {
    name: 'not-namespace-cleanup',
    expression:
      "request.operation != 'DELETE' || !(request.userInfo.username in ['system:serviceaccount:kube-system:namespace-controller', 'system:serviceaccount:kube-system:generic-garbage-collector'])",
  },
];

describe('deploy: webhook configurations', () => {
  for (const target of Object.keys(TARGETS) as Target[]) {
    it(`${target}: every webhook is scoped to profile namespaces, never kube-system or their own`, () => {
      const hooks = webhooks(objects(target));
      assert.deepEqual(
        hooks.map((h) => `${h.config}: ${h.name}`),
        [
          'MutatingWebhookConfiguration/kfstore-webhook: pods.kfstore.dev',
          'ValidatingWebhookConfiguration/kfstore-webhook: kfp-launcher.kfstore.dev',
          'ValidatingWebhookConfiguration/kfstore-webhook: runs.kfstore.dev',
        ],
      );
      for (const h of hooks) {
        assert.deepEqual(h.namespaceSelector, {
          matchLabels: { 'pipelines.kubeflow.org/enabled': 'true' },
          matchExpressions: [{ key: 'kubernetes.io/metadata.name', operator: 'NotIn', values: ['kube-system', NAMESPACE] }],
        });
        assert.equal(h.objectSelector, undefined);
        assert.deepEqual(h.admissionReviewVersions, ['v1']);
        assert.equal(h.sideEffects, 'None');
        assert.ok(h.timeoutSeconds !== undefined && h.timeoutSeconds <= 10, `${h.name}: timeoutSeconds ${String(h.timeoutSeconds)}`);
        // Deliberate (deploy/README.md, "Failure policies"); the default would hide the choice.
        assert.equal(h.failurePolicy, 'Fail');
      }
    });

    it(`${target}: each webhook calls its own path on the Service port that reaches the webhook`, () => {
      const objs = objects(target);
      const paths: Record<string, string> = {
        'pods.kfstore.dev': '/mutate/pods',
        'kfp-launcher.kfstore.dev': '/validate/kfp-launcher',
        'runs.kfstore.dev': '/validate/workflows',
      };
      const svc = model(Service, find(objs, 'Service', 'kfstore-webhook'));
      const c = container(webhookTemplate(objs), 'webhook');
      for (const h of webhooks(objs)) {
        const ref = h.clientConfig.service;
        assert.deepEqual([ref?.namespace, ref?.name, ref?.path], [NAMESPACE, svc.metadata?.name, paths[h.name]]);
        const port = svc.spec?.ports?.find((p) => p.port === (ref?.port ?? 443));
        const target_ = c.ports?.find((p) => p.name === port?.targetPort);
        assert.equal(
          target_?.containerPort,
          Number(envOf(c).KFSTORE_PORT),
          `${h.name}: Service port ${String(ref?.port)} → container port`,
        );
      }
    });
  }

  it('pods.kfstore.dev: CREATE pods, pipeline pods only, opt-out honoured, reinvoked if needed', () => {
    const h = webhooks(objects('base')).find((x) => x.name === 'pods.kfstore.dev');
    assert.deepEqual(h?.rules, [
      { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE'], resources: ['pods'], scope: 'Namespaced' },
    ]);
    // Exactly what the generator renders for the policy the base ships (settings/policy/pod-conditions.ts).
    assert.deepEqual(h?.matchConditions, podMatchConditions(basePolicy().inject.podSelector));
    assert.deepEqual(
      h?.matchConditions?.map((c) => c.name),
      ['pod-selector', 'not-opted-out'],
    );
    assert.equal(h?.reinvocationPolicy, 'IfNeeded');
  });

  it('kfp-launcher.kfstore.dev: CREATE, UPDATE and DELETE of ConfigMaps named kfp-launcher only, never namespace cleanup', () => {
    const h = webhooks(objects('base')).find((x) => x.name === 'kfp-launcher.kfstore.dev');
    assert.deepEqual(h?.rules, [
      { apiGroups: [''], apiVersions: ['v1'], operations: ['CREATE', 'UPDATE', 'DELETE'], resources: ['configmaps'], scope: 'Namespaced' },
    ]);
    assert.deepEqual(h?.matchConditions, LAUNCHER_CONDITIONS);
  });

  it('runs.kfstore.dev: Workflows on CREATE, ScheduledWorkflows on CREATE and UPDATE', () => {
    const h = webhooks(objects('base')).find((x) => x.name === 'runs.kfstore.dev');
    assert.deepEqual(h?.rules, [
      { apiGroups: ['argoproj.io'], apiVersions: ['*'], operations: ['CREATE'], resources: ['workflows'], scope: 'Namespaced' },
      {
        apiGroups: ['kubeflow.org'],
        apiVersions: ['*'],
        operations: ['CREATE', 'UPDATE'],
        resources: ['scheduledworkflows'],
        scope: 'Namespaced',
      },
    ]);
    assert.equal(h?.matchConditions, undefined);
  });

  it('the policy the webhook serves selects the same pods the matchConditions send it', () => {
    assert.deepEqual(basePolicy().inject.podSelector, { matchLabels: { 'pipelines.kubeflow.org/v2_component': 'true' } });
    const h = webhooks(objects('base')).find((x) => x.name === 'pods.kfstore.dev');
    assert.equal(h?.matchConditions?.[0]?.expression, selectorExpression(basePolicy().inject.podSelector));
  });

  it('base sets no caBundle (an applied "" would wipe the injected one); cert-manager injects it from the Certificate the Deployment serves', () => {
    for (const target of Object.keys(TARGETS) as Target[])
      for (const h of webhooks(objects(target))) assert.equal(h.clientConfig.caBundle, undefined, `${target} ${h.name}`);
    const objs = objects('cert-manager');
    const served = webhookTemplate(objs).spec.volumes?.find((v) => v.name === 'tls')?.secret;
    for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']) {
      const from = find(objs, kind, 'kfstore-webhook').metadata.annotations?.['cert-manager.io/inject-ca-from'] ?? '';
      const [ns, name] = from.split('/');
      assert.equal(ns, NAMESPACE);
      const cert = find(objs, 'Certificate', name ?? '').spec as CertificateSpec;
      assert.equal(cert.secretName, served?.secretName, `${kind}: injects the CA of the certificate the webhook serves`);
    }
    // The volume kept the base's items and mode; only the Secret changed.
    assert.deepEqual(
      served?.items?.map((i) => i.key),
      ['tls.crt', 'tls.key'],
    );
    for (const kind of ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration'])
      assert.equal(find(objects('self-managed'), kind, 'kfstore-webhook').metadata.annotations, undefined);
  });
});

describe('deploy: cert-manager overlay', () => {
  it('a self-signed CA issues a serving certificate for every name of the Service', () => {
    const objs = objects('cert-manager');
    const serving = find(objs, 'Certificate', 'kfstore-webhook').spec as CertificateSpec;
    const svc = 'kfstore-webhook';
    assert.deepEqual(serving.dnsNames, [svc, `${svc}.${NAMESPACE}`, `${svc}.${NAMESPACE}.svc`, `${svc}.${NAMESPACE}.svc.cluster.local`]);
    assert.equal(serving.isCA, undefined);
    assert.deepEqual(serving.usages, ['server auth', 'digital signature']);
    assert.ok(
      serving.duration !== undefined && serving.renewBefore !== undefined && hours(serving.renewBefore) >= 24 * 14,
      'renews weeks before expiry',
    );
    // issuer chain: serving → CA Issuer → CA Certificate (isCA) → self-signed Issuer
    const caIssuer = find(objs, 'Issuer', serving.issuerRef.name).spec as IssuerSpec;
    assert.equal(serving.issuerRef.kind, 'Issuer');
    const ca = ofKind(objs, 'Certificate').find((c) => (c.spec as CertificateSpec).secretName === caIssuer.ca?.secretName);
    assert.ok(ca !== undefined, 'the CA Issuer reads the CA Certificate Secret');
    const caSpec = ca.spec as CertificateSpec;
    assert.equal(caSpec.isCA, true);
    assert.deepEqual(find(objs, 'Issuer', caSpec.issuerRef.name).spec, { selfSigned: {} });
    assert.ok(hours(caSpec.duration ?? '2160h') > hours(serving.duration ?? '2160h'), 'the CA outlives its leaves');
  });
});

// --- RBAC -----------------------------------------------------------------------------------

function rbac(objs: KubeObject[]): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const o of objs) {
    if (o.kind === 'ClusterRole' || o.kind === 'Role') out[`${o.kind}/${o.metadata.name}`] = o.rules;
    if (o.kind === 'ClusterRoleBinding' || o.kind === 'RoleBinding')
      out[`${o.kind}/${o.metadata.name}`] = { roleRef: o.roleRef, subjects: o.subjects };
  }
  return out;
}

const WEBHOOK_RBAC = {
  'ClusterRole/kfstore-webhook': [{ apiGroups: [''], resources: ['secrets'], verbs: ['list', 'watch'] }],
  'ClusterRoleBinding/kfstore-webhook': {
    roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'kfstore-webhook' },
    subjects: [{ kind: 'ServiceAccount', name: 'kfstore-webhook', namespace: NAMESPACE }],
  },
};

describe('deploy: RBAC is exactly what deploy/README.md documents', () => {
  it('base and cert-manager: the webhook has no API access at all', () => {
    assert.deepEqual(rbac(objects('base')), {});
    assert.deepEqual(rbac(objects('cert-manager')), {});
    assert.equal(webhookTemplate(objects('base')).spec.serviceAccountName, 'kfstore-webhook');
  });

  it('components/secret-warnings: the webhook may list and watch Secrets, nothing else, in cluster mode with its token', () => {
    const objs = objects('secret-warnings');
    const { 'ClusterRole/kfstore-webhook': role, 'ClusterRoleBinding/kfstore-webhook': binding } = rbac(objs);
    assert.deepEqual({ 'ClusterRole/kfstore-webhook': role, 'ClusterRoleBinding/kfstore-webhook': binding }, WEBHOOK_RBAC);
    const t = webhookTemplate(objs);
    assert.equal(t.spec.automountServiceAccountToken, true);
    const parsed = parseConfig([], envOf(container(t, 'webhook')));
    assert.ok(parsed.ok, parsed.ok ? '' : parsed.help ? 'help' : parsed.error);
    assert.deepEqual(parsed.config.cluster, { kind: 'in-cluster' });
    // Only the Deployment changed: same pod otherwise.
    const base = webhookTemplate(objects('self-managed'));
    const strip = (x: Template): unknown => ({
      ...x.spec,
      automountServiceAccountToken: undefined,
      containers: x.spec.containers.map((c) => ({ ...c, env: undefined })),
    });
    assert.deepEqual(strip(t), strip(base));
  });

  it('self-managed: the certs tool may write its one Secret and patch the two configurations by name', () => {
    assert.deepEqual(rbac(objects('self-managed')), {
      'Role/kfstore-certs': [
        { apiGroups: [''], resources: ['secrets'], resourceNames: ['kfstore-webhook-tls'], verbs: ['get', 'update'] },
        { apiGroups: [''], resources: ['secrets'], verbs: ['create'] },
      ],
      'RoleBinding/kfstore-certs': {
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: 'kfstore-certs' },
        subjects: [{ kind: 'ServiceAccount', name: 'kfstore-certs', namespace: NAMESPACE }],
      },
      'ClusterRole/kfstore-certs': [
        {
          apiGroups: ['admissionregistration.k8s.io'],
          resources: ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations'],
          resourceNames: ['kfstore-webhook'],
          verbs: ['get', 'patch'],
        },
      ],
      'ClusterRoleBinding/kfstore-certs': {
        roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: 'kfstore-certs' },
        subjects: [{ kind: 'ServiceAccount', name: 'kfstore-certs', namespace: NAMESPACE }],
      },
    });
  });

  it('service account tokens are mounted only where used', () => {
    for (const sa of ofKind(objects('self-managed'), 'ServiceAccount'))
      assert.equal(sa.automountServiceAccountToken, false, sa.metadata.name);
    for (const t of podTemplates(objects('self-managed')))
      assert.equal(t.spec.automountServiceAccountToken, t.owner !== 'Deployment/kfstore-webhook', t.owner);
  });

  it('self-managed: admission policies confine the certs account to the names its Job uses, and nothing else has them', () => {
    const objs = objects('self-managed');
    const policies = ofKind(objs, 'ValidatingAdmissionPolicy');
    assert.deepEqual(
      policies.map((p) => p.metadata.name),
      ['kfstore-certs-cabundle-only', 'kfstore-certs-own-secret'],
    );
    const bindings = ofKind(objs, 'ValidatingAdmissionPolicyBinding').map(
      (b) => b.spec as { policyName: string; validationActions: string[]; matchResources?: unknown },
    );
    assert.deepEqual(
      bindings,
      policies.map((p) => ({ policyName: p.metadata.name, validationActions: ['Deny'] })),
      'each policy bound, denying, everywhere',
    );
    const job = podTemplates(objs).find((t) => t.owner === 'Job/kfstore-certs-install');
    const args = job?.spec.containers[0]?.args ?? [];
    const arg = (flag: string): string => args[args.indexOf(flag) + 1] ?? '';
    const text = JSON.stringify(policies.map((p) => p.spec));
    assert.ok(
      text.includes(`'system:serviceaccount:${NAMESPACE}:${job?.spec.serviceAccountName ?? '?'}'`),
      "matchConditions name the Job's account",
    );
    assert.ok(text.includes(`request.name == '${arg('--mutating')}'`) && arg('--mutating') === arg('--validating'));
    assert.ok(text.includes(`request.name == '${arg('--secret')}'`) && text.includes(`request.namespace == '${arg('--namespace')}'`));
    for (const p of policies) assert.equal((p.spec as { failurePolicy: string }).failurePolicy, 'Fail', p.metadata.name);
    for (const target of ['base', 'cert-manager'] as const)
      assert.deepEqual(ofKind(objects(target), 'ValidatingAdmissionPolicy'), [], target);
  });
});

describe('deploy: self-managed overlay', () => {
  const certs = (): Template[] => podTemplates(objects('self-managed')).filter((t) => t.owner !== 'Deployment/kfstore-webhook');

  it('the install Job and the daily CronJob run the same pod', () => {
    const [cron, job] = certs();
    assert.equal(cron?.owner, 'CronJob/kfstore-certs-rotate');
    assert.equal(job?.owner, 'Job/kfstore-certs-install');
    assert.deepEqual(cron.template, job.template);
    const cronJob = model(CronJob, find(objects('self-managed'), 'CronJob', 'kfstore-certs-rotate'));
    assert.match(cronJob.spec?.schedule ?? '', /^\d+ \d+ \* \* \*$/, 'daily');
    assert.equal(cronJob.spec?.concurrencyPolicy, 'Forbid');
  });

  it('ensure names the Secret the Deployment mounts, the Service, and both webhook configurations', () => {
    const objs = objects('self-managed');
    const [, job] = certs();
    assert.ok(job !== undefined);
    const c = container(job, 'certs');
    assert.equal(job.spec.serviceAccountName, 'kfstore-certs');
    assert.deepEqual(c.args, [
      '/app/kfstore-certs.js',
      'ensure',
      '--namespace',
      NAMESPACE,
      '--secret',
      webhookTemplate(objs).spec.volumes?.find((v) => v.name === 'tls')?.secret?.secretName,
      '--service',
      find(objs, 'Service', 'kfstore-webhook').metadata.name,
      '--mutating',
      find(objs, 'MutatingWebhookConfiguration', 'kfstore-webhook').metadata.name,
      '--validating',
      find(objs, 'ValidatingWebhookConfiguration', 'kfstore-webhook').metadata.name,
      '--in-cluster',
    ]);
    // The Role's resourceNames are the same Secret.
    const role = find(objs, 'Role', 'kfstore-certs').rules as { resourceNames?: string[] }[];
    assert.deepEqual(role[0]?.resourceNames, [c.args?.[5]]);
  });
});
