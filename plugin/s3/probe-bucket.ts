// `bucketReachable`: is the namespace's bucket reachable and correctly addressed with its own credentials?
import { HeadBucketCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import type { S3ClientOptions } from './client.ts';
import { attempt, evidenceOf, guarded, location, probeFinding, withClient } from './probe-common.ts';
import type { ProbeFinding, ProbeTenant } from './probe-common.ts';
import { describe } from './launcher-connection.ts';

const ID = 'bucketReachable';

export async function probeBucket(t: ProbeTenant, opts: S3ClientOptions = {}): Promise<ProbeFinding> {
  if (t.target.credentials === undefined) {
    return probeFinding(
      ID,
      'info',
      t.namespace,
      `skipped: ${location(t)} uses fromEnv credentials, which exist only inside the pipeline pods`,
      'run the probe from a pod with the same environment, or use a secretRef',
    );
  }
  return guarded(ID, t, () =>
    withClient(t, opts, async (c) => {
      const head = await attempt(t, 'HeadBucket', undefined, () => c.send(new HeadBucketCommand({ Bucket: t.bucket })));
      const evidence: Record<string, string> = { HeadBucket: evidenceOf(head) };
      if (head.ok) return probeFinding(ID, 'ok', t.namespace, `${location(t)} is reachable at ${describe(t.target)}`, '', evidence);

      let error = head.error;
      if (!head.specific && head.error.status !== undefined) {
        // HEAD answers carry no error code (403 could be a bad signature or a denial): ask with a
        // request that returns one, limited to the namespace's own prefix.
        const list = await attempt(t, 'ListObjectsV2', undefined, () =>
          c.send(new ListObjectsV2Command({ Bucket: t.bucket, Prefix: t.prefix, MaxKeys: 1 })),
        );
        evidence.ListObjectsV2 = evidenceOf(list);
        if (list.ok && head.error.kind === 'access-denied') {
          return probeFinding(
            ID,
            'error',
            t.namespace,
            `HeadBucket ${location(t)} is denied (${evidence.HeadBucket}) at ${describe(t.target)}, although listing the prefix works`,
            `403 on HeadBucket with ${t.namespace}'s credentials: KServe storage-initializer will also fail (needs bucket-level ListBucket/HEAD, kubeflow/pipelines#13469)`,
            evidence,
          );
        }
        if (!list.ok && list.specific) error = list.error;
      }
      return probeFinding(ID, 'error', t.namespace, `${location(t)} at ${describe(t.target)}: ${error.cause}`, error.fix, evidence);
    }),
  );
}
