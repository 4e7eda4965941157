// A namespace's current store as KFP's launcher reaches it: bucket and key prefix of its pipeline
// root, and an S3Target from its session with the values of its own Secret. Shared by the doctor
// probes and migrate --copy-artifacts; values only ever sign requests.
import type { NamespaceView } from '../../settings/inspect/namespace-view.ts';
import { parsePipelineRoot } from '../../settings/kfp/pipeline-root.ts';
import { secretValue } from '../secrets/facts.ts';
import { targetFromSession } from './launcher-connection.ts';
import type { S3Credentials, S3Target } from './launcher-connection.ts';

export type RawSecrets = ReadonlyMap<string, { data?: Record<string, string> | null; stringData?: Record<string, string> | null }>;

export type NamespaceStore =
  | { ok: true; bucket: string; prefix: string; target: S3Target; fromEnv: boolean }
  | { ok: false; reason: string; fix: string };

export function namespaceStore(view: NamespaceView, rawSecrets: RawSecrets): NamespaceStore {
  if (!view.session.ok)
    return { ok: false, reason: 'KFP computes no session for the default root', fix: 'fix the kfp-launcher errors first' };
  const session = view.session.value;
  if (session.provider === 'gs') return { ok: false, reason: 'the root is gs:// (S3 only)', fix: '' };
  const root = parsePipelineRoot(view.pipelineRoot.value);
  if (!root.ok) return { ok: false, reason: root.error, fix: '' };
  let credentials: S3Credentials | undefined;
  const use = view.credentials.secret;
  if (use !== undefined) {
    const raw = rawSecrets.get(`${view.namespace}/${use.name}`);
    const access = use.keys.find((k) => k.role === 'accessKeyKey');
    const secret = use.keys.find((k) => k.role === 'secretKeyKey');
    const accessKeyId = raw !== undefined && access !== undefined ? secretValue(raw, access.key) : undefined;
    const secretAccessKey = raw !== undefined && secret !== undefined ? secretValue(raw, secret.key) : undefined;
    if (accessKeyId === undefined || secretAccessKey === undefined)
      return {
        ok: false,
        reason: `Secret ${use.name} or its keys are not readable`,
        fix: `create Secret ${use.name} with ${use.keys.map((k) => k.key).join(' and ')}`,
      };
    credentials = { accessKeyId, secretAccessKey };
  }
  try {
    return {
      ok: true,
      bucket: root.value.bucket,
      prefix: root.value.prefix,
      target: targetFromSession(session.params, credentials),
      fromEnv: credentials === undefined,
    };
  } catch (e) {
    return {
      ok: false,
      reason: `the session cannot be used: ${e instanceof Error ? e.message : String(e)}`,
      fix: 'fix the provider settings in kfp-launcher',
    };
  }
}
