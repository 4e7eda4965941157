// One `ensure` run: read → plan → apply → write the Secret → patch caBundles, re-reading and
// re-planning when another writer got in first (409), a bounded number of times.
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeApi } from '../../kube/api.ts';
import { certificateInfo } from '../ca.ts';
import { applyActions } from './apply.ts';
import { caBundlePem } from './bundle.ts';
import { LifecycleError, createSecret, patchWebhook, readSecret, readWebhook, secretLabel, updateSecret } from './kube.ts';
import type { SecretRef } from './kube.ts';
import { planRotation } from './plan.ts';
import { decodeSecret, encodeSecret } from './secret.ts';
import type { CertState, LifecycleOptions } from './types.ts';
import { caBundlePatch, publishedBundles } from './webhook-config.ts';
import type { WebhookRef } from './webhook-config.ts';

export type EnsureTarget = { secret: SecretRef; webhooks: WebhookRef[] };

const MAX_ATTEMPTS = 6;
const HOUR_MS = 60 * 60 * 1000;

export async function ensure(api: KubeApi, target: EnsureTarget, opts: LifecycleOptions, now: Date, say: (line: string) => void): Promise<void> {
  let wrote = false;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    // Spread racing runs apart a little so one of them finishes its writes first.
    if (attempt > 1) await sleep(Math.floor(Math.random() * 50 * attempt));
    // Webhook configurations before the Secret: a run always writes the Secret before patching, so
    // a configuration read here is never newer than the Secret read next; a caBundle computed from
    // an older Secret therefore meets a newer configuration resourceVersion and gets 409.
    const configs = [];
    for (const ref of target.webhooks) configs.push(await readWebhook(api, ref));
    const secret = await readSecret(api, target.secret);
    const stored = secret === undefined ? undefined : decodeSecret(secret);
    const actions = planRotation({ stored, publishedBundles: configs.flatMap(publishedBundles) }, now, opts);

    let state: CertState;
    if (actions.length > 0) {
      const applied = await applyActions(stored, actions, now, opts);
      const body = encodeSecret(secret, target.secret, applied.state);
      const result = secret === undefined ? await createSecret(api, target.secret, body) : await updateSecret(api, target.secret, body);
      if (result === 'exists' || result === 'conflict') continue;
      for (const line of applied.lines) say(line);
      say(`${result} ${secretLabel(target.secret)}`);
      wrote = true;
      state = applied.state;
    } else {
      if (stored?.ca === undefined || stored.leaf === undefined) throw new LifecycleError(`${secretLabel(target.secret)}: incomplete, yet nothing was planned`);
      state = { ...stored, ca: stored.ca, leaf: stored.leaf };
    }

    const bundle = caBundlePem(state);
    let conflicted = false;
    for (const [i, ref] of target.webhooks.entries()) {
      const config = configs[i];
      const ops = config === undefined ? undefined : caBundlePatch(config, bundle);
      if (ops === undefined) continue;
      if ((await patchWebhook(api, ref, ops)) === 'conflict') {
        conflicted = true;
        continue;
      }
      say(`patched caBundle of ${ref.kind} ${ref.name}`);
      wrote = true;
    }
    if (conflicted) continue;
    if (!wrote) say(`nothing to do: ${describeState(state, opts)}`);
    return;
  }
  throw new LifecycleError(`${secretLabel(target.secret)}: other writers kept changing it or the webhook configurations; gave up after ${MAX_ATTEMPTS} attempts`);
}

function describeState(state: CertState, opts: LifecycleOptions): string {
  const leaf = `certificate valid until ${certificateInfo(state.leaf.certPem).notAfter.toISOString()}`;
  if (state.phaseSince === undefined || (state.nextCa === undefined && state.previousCaCert === undefined)) return leaf;
  const next = new Date(state.phaseSince.getTime() + opts.minOverlapHours * HOUR_MS).toISOString();
  return state.nextCa !== undefined
    ? `${leaf}; CA rollover phase 1 since ${state.phaseSince.toISOString()}, switching CAs after ${next}`
    : `${leaf}; CA rollover phase 2 since ${state.phaseSince.toISOString()}, dropping the previous CA after ${next}`;
}
