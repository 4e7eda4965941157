// `roundTrip`: can the namespace write, read and delete under its own prefix, as the launcher does?
// The probe object is always deleted again; one that survives is reported by key.
import { randomBytes, randomUUID } from 'node:crypto';
import { DeleteObjectCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand } from '@aws-sdk/client-s3';
import type { S3Client } from '@aws-sdk/client-s3';
import type { S3ClientOptions } from './client.ts';
import { PROBE_DIR, attempt, evidenceOf, guarded, location, probeFinding, withClient } from './probe-common.ts';
import type { ProbeFinding, ProbeTenant } from './probe-common.ts';
import { describe } from './launcher-connection.ts';

const ID = 'roundTrip';

type Step = 'Put' | 'Head' | 'Get' | 'Delete' | 'Head after Delete';

const STEP_FIX: Record<Step, string> = {
  Put: 'grant s3:PutObject on the namespace prefix: pipeline steps cannot write artifacts',
  Head: 'grant s3:GetObject on the namespace prefix: later steps cannot read artifacts',
  Get: 'grant s3:GetObject on the namespace prefix: later steps cannot read artifacts',
  Delete: 'policy lacks s3:DeleteObject (KFP <2.17 SeaweedFS policy) — retention cleanup and re-runs will fail',
  'Head after Delete': 'the store still serves the object after a successful Delete (versioning or caching in front of the store?)',
};

interface PutState {
  stored: 'yes' | 'no' | 'maybe';
}

interface Failure {
  step: Step;
  cause: string;
  fix: string;
  denied: boolean;
}

export async function probeRoundTrip(t: ProbeTenant, opts: S3ClientOptions = {}): Promise<ProbeFinding> {
  if (t.target.credentials === undefined) {
    return probeFinding(
      ID,
      'info',
      t.namespace,
      `skipped: ${location(t)} uses fromEnv credentials, which exist only inside the pipeline pods`,
      'run the probe from a pod with the same environment, or use a secretRef',
    );
  }
  const key = `${t.prefix}${PROBE_DIR}${randomUUID()}`;
  const body = Buffer.from(`kfstore probe ${new Date().toISOString()} ${randomBytes(16).toString('hex')}\n`);
  const evidence: Record<string, string> = { key };
  const passed: Step[] = [];
  return guarded(ID, t, () =>
    withClient(t, opts, async (c) => {
      let failure: Failure | undefined;
      // 'maybe' until Put is answered: a lost answer (timeout) may still have stored the object.
      const state: PutState = { stored: 'maybe' };
      let leftover: string | undefined;
      try {
        failure = await steps(c, t, key, body, evidence, passed, state);
      } finally {
        if (!passed.includes('Delete') && state.stored !== 'no') leftover = await cleanUp(c, t, key, evidence, state.stored === 'yes');
      }
      const where = `${location(t)} at ${describe(t.target)}`;
      if (failure === undefined && leftover === undefined) {
        return probeFinding(ID, 'ok', t.namespace, `Put, Head, Get and Delete work under ${where}`, '', evidence);
      }
      const parts: string[] = [];
      if (failure !== undefined) {
        const verb = failure.denied ? 'denied' : 'failed';
        parts.push(
          passed.length === 0
            ? `${failure.step} ${verb}: ${failure.cause}`
            : `${passed.join(', ')} allowed but ${failure.step} ${verb}: ${failure.cause}`,
        );
      }
      if (leftover !== undefined) parts.push(leftover);
      const fix = failure === undefined ? 'delete the probe object by hand' : failure.fix;
      return probeFinding(ID, 'error', t.namespace, `round trip under ${where}: ${parts.join('; ')}`, fix, evidence);
    }),
  );
}

async function steps(
  c: S3Client,
  t: ProbeTenant,
  key: string,
  body: Buffer,
  evidence: Record<string, string>,
  passed: Step[],
  state: PutState,
): Promise<Failure | undefined> {
  const Bucket = t.bucket;
  const fail = (step: Step, o: { error: { kind: string; cause: string; fix: string } }): Failure => ({
    step,
    cause: o.error.cause,
    fix: o.error.kind === 'access-denied' ? STEP_FIX[step] : o.error.fix,
    denied: o.error.kind === 'access-denied',
  });

  const put = await attempt(t, 'PutObject', key, () => c.send(new PutObjectCommand({ Bucket, Key: key, Body: body })));
  evidence.PutObject = evidenceOf(put);
  if (!put.ok) {
    if (put.error.status !== undefined) state.stored = 'no';
    return fail('Put', put);
  }
  state.stored = 'yes';
  passed.push('Put');

  const head = await attempt(t, 'HeadObject', key, () => c.send(new HeadObjectCommand({ Bucket, Key: key })));
  evidence.HeadObject = evidenceOf(head);
  if (!head.ok) return fail('Head', head);
  if (head.value.ContentLength !== body.length)
    return {
      step: 'Head',
      cause: `size ${head.value.ContentLength} instead of ${body.length}`,
      fix: STEP_FIX['Head after Delete'],
      denied: false,
    };
  passed.push('Head');

  const get = await attempt(t, 'GetObject', key, async () => {
    const out = await c.send(new GetObjectCommand({ Bucket, Key: key }));
    return { $metadata: out.$metadata, bytes: out.Body === undefined ? new Uint8Array() : await out.Body.transformToByteArray() };
  });
  evidence.GetObject = evidenceOf(get);
  if (!get.ok) return fail('Get', get);
  if (!body.equals(get.value.bytes)) {
    return {
      step: 'Get',
      cause: `read ${get.value.bytes.length} bytes that differ from the ${body.length} written`,
      fix: 'a proxy or checksum setting corrupts objects; compare with another S3 client (aws s3 cp)',
      denied: false,
    };
  }
  passed.push('Get');

  const del = await attempt(t, 'DeleteObject', key, () => c.send(new DeleteObjectCommand({ Bucket, Key: key })));
  evidence.DeleteObject = evidenceOf(del);
  if (!del.ok) return fail('Delete', del);
  passed.push('Delete');

  const gone = await attempt(t, 'HeadObject', key, () => c.send(new HeadObjectCommand({ Bucket, Key: key })));
  evidence['HeadObject after Delete'] = evidenceOf(gone);
  if (gone.ok)
    return {
      step: 'Head after Delete',
      cause: `${key} is still there (${gone.status})`,
      fix: STEP_FIX['Head after Delete'],
      denied: false,
    };
  // 404 is expected; 403 means the policy hides missing keys (no ListBucket), which is fine here.
  return undefined;
}

/** Deletes the probe object if it may exist; returns a message when it is (or may be) left behind. */
async function cleanUp(
  c: S3Client,
  t: ProbeTenant,
  key: string,
  evidence: Record<string, string>,
  stored: boolean,
): Promise<string | undefined> {
  const del = await attempt(t, 'DeleteObject', key, () => c.send(new DeleteObjectCommand({ Bucket: t.bucket, Key: key })));
  evidence['cleanup DeleteObject'] = evidenceOf(del);
  const check = await attempt(t, 'HeadObject', key, () => c.send(new HeadObjectCommand({ Bucket: t.bucket, Key: key })));
  evidence['cleanup HeadObject'] = evidenceOf(check);
  if (check.ok) return `probe object left behind: ${location(t, key)} (delete it by hand)`;
  if (stored && check.error.kind !== 'no-such-key' && check.error.kind !== 'no-such-bucket') {
    return `probe object may be left behind: ${location(t, key)} (could not verify: ${check.error.cause})`;
  }
  return undefined;
}
