// --probe: bucketReachable, roundTrip, isolation, incompleteUploads and lifecycle against the object store, each namespace with its own credentials and
// exactly the session KFP's launcher would use (endpoint, region, path style, TLS).
import { readFileSync } from 'node:fs';
import { finding } from '../../settings/checks/finding.ts';
import type { DoctorFinding } from '../../settings/doctor/finding.ts';
import type { NamespaceView } from '../../settings/inspect/namespace-view.ts';
import { PluginError } from '../cli/errors.ts';
import type { Source } from '../source/source.ts';
import { probeBucket, probeIsolation, probeLifecycle, probeRoundTrip, probeUploads } from '../s3/probes.ts';
import type { ProbeFinding, ProbeTenant } from '../s3/probes.ts';
import { namespaceStore } from '../s3/namespace-store.ts';

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
      out.push({ ...finding('bucketReachable', 'info', `probe skipped: ${t.skip}`, t.fix), namespace: view.namespace });
      continue;
    }
    tenants.push(t);
  }
  for (const t of tenants) {
    const bucket = await probeBucket(t, client);
    out.push(located(bucket, t));
    if (opts.write) out.push(located(await probeRoundTrip(t, client), t));
    // Listing uploads and reading the lifecycle need a bucket that answers.
    if (bucket.level === 'ok') out.push(located(await probeUploads(t, client), t), located(await probeLifecycle(t, client), t));
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
  const store = namespaceStore(view, source.rawSecrets);
  if (!store.ok) return { skip: store.reason, fix: store.fix };
  return { namespace: view.namespace, bucket: store.bucket, prefix: store.prefix, target: store.target };
}

function located(f: ProbeFinding, t: ProbeTenant): DoctorFinding {
  return { ...f, object: { kind: 'Bucket', name: t.bucket } };
}
