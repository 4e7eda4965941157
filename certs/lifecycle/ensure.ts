// One `ensure` run: read → plan → apply → (publish a new CA first when needed) → write the Secret →
// patch caBundles, re-reading and re-planning when another writer got in first (409), a bounded
// number of times. A missing configuration or a failed patch does not stop the others, nor the
// Secret's renewal; the run still fails, naming them.
import { setTimeout as sleep } from 'node:timers/promises';
import type { KubeApi } from '../../kube-client/api.ts';
import { certificateInfo, isIssuedBy } from '../ca.ts';
import { applyActions } from './apply.ts';
import { bundleTrusts, caBundlePem, pemCertificates, trustedCAs, uniqueCerts } from './bundle.ts';
import { LifecycleError, createSecret, patchWebhook, readSecret, readWebhook, secretLabel, updateSecret } from './kube.ts';
import type { SecretRef } from './kube.ts';
import { configOwnedElsewhere, secretOwnedElsewhere } from './owner.ts';
import { planRotation } from './plan.ts';
import { decodeSecret, encodeSecret } from './secret.ts';
import type { CertState, LifecycleOptions } from './types.ts';
import { caBundlePatch, publishedBundles } from './webhook-config.ts';
import type { WebhookConfiguration, WebhookRef } from './webhook-config.ts';

export type EnsureTarget = { secret: SecretRef; webhooks: WebhookRef[] };

const MAX_ATTEMPTS = 6;
const HOUR_MS = 60 * 60 * 1000;

export async function ensure(
  api: KubeApi,
  target: EnsureTarget,
  opts: LifecycleOptions,
  now: Date,
  say: (line: string) => void,
): Promise<void> {
  const label = secretLabel(target.secret);
  let wrote = false;
  for (let attempt = 1; attempt <= MAX_ATTEMPTS; attempt += 1) {
    // Spread racing runs apart a little so one of them finishes its writes first.
    if (attempt > 1) await sleep(Math.floor(Math.random() * 50 * attempt));
    // Webhook configurations before the Secret: a run always writes the Secret before its final
    // patches, so a configuration read here is never newer than the Secret read next; a caBundle
    // computed from an older Secret therefore meets a newer configuration resourceVersion and gets 409.
    const configs: (WebhookConfiguration | undefined)[] = [];
    for (const ref of target.webhooks) {
      const config = await readWebhook(api, ref);
      const owner = config === undefined ? undefined : configOwnedElsewhere(ref, config);
      if (owner !== undefined) throw new LifecycleError(owner);
      configs.push(config);
    }
    const secret = await readSecret(api, target.secret);
    const secretOwner = secret === undefined ? undefined : secretOwnedElsewhere(label, secret);
    if (secretOwner !== undefined) throw new LifecycleError(secretOwner);
    const stored = secret === undefined ? undefined : decodeSecret(secret);
    const actions = planRotation(
      { stored, publishedBundles: configs.flatMap((c) => (c === undefined ? [] : publishedBundles(c))) },
      now,
      opts,
    );
    const refusal = actions.find((a) => a.kind === 'refuse');
    if (refusal !== undefined) {
      throw new LifecycleError(
        `${label}: ${refusal.why}, and no valid serving certificate from it is in use; put an ECDSA P-256 CA in ca.crt and ca.key, or remove both to let kfstore-certs create one`,
      );
    }

    let state: CertState;
    if (actions.length > 0) {
      const applied = await applyActions(stored, actions, now, opts);
      state = applied.state;
      if (stored?.leaf?.certPem !== state.leaf.certPem && (await publishAhead(api, target.webhooks, configs, state, say)) === 'conflict')
        continue;
      const body = encodeSecret(secret, target.secret, state);
      const result = secret === undefined ? await createSecret(api, target.secret, body) : await updateSecret(api, target.secret, body);
      if (result === 'exists' || result === 'conflict') continue;
      for (const line of applied.lines) say(line);
      say(`${result} ${label}`);
      wrote = true;
    } else {
      if (stored?.ca === undefined || stored.leaf === undefined) throw new LifecycleError(`${label}: incomplete, yet nothing was planned`);
      state = { ...stored, ca: stored.ca, leaf: stored.leaf };
    }

    const bundle = caBundlePem(state);
    const problems: string[] = [];
    let conflicted = false;
    for (const [i, ref] of target.webhooks.entries()) {
      const config = configs[i];
      if (config === undefined) {
        problems.push(`${ref.kind} ${ref.name}: not found (re-apply the overlay, then run ensure again)`);
        continue;
      }
      const ops = caBundlePatch(config, bundle);
      if (ops === undefined) continue;
      let result: WebhookConfiguration | 'conflict';
      try {
        result = await patchWebhook(api, ref, ops);
      } catch (err) {
        problems.push(err instanceof Error ? err.message : String(err));
        continue;
      }
      if (result === 'conflict') {
        conflicted = true;
        continue;
      }
      say(`patched caBundle of ${ref.kind} ${ref.name}`);
      wrote = true;
    }
    if (conflicted) continue;
    if (problems.length > 0) throw new LifecycleError(`${problems.join('; ')}; ${label} and the other configurations are up to date`);
    if (!wrote) say(`nothing to do: ${describeState(state, opts)}`);
    return;
  }
  throw new LifecycleError(
    `${label}: other writers kept changing it or the webhook configurations; gave up after ${MAX_ATTEMPTS} attempts`,
  );
}

/**
 * A new serving certificate from a CA that some published caBundle does not trust yet (only when
 * nothing valid was being served, see plan.ts): add the CA to those caBundles before the Secret
 * changes, so a pod that loads the certificate at once is never rejected. Adds trust only; a failed
 * patch stops the run before the Secret is written.
 */
async function publishAhead(
  api: KubeApi,
  refs: WebhookRef[],
  configs: (WebhookConfiguration | undefined)[],
  state: CertState,
  say: (line: string) => void,
): Promise<'done' | 'conflict'> {
  for (const [i, ref] of refs.entries()) {
    const config = configs[i];
    if (config === undefined) continue;
    const bundles = publishedBundles(config);
    if (bundles.every((b) => b === '' || bundleTrusts(b, state.ca.certPem))) continue;
    const union = uniqueCerts([...bundles.flatMap(pemCertificates), ...trustedCAs(state)]).join('');
    const ops = caBundlePatch(config, union);
    if (ops === undefined) continue;
    const result = await patchWebhook(api, ref, ops);
    if (result === 'conflict') return 'conflict';
    configs[i] = result;
    say(`patched caBundle of ${ref.kind} ${ref.name} to trust the new CA before the serving certificate changes`);
  }
  return 'done';
}

function describeState(state: CertState, opts: LifecycleOptions): string {
  const leaf = `certificate valid until ${certificateInfo(state.leaf.certPem).notAfter.toISOString()}`;
  if (state.phaseSince === undefined || (state.nextCa === undefined && state.previousCaCert === undefined)) return leaf;
  const next = new Date(state.phaseSince.getTime() + opts.minOverlapHours * HOUR_MS).toISOString();
  const since = state.phaseSince.toISOString();
  if (state.nextCa !== undefined) return `${leaf}; CA rollover phase 1 since ${since}, switching CAs after ${next}`;
  if (!isIssuedBy(state.leaf.certPem, state.ca.certPem))
    return `${leaf}; served from a previous CA since ${since}, moving to the current CA after ${next}`;
  return `${leaf}; CA rollover phase 2 since ${since}, dropping the previous CA after ${next}`;
}
