import { setTimeout as sleep } from 'node:timers/promises';
import { toBatchJson } from '../batches/batch-view.ts';
import { callbackMessageSchema, callbackOutboxMessage, callbackSubjectOfMessage, callbackWebhookId, type CallbackSubject } from '../domain/callback.ts';
import { callbackSubjectOf, claimCallback, recordCallbackAttempt, type CallbackOutcome, type CallbackState, type CallbackSubjectRecord } from '../domain/callback-delivery.ts';
import { callbackSecretFor } from '../domain/callback-secret.ts';
import { AgentlineError } from '../domain/errors.ts';
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
    await deliverCallback(deps, callbackSubjectOfMessage(message));
  };
}

/**
 * Delivers a run's or a batch's result callback (docs/architecture.md, "Result callbacks"): claims
 * the next attempt in a transaction on the delivery document (so duplicate messages never POST at
 * once), POSTs the public view signed with its user's Standard Webhooks secret, records the
 * attempt and, if it failed and the bounds allow, schedules the next one through the delay queue.
 * Reads the run or batch, never writes it. At least once: a crash between the POST and its record
 * repeats the POST, under the same `webhook-id`.
 */
export async function deliverCallback(deps: CallbackDeps, subject: CallbackSubject): Promise<void> {
  const policy = deps.settings.callback;
  const { claim, record } = await deps.callbacks.transact(async (tx) => {
    const record = await tx.getSubject(subject);
    const stored = record ? await tx.getCallback(subject) : undefined;
    const decided = fixBatchPayload(claimCallback(record, stored, deps.clock.now(), policy), record);
    if (decided.write) tx.putCallback(decided.write, record!);
    return { claim: decided.claim, record };
  });
  const names = logNames(subject);
  switch (claim.kind) {
    case 'none':
      return deps.logger.warn('callback message with nothing to deliver', { ...names, reason: claim.reason });
    case 'finished':
      return;
    case 'gaveUp':
      return deps.logger.warn('callback given up', { ...names, attempts: claim.state.attempts.length });
    case 'leased': {
      // The holder schedules what follows its attempt; this re-check takes over if it died.
      const delay = claim.state.leaseExpireTime! - deps.clock.now() + leaseEndSlackMs;
      return deps.delayQueue.schedule(delayedCallbackMessage(subject), delay, `${attemptKey(subject, claim.state.attempt)}-lease`);
    }
    case 'waiting': {
      const remainingMs = claim.state.nextAttemptTime! - deps.clock.now();
      if (remainingMs > retryWaitMs) return scheduleNextAttempt(deps, claim.state);
      await sleep(Math.max(0, remainingMs) + 10);
      return deliverCallback(deps, subject);
    }
    case 'claimed':
      return attemptCallback(deps, record!, claim.state);
  }
}

async function attemptCallback(deps: CallbackDeps, record: CallbackSubjectRecord, claimed: CallbackState): Promise<void> {
  const subject = callbackSubjectOf(claimed);
  const startTime = deps.clock.now();
  const outcome = await post(deps, record, claimed, startTime);
  const recorded = await deps.callbacks.transact(async (tx) => {
    const current = await tx.getCallback(subject);
    const next = current && recordCallbackAttempt(current, claimed.attempt, startTime, outcome, deps.clock.now(), deps.settings.callback, deps.random);
    if (next) tx.putCallback(next, record);
    return next;
  });
  deps.logger.info('callback attempt', { ...logNames(subject), attempt: claimed.attempt, ...outcome, state: recorded?.state });
  if (recorded?.state === 'PENDING') await scheduleNextAttempt(deps, recorded);
}

/** A batch's first claim fixes its body on the delivery (`payload`), so later attempts send the same bytes. */
function fixBatchPayload(decided: ReturnType<typeof claimCallback>, record: CallbackSubjectRecord | undefined): ReturnType<typeof claimCallback> {
  if (record?.kind !== 'batch' || !decided.write || decided.write.payload !== undefined) return decided;
  const write = { ...decided.write, payload: JSON.stringify(toBatchJson(record.batch, record.lanes)) };
  return { write, claim: decided.claim.kind === 'claimed' ? { kind: 'claimed', state: write } : decided.claim };
}

/** The body of a callback: the run's view, or the batch's as its first claim fixed it (without their callback part, which describes the delivery itself). */
function bodyOf(record: CallbackSubjectRecord, claimed: CallbackState): string {
  if (record.kind === 'batch') return claimed.payload ?? JSON.stringify(toBatchJson(record.batch, record.lanes));
  return JSON.stringify(toCallbackPayload(record.run));
}

/** The POST of one attempt, signed now; every failure becomes an outcome, never an exception. */
async function post(deps: CallbackDeps, record: CallbackSubjectRecord, claimed: CallbackState, startTime: number): Promise<CallbackOutcome> {
  const subject = callbackSubjectOf(claimed);
  const body = Buffer.from(bodyOf(record, claimed), 'utf8');
  const owner = record.kind === 'run' ? record.run : record.batch;
  const secret = callbackSecretFor(deps.signingKey, owner.userId!);
  const headers = signStandardWebhook({ id: callbackWebhookId(subject), timestampSeconds: startTime / 1000, body, secret });
  try {
    return await deps.sender.post({ url: owner.callback!.url, body, headers });
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
  const subject = callbackSubjectOf(state);
  return deps.delayQueue.schedule(delayedCallbackMessage(subject), delay, attemptKey(subject, state.attempt));
}

/** The delay queue's key of an attempt's message: a run's as it always was, a batch's apart from any run's. */
function attemptKey(subject: CallbackSubject, attempt: number): string {
  return subject.kind === 'run' ? `callback-${subject.id}-${attempt}` : `callback-batch-${subject.id}-${attempt}`;
}

function logNames(subject: CallbackSubject): Record<string, string> {
  return subject.kind === 'run' ? { runId: subject.id } : { batchId: subject.id };
}

/** The callback message as the delay queue publishes it (no outbox entry: the delivery document is the record). */
export function delayedCallbackMessage(subject: CallbackSubject) {
  const { id: _id, ...message } = callbackOutboxMessage(subject);
  return message;
}
