// Records of the multipart uploads a copy starts, kept in the target next to the objects under
// `<prefix>.kfstore/uploads/`, so that a re-run after a crash (SIGKILL, a lost machine) aborts
// exactly the uploads an earlier copy left open, and nobody else's. Stores cannot tell who started
// an upload (ListMultipartUploads shows no metadata), hence the records:
//   1. before CreateMultipartUpload: a record naming the key (an intent);
//   2. once the store answers: the record again, with the UploadId;
//   3. after Complete or Abort: the record is deleted.
// A record without an UploadId (killed between 1 and 2) matches the uploads of its key that the
// store started at or after the record was written (the store's own clock on both).
import { randomUUID } from 'node:crypto';
import {
  AbortMultipartUploadCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  ListMultipartUploadsCommand,
  PutObjectCommand,
} from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import { z } from 'zod';
import { errorFields } from '../errors.ts';
import { listPrefix } from './list.ts';

/** kfstore's own objects under a namespace prefix; copies, listings and checks skip them. */
export const INTERNAL_DIR = '.kfstore/';
export const UPLOADS_DIR = `${INTERNAL_DIR}uploads/`;
/** Store clocks and ours may differ by this much between a record and its upload. */
const CLOCK_SLACK_MS = 5_000;

const RecordBody = z.object({ key: z.string(), uploadId: z.string().optional() });

export function isInternal(relativeKey: string): boolean {
  return relativeKey.startsWith(INTERNAL_DIR);
}

export interface JournalEntry {
  recordKey: string;
  key: string;
}

export class UploadJournal {
  readonly #client: S3Client;
  readonly #bucket: string;
  readonly #dir: string;

  /** `prefix`: the destination prefix the copy writes under. */
  constructor(client: S3Client, bucket: string, prefix: string) {
    this.#client = client;
    this.#bucket = bucket;
    this.#dir = `${prefix}${UPLOADS_DIR}`;
  }

  async open(key: string): Promise<JournalEntry> {
    const entry = { recordKey: `${this.#dir}${randomUUID()}.json`, key };
    await this.#write(entry, undefined);
    return entry;
  }

  started(entry: JournalEntry, uploadId: string): Promise<void> {
    return this.#write(entry, uploadId);
  }

  async close(entry: JournalEntry): Promise<void> {
    await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: entry.recordKey }));
  }

  /** Aborts every upload an earlier copy recorded and deletes the records; returns how many were aborted. */
  async recover(signal?: AbortSignal): Promise<number> {
    let aborted = 0;
    for await (const rec of listPrefix(this.#client, this.#bucket, this.#dir, signal)) {
      const got = await this.#client.send(new GetObjectCommand({ Bucket: this.#bucket, Key: rec.key }), { abortSignal: signal });
      const parsed = RecordBody.safeParse(parseJson((await got.Body?.transformToString()) ?? ''));
      // A record that is not ours to read (damaged, foreign) is removed without aborting anything.
      if (parsed.success) {
        const since = (got.LastModified?.getTime() ?? 0) - CLOCK_SLACK_MS;
        const uploads = parsed.data.uploadId !== undefined ? [parsed.data.uploadId] : await this.#uploadsOf(parsed.data.key, since);
        for (const UploadId of uploads) aborted += (await this.#abort(parsed.data.key, UploadId)) ? 1 : 0;
      }
      await this.#client.send(new DeleteObjectCommand({ Bucket: this.#bucket, Key: rec.key }));
    }
    return aborted;
  }

  async #write(entry: JournalEntry, uploadId: string | undefined): Promise<void> {
    const body = JSON.stringify(uploadId === undefined ? { key: entry.key } : { key: entry.key, uploadId });
    await this.#client.send(
      new PutObjectCommand({ Bucket: this.#bucket, Key: entry.recordKey, Body: body, ContentType: 'application/json' }),
    );
  }

  async #uploadsOf(key: string, sinceMs: number): Promise<string[]> {
    const out: string[] = [];
    let KeyMarker: string | undefined;
    let UploadIdMarker: string | undefined;
    for (;;) {
      const page = await this.#client.send(
        new ListMultipartUploadsCommand({ Bucket: this.#bucket, Prefix: key, KeyMarker, UploadIdMarker }),
      );
      for (const u of page.Uploads ?? [])
        if (u.Key === key && u.UploadId !== undefined && (u.Initiated?.getTime() ?? 0) >= sinceMs) out.push(u.UploadId);
      if (page.IsTruncated !== true) return out;
      KeyMarker = page.NextKeyMarker;
      UploadIdMarker = page.NextUploadIdMarker;
    }
  }

  /** false when the upload is already gone (completed or aborted before the record was deleted). */
  async #abort(Key: string, UploadId: string): Promise<boolean> {
    try {
      await this.#client.send(new AbortMultipartUploadCommand({ Bucket: this.#bucket, Key, UploadId }));
      return true;
    } catch (e) {
      if (errorFields(e).status === 404) return false;
      throw e;
    }
  }
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
