// --probe: KFS061-KFS063 against the object store, each namespace with its own credentials and
// exactly the session KFP's launcher would use (endpoint, region, path style, TLS).
import { readFileSync } from 'node:fs';
import type { DoctorFinding } from '../../settings/doctor/finding.ts';
import type { NamespaceView } from '../../settings/inspect/namespace-view.ts';
import { parsePipelineRoot } from '../../settings/kfp/pipeline-root.ts';
import { PluginError } from '../cli/errors.ts';
import type { Source } from '../commands/source.ts';
import { secretValue } from '../secrets/facts.ts';
import { probeBucket, probeIsolation, probeRoundTrip } from '../s3/probes.ts';
import type { ProbeFinding, ProbeTenant } from '../s3/probes.ts';
import { targetFromSession } from '../s3/target.ts';

/** Each namespace is checked against this many others (all pairs of 1,000 profiles would be 10^6). */
const ISOLATION_PEERS = 3;

export interface ProbeOptions {
  write: boolean;
  caBundleFile?: string;
}

export async function runProbes(source: Source, views: NamespaceView[], opts: ProbeOptions): Promise<DoctorFinding[]> {
  let caBundle: string | undefined;
  if (opts.caBundleFile !== undefined) {
    try {
      caBundle = readFileSync(opts.caBundleFile, 'utf8');
    } catch (e) {
      throw new PluginError(`--s3-ca-bundle ${opts.caBundleFile}: cannot read (${(e as NodeJS.ErrnoException).code ?? String(e)})`);
    }
  }
  const client = caBundle !== undefined ? { caBundle } : {};
  const out: DoctorFinding[] = [];
  const tenants: ProbeTenant[] = [];
  for (const view of views) {
    const t = tenant(source, view);
    if ('skip' in t) {
      out.push({ id: 'KFS061', level: 'info', namespace: view.namespace, message: `probe skipped: ${t.skip}`, fix: t.fix });
      continue;
    }
    tenants.push(t);
  }
  for (const t of tenants) {
    out.push(located(await probeBucket(t, client), t));
    if (opts.write) out.push(located(await probeRoundTrip(t, client), t));
  }
  for (let i = 0; i < tenants.length; i++) {
    for (let k = 1; k <= Math.min(ISOLATION_PEERS, tenants.length - 1); k++) {
      const a = tenants[i];
      const b = tenants[(i + k) % tenants.length];
      if (a === undefined || b === undefined) continue;
      out.push(located(await probeIsolation(a, b, { write: opts.write, ...client }), a));
    }
  }
  return out;
}

function tenant(source: Source, view: NamespaceView): ProbeTenant | { skip: string; fix: string } {
  if (!view.session.ok) return { skip: 'KFP computes no session for the default root', fix: 'fix the kfp-launcher errors first' };
  const session = view.session.value;
  if (session.provider === 'gs') return { skip: 'gs:// roots are not probed (S3 only)', fix: '' };
  const root = parsePipelineRoot(view.pipelineRoot.value);
  if (!root.ok) return { skip: root.error, fix: '' };
  let credentials: { accessKeyId: string; secretAccessKey: string } | undefined;
  const use = view.credentials.secret;
  if (use !== undefined) {
    const raw = source.rawSecrets.get(`${view.namespace}/${use.name}`);
    const access = use.keys.find((k) => k.role === 'accessKeyKey');
    const secret = use.keys.find((k) => k.role === 'secretKeyKey');
    const accessKeyId = raw !== undefined && access !== undefined ? secretValue(raw, access.key) : undefined;
    const secretAccessKey = raw !== undefined && secret !== undefined ? secretValue(raw, secret.key) : undefined;
    if (accessKeyId === undefined || secretAccessKey === undefined) return { skip: `Secret ${use.name} or its keys are not readable`, fix: `create Secret ${use.name} with ${use.keys.map((k) => k.key).join(' and ')}` };
    credentials = { accessKeyId, secretAccessKey };
  }
  try {
    return { namespace: view.namespace, bucket: root.value.bucket, prefix: root.value.prefix, target: targetFromSession(session.params, credentials) };
  } catch (e) {
    return { skip: `the session cannot be used: ${e instanceof Error ? e.message : String(e)}`, fix: 'fix the provider settings in kfp-launcher' };
  }
}

function located(f: ProbeFinding, t: ProbeTenant): DoctorFinding {
  return { ...f, object: { kind: 'Bucket', name: t.bucket } };
}
