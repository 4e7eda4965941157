// Pipeline roots exactly as KFP's objectstore.ParseBucketPathToConfig reads them.
import { goQuote } from '../go/quote.ts';

export type Scheme = 'gs' | 's3' | 'minio' | 'mem';

export interface PipelineRoot {
  root: string;
  scheme: Scheme;
  bucket: string;
  /** Key prefix with the leading '/' trimmed and a trailing '/' added (KFP's override matching input). */
  prefix: string;
  /** `?...` including the question mark, or ''. */
  query: string;
}

export type RootResult = { ok: true; value: PipelineRoot } | { ok: false; error: string };

/** KFP's bucketPattern (Go RE2; the same in JavaScript for these constructs). */
export const BUCKET_PATTERN = /(^[a-z][a-z0-9]+:\/\/\/?)([^/?]+)(\/[^?]*)?(\?.+)?$/;
const SCHEMES: Record<string, Scheme> = { 'gs://': 'gs', 's3://': 's3', 'minio://': 'minio', 'mem://': 'mem' };

export const KFP_DEFAULT_PIPELINE_ROOT = 'minio://mlpipeline/v2/artifacts';

export function parsePipelineRoot(root: string): RootResult {
  const m = BUCKET_PATTERN.exec(root);
  if (!m) return { ok: false, error: `parse bucket config failed: unrecognized pipeline root format: ${goQuote(root)}` };
  const scheme = SCHEMES[m[1] ?? ''];
  if (scheme === undefined) return { ok: false, error: `parse bucket config failed: unsupported Cloud bucket: ${goQuote(root)}` };
  let prefix = (m[3] ?? '').replace(/^\//, '');
  if (prefix.length > 0 && !prefix.endsWith('/')) prefix += '/';
  return { ok: true, value: { root, scheme, bucket: m[2] ?? '', prefix, query: m[4] ?? '' } };
}

/** The root KFP's override matching would see for `scheme://bucket/<keyPrefix>`; '' prefix means the bucket root. */
export function rootFor(scheme: Scheme, bucket: string, prefix: string): string {
  return prefix === '' ? `${scheme}://${bucket}` : `${scheme}://${bucket}/${prefix}`;
}

/** True when `inner` is the same place as `outer` or below it (`.../team-a` holds `.../team-a/x`, not `.../team-ab`). */
export function rootContains(outer: PipelineRoot, inner: PipelineRoot): boolean {
  return outer.scheme === inner.scheme && outer.bucket === inner.bucket && inner.prefix.startsWith(outer.prefix);
}
