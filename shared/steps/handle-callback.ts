import { setTimeout as sleep } from 'node:timers/promises';
import { callbackMessageSchema, callbackOutboxMessage, callbackWebhookId } from '../domain/callback.ts';
import { claimCallback, recordCallbackAttempt, type CallbackOutcome, type CallbackState } from '../domain/callback-delivery.ts';
import { callbackSecretFor } from '../domain/callback-secret.ts';
import { AgentlineError } from '../domain/errors.ts';
import type { Run } from '../domain/run.ts';
import { toCallbackPayload } from '../domain/run-view.ts';
import { decodeJsonMessage, type Delivery } from '../engine/delivery.ts';
import type { Deps } from '../engine/deps.ts';
import type { CallbackSender } from '../ports/callback-sender.ts';
import { signStandardWebhook } from '../webhooks/sign-standard-webhook.ts';

/** What the callback function runs on: the only holder of the callback signing key. */
export type CallbackDeps = Pick<Deps, 'callbacks' | 'delayQueue' | 'clock' | 'logger' | 'settings'> & {
  sender: CallbackSender;
  /** The master key every user's callback secret is derived from (callbackSecretFor). */
  signingKey: string;
  /** Uniform in [0, 1): the backoff's jitter. */
  random: () => number;
};

/** A retry due this soon is waited for in the process (the delayed message itself, early by another clock). */
const retryWaitMs = 2_000;
const leaseEndSlackMs = 500;

/** Consumes the callback topic: one attempt (at most) per message. */
export function createCallbackHandler(deps: CallbackDeps) {
  return async function handleCallback(delivery: Delivery): Promise<void> {
    const message = decodeJsonMessage(delivery, callbackMessageSchema, `Callback message on ${delivery.source}`);
    await deliverCallback(deps, message.runId);
  };
}

/**
 * Delivers a run's result callback (docs/architecture.md, "Result callbacks"): claims the next
 * attempt in a transaction on the delivery document (so duplicate messages never POST at once),
 * POSTs the run's view signed with the run's user's Standard Webhooks secret, records the attempt
 * and, if it failed and the bounds allow, schedules the next one through the delay queue. Reads
 * the run, never writes it. At least once: a crash between the POST and its record repeats the
 * POST, under the same `webhook-id`.
 */
export async function deliverCallback(deps: CallbackDeps, runId: string): Promise<void> {
  const policy = deps.settings.callback;
  const { claim, run } = await deps.callbacks.transact(async (tx) => {
    const run = await tx.getRun(runId);
    const stored = run ? await tx.getCallback(runId) : undefined;
    const decided = claimCallback(run, stored, deps.clock.now(), policy);
    if (decided.write) tx.putCallback(decided.write, run!);
    return { claim: decided.claim, run };
  });
  switch (claim.kind) {
    case 'none':
      return deps.logger.warn('callback message with nothing to deliver', { runId, reason: claim.reason });
    case 'finished':
      return;
    case 'gaveUp':
      return deps.logger.warn('callback given up', { runId, attempts: claim.state.attempts.length });
    case 'leased': {
      // The holder schedules what follows its attempt; this re-check takes over if it died.
      const delay = claim.state.leaseExpireTime! - deps.clock.now() + leaseEndSlackMs;
      return deps.delayQueue.schedule(delayedCallbackMessage(runId), delay, `callback-${runId}-${claim.state.attempt}-lease`);
    }
    case 'waiting': {
      const remainingMs = claim.state.nextAttemptTime! - deps.clock.now();
      if (remainingMs > retryWaitMs) return scheduleNextAttempt(deps, claim.state);
      await sleep(Math.max(0, remainingMs) + 10);
      return deliverCallback(deps, runId);
    }
    case 'claimed':
      return attemptCallback(deps, run!, claim.state);
  }
}

async function attemptCallback(deps: CallbackDeps, run: Run, claimed: CallbackState): Promise<void> {
  const startTime = deps.clock.now();
  const outcome = await post(deps, run, startTime);
  const recorded = await deps.callbacks.transact(async (tx) => {
    const current = await tx.getCallback(run.runId);
    const next = current && recordCallbackAttempt(current, claimed.attempt, startTime, outcome, deps.clock.now(), deps.settings.callback, deps.random);
    if (next) tx.putCallback(next, run);
    return next;
  });
  deps.logger.info('callback attempt', { runId: run.runId, attempt: claimed.attempt, ...outcome, state: recorded?.state });
  if (recorded?.state === 'PENDING') await scheduleNextAttempt(deps, recorded);
}

/** The POST of one attempt, signed now; every failure becomes an outcome, never an exception. */
async function post(deps: CallbackDeps, run: Run, startTime: number): Promise<CallbackOutcome> {
  const body = Buffer.from(JSON.stringify(toCallbackPayload(run)), 'utf8');
  const secret = callbackSecretFor(deps.signingKey, run.userId!);
  const headers = signStandardWebhook({ id: callbackWebhookId(run.runId), timestampSeconds: startTime / 1000, body, secret });
  try {
    return await deps.sender.post({ url: run.callback!.url, body, headers });
  } catch (error) {
    const known = error instanceof AgentlineError;
    return {
      error: { code: known ? error.code : 'INTERNAL', message: error instanceof Error ? error.message : String(error) },
      // A refused address stays refused: giving up at once is what keeps it from a retry storm.
      permanent: known && !error.retryable,
    };
  }
}

/** Schedules the delayed message of the next attempt; idempotent per attempt (the key names it). */
function scheduleNextAttempt(deps: Pick<CallbackDeps, 'delayQueue' | 'clock'>, state: CallbackState): Promise<void> {
  const delay = Math.max(0, state.nextAttemptTime! - deps.clock.now());
  return deps.delayQueue.schedule(delayedCallbackMessage(state.runId), delay, `callback-${state.runId}-${state.attempt}`);
}

/** The callback message as the delay queue publishes it (no outbox entry: the delivery document is the record). */
function delayedCallbackMessage(runId: string) {
  const { id: _id, ...message } = callbackOutboxMessage(runId);
  return message;
}
