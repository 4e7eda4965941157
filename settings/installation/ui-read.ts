// What `doctor --installation --probe` reads, per profile namespace: one artifact of the namespace,
// with the endpoint and credentials KFP's UI server would use on this release (frontend/server/
// configs.ts, handlers/artifacts.ts, minio-helper.ts at the tag). Either the namespace's own session
// (providerInfo, honoured 2.3-2.16 and by the proxy) or the UI's own MINIO_* / AWS_* settings. Credentials
// are references (a Secret key, or a literal of the Deployment's env); the edge resolves and never prints them.
import type { SnapshotIndex } from '../cluster/snapshot.ts';
import { namespaceView } from '../inspect/namespace-view.ts';
import { parsePipelineRoot } from '../kfp/pipeline-root.ts';
import type { StoreSession } from '../kfp/session.ts';
import type { EnvValue } from './env.ts';
import type { InstallationSettings } from './settings.ts';
import { profileUiPaths, uiRulesOf } from './ui-paths.ts';

export type CredentialRef =
  | { kind: 'secret'; namespace: string; name: string; key: string }
  | { kind: 'value'; value: string; from: string }
  /** The UI would use the AWS SDK's default chain (instance profile, IRSA): not reproducible from outside. */
  | { kind: 'chain'; from: string };

export interface UiRead {
  namespace: string;
  /** Whose settings the UI reads with, for messages. */
  via: string;
  bucket: string;
  prefix: string;
  host: string;
  port?: number;
  useSSL: boolean;
  region: string;
  accessKey: CredentialRef;
  secretKey: CredentialRef;
  /** What to change when the read fails. */
  fix: string;
}

export type UiReadPlan = { ok: true; read: UiRead } | { ok: false; namespace: string; why: string };

export function uiReads(index: SnapshotIndex, s: InstallationSettings): UiReadPlan[] {
  const ui = s.ui;
  if (ui === undefined) return [];
  const out: UiReadPlan[] = [];
  for (const p of profileUiPaths(index, s)) {
    out.push(readPlan(index, s, p.namespace, p.session, p.readsWithSession ? p.secret : undefined));
  }
  // Standalone (not multi-user): the UI asks for no namespace, so its own counts as the request's and
  // providerInfo is honoured on every release that has it (artifacts.ts allowProviderSecrets).
  if (!ui.access.multiUser) {
    const view = namespaceView(index, s.namespace);
    const session = view.session.ok ? view.session.value : undefined;
    if (session !== undefined && session.provider !== 'gs') {
      const secret = session.params.fromEnv === 'false' && uiRulesOf(index).providerInfo ? session.params.secretName : undefined;
      out.push(readPlan(index, s, s.namespace, session, secret));
    }
  }
  return out;
}

/** The read for one namespace: with its session and Secret when the UI honours it, else with the UI's own settings. */
function readPlan(
  index: SnapshotIndex,
  s: InstallationSettings,
  namespace: string,
  session: StoreSession,
  sessionSecret: string | undefined,
): UiReadPlan {
  const env = s.ui?.access.env ?? new Map<string, EnvValue>();
  const root = parsePipelineRoot(namespaceView(index, namespace).pipelineRoot.value);
  if (!root.ok) return { ok: false, namespace, why: `its pipeline root cannot be read (${root.error})` };
  const place = { namespace, bucket: root.value.bucket, prefix: root.value.prefix };
  if (sessionSecret !== undefined && sessionSecret !== '') {
    const conn = withSession(session, namespace, sessionSecret);
    if ('why' in conn) return { ok: false, namespace, why: conn.why };
    return { ok: true, read: { ...place, ...conn, fix: `check Secret ${sessionSecret} in ${namespace} and kfp-launcher's endpoint` } };
  }
  const own = session.provider === 'minio' ? ownMinio(env, s) : ownS3(env, s.namespace);
  if ('why' in own) return { ok: false, namespace, why: own.why };
  return {
    ok: true,
    read: {
      ...place,
      ...own,
      fix:
        namespace === s.namespace
          ? `point ml-pipeline-ui's ${session.provider === 'minio' ? 'MINIO_*' : 'AWS_*'} settings and credentials at the store`
          : `give ml-pipeline-ui credentials for ${namespace}'s store, ` +
            `or set ARTIFACTS_PROXY_ENABLED "true" so that the namespace's proxy reads with its own Secret`,
    },
  };
}

type Connection = Omit<UiRead, 'namespace' | 'bucket' | 'prefix' | 'fix'>;

// minio-helper.ts parseS3ProviderInfo: host and port of the endpoint (https:// assumed when it has no
// scheme, only for parsing); useSSL from disableSSL, else minio-js's default (TLS).
function withSession(session: StoreSession, namespace: string, secret: string): Connection | { why: string } {
  const p = session.params;
  const raw = p.endpoint ?? 's3.amazonaws.com';
  // WHATWG URL, as the UI parses it: what it cannot parse, the UI cannot read from either.
  const withScheme = raw.startsWith('http') ? raw : `https://${raw}`;
  if (!URL.canParse(withScheme))
    return { why: `the UI cannot parse ${namespace}'s endpoint ${JSON.stringify(raw)} (new URL throws): fix it in kfp-launcher` };
  const url = new URL(withScheme);
  const ref = (key: string | undefined): CredentialRef => ({ kind: 'secret', namespace, name: secret, key: key ?? '' });
  return {
    via: `${namespace}'s store session (Secret ${secret})`,
    host: url.hostname,
    ...(url.port !== '' ? { port: Number(url.port) } : {}),
    useSSL: p.disableSSL === undefined ? true : p.disableSSL.toLowerCase() !== 'true',
    region: p.region ?? 'us-east-1',
    accessKey: ref(p.accessKeyKey),
    secretKey: ref(p.secretKeyKey),
  };
}

// configs.ts: MINIO_HOST.MINIO_NAMESPACE:MINIO_PORT, MINIO_SSL (default false), MINIO_ACCESS_KEY and
// MINIO_SECRET_KEY (defaults minio, minio123). The endpoint, with the release's default host, is
// the one installationSettings read.
function ownMinio(env: Map<string, EnvValue>, s: InstallationSettings): Connection | { why: string } {
  const value = (name: string, fallback: string): string => {
    const v = env.get(name);
    return v?.kind === 'value' ? v.value : fallback;
  };
  const endpoint = s.ui?.minio.endpoint?.value ?? 'seaweedfs.kubeflow:9000';
  const at = endpoint.lastIndexOf(':');
  const port = Number(endpoint.slice(at + 1));
  if (at < 0 || !Number.isInteger(port) || port < 1 || port > 65535)
    return { why: `ml-pipeline-ui's MINIO_PORT in ${JSON.stringify(endpoint)} is not a port number` };
  return {
    via: "ml-pipeline-ui's own MINIO_* settings",
    host: endpoint.slice(0, at),
    port,
    useSSL: value('MINIO_SSL', 'false').toLowerCase() === 'true',
    region: 'us-east-1',
    accessKey: credential(env, 'MINIO_ACCESS_KEY', s.namespace, 'minio'),
    secretKey: credential(env, 'MINIO_SECRET_KEY', s.namespace, 'minio123'),
  };
}

// configs.ts: AWS_S3_ENDPOINT (default s3.amazonaws.com), AWS_REGION (us-east-1), AWS_SSL (true), AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY
// or, without them, the AWS SDK's default chain.
function ownS3(env: Map<string, EnvValue>, installNs: string): Connection | { why: string } {
  const value = (name: string): string | undefined => {
    const v = env.get(name);
    return v?.kind === 'value' ? v.value : undefined;
  };
  const access = credential(env, 'AWS_ACCESS_KEY_ID', installNs, undefined);
  const secret = credential(env, 'AWS_SECRET_ACCESS_KEY', installNs, undefined);
  if (access.kind === 'chain' || secret.kind === 'chain')
    return {
      why:
        'ml-pipeline-ui has no AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY: ' +
        "it would use the AWS SDK's default chain (instance profile, IRSA), which doctor cannot reproduce",
    };
  return {
    via: "ml-pipeline-ui's own AWS_* settings",
    host: value('AWS_S3_ENDPOINT') ?? 's3.amazonaws.com',
    useSSL: (value('AWS_SSL') ?? 'true').toLowerCase() === 'true',
    region: value('AWS_REGION') ?? 'us-east-1',
    accessKey: access,
    secretKey: secret,
  };
}

function credential(env: Map<string, EnvValue>, name: string, installNs: string, fallback: string | undefined): CredentialRef {
  const v = env.get(name);
  if (v?.kind === 'secret') return { kind: 'secret', namespace: installNs, name: v.secret, key: v.key };
  if (v?.kind === 'value') return { kind: 'value', value: v.value, from: v.from };
  return fallback === undefined
    ? { kind: 'chain', from: `${name} unset` }
    : { kind: 'value', value: fallback, from: `${name} unset (UI default)` };
}
