// `incompleteUploads` probe: the incomplete multipart uploads under the namespace's prefix, with its own
// credentials, and which of them migrate --copy-artifacts recorded (upload-journal.ts). Bounded:
// at most MAX_UPLOADS are listed.
import { GetObjectCommand, ListMultipartUploadsCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { incompleteUploads } from '../../settings/doctor/checks/uploads.ts';
import type { S3ClientOptions } from './client.ts';
import { listPrefix } from './copy/list.ts';
import { UPLOADS_DIR } from './copy/upload-journal.ts';
import { guarded, location, probeFinding, withClient } from './probe-common.ts';
import type { ProbeFinding, ProbeTenant } from './probe-common.ts';

const ID = 'incompleteUploads';
const MAX_UPLOADS = 1000;

export async function probeUploads(t: ProbeTenant, opts: S3ClientOptions = {}, nowMs = Date.now()): Promise<ProbeFinding> {
  if (t.target.credentials === undefined)
    return probeFinding(ID, 'info', t.namespace, `skipped: ${location(t)} uses fromEnv credentials`, '');
  return guarded(ID, t, () =>
    withClient(t, opts, async (c) => {
      const uploads: { key: string; id: string; at: number | undefined }[] = [];
      let truncated = false;
      let KeyMarker: string | undefined;
      let UploadIdMarker: string | undefined;
      for (;;) {
        const page = await c.send(new ListMultipartUploadsCommand({ Bucket: t.bucket, Prefix: t.prefix, KeyMarker, UploadIdMarker }));
        for (const u of page.Uploads ?? []) uploads.push({ key: u.Key ?? '', id: u.UploadId ?? '', at: u.Initiated?.getTime() });
        if (page.IsTruncated !== true) break;
        if (uploads.length >= MAX_UPLOADS) {
          truncated = true;
          break;
        }
        KeyMarker = page.NextKeyMarker;
        UploadIdMarker = page.NextUploadIdMarker;
      }
      const records = uploads.length === 0 ? [] : await readRecords(c, t);
      const recorded = uploads.filter((u) =>
        records.some((r) => r.uploadId === u.id || (r.uploadId === undefined && r.key === u.key)),
      ).length;
      const f = incompleteUploads(
        { namespace: t.namespace, where: location(t), uploads: uploads.map((u) => u.at), recorded, truncated },
        nowMs,
      );
      return { ...f, namespace: t.namespace };
    }),
  );
}

async function readRecords(c: S3Client, t: ProbeTenant): Promise<{ key?: unknown; uploadId?: unknown }[]> {
  const out: { key?: unknown; uploadId?: unknown }[] = [];
  for await (const o of listPrefix(c, t.bucket, `${t.prefix}${UPLOADS_DIR}`)) {
    if (out.length >= MAX_UPLOADS) break;
    try {
      const got = await c.send(new GetObjectCommand({ Bucket: t.bucket, Key: o.key }));
      const parsed: unknown = JSON.parse((await got.Body?.transformToString()) ?? '');
      if (typeof parsed === 'object' && parsed !== null) out.push(parsed);
    } catch {
      // unreadable records count as not ours
    }
  }
  return out;
}
