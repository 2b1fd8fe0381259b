import { z } from 'zod';
import { isBatchEnded, type BatchLane, type BatchRecord } from './batches/batch-record.ts';
import { callbackLeaseMs, callbackRetryDelayMs, type CallbackPolicy, type CallbackSubject, type RunCallback } from './callback.ts';
import { isTerminal, type Run } from './run.ts';

/**
 * PENDING: attempts are owed (one may be in flight, under its lease). DELIVERED: a 2xx answered.
 * GAVE_UP: the bounds ran out, or the URL can never be called (a refused address).
 */
export const callbackDeliveryStates = ['PENDING', 'DELIVERED', 'GAVE_UP'] as const;
export type CallbackDeliveryState = (typeof callbackDeliveryStates)[number];

/** One POST, as recorded on the callback document and shown in the run's view. */
export const callbackAttemptSchema = z.object({
  number: z.number().int().positive(),
  startTime: z.number(),
  durationMs: z.number().int().nonnegative(),
  /** The receiver's HTTP status, when it answered. */
  status: z.number().int().optional(),
  /** Why there was no usable answer (timeout, network, refused address, attempt died). */
  error: z.object({ code: z.string(), message: z.string() }).optional(),
});
export type CallbackAttempt = z.infer<typeof callbackAttemptSchema>;

/**
 * `runs/{runId}/callback/state` or `batches/{batchId}/callback/state`: the delivery of one run's or
 * batch's callback, created by its first delivery (docs/architecture.md, "Result callbacks"). Never
 * read or written by the commits of what it reports on, so the callback cannot change it.
 */
export const callbackStateSchema = z
  .object({
    schemaVersion: z.literal(1),
    /** The run it reports on; or, for a batch, `batchId`. */
    runId: z.string().optional(),
    batchId: z.string().optional(),
    url: z.string(),
    state: z.enum(callbackDeliveryStates),
    /** Attempts claimed so far; an attempt is claimed before its POST. */
    attempt: z.number().int().nonnegative(),
    /** While an attempt is in flight: when it was claimed, and the time before which no other delivery POSTs. */
    attemptStartTime: z.number().optional(),
    leaseExpireTime: z.number().optional(),
    /** After a failed attempt, the next one waits until this time. */
    nextAttemptTime: z.number().optional(),
    /**
     * When the delivery must next make progress: the next attempt's time, or the lease's end. Absent
     * once DELIVERED or GAVE_UP. The sweeper re-drives a callback whose due time is well past.
     */
    dueTime: z.number().optional(),
    /** Times the sweeper re-published the callback's message. */
    redrives: z.number().int().nonnegative().optional(),
    attempts: z.array(callbackAttemptSchema),
    /**
     * A batch's body, fixed at the first claim: a batch its source failed still changes after it
     * ended (its running items finish), and every attempt must send the same bytes. A run's body
     * is read from the run, which never changes once ended.
     */
    payload: z.string().optional(),
    createTime: z.number(),
    updateTime: z.number(),
    endTime: z.number().optional(),
  })
  .refine((state) => (state.runId === undefined) !== (state.batchId === undefined), 'a callback delivery names exactly one run or batch');
export type CallbackState = z.infer<typeof callbackStateSchema>;

/** The run or batch a delivery reports on. */
export function callbackSubjectOf(state: CallbackState): CallbackSubject {
  return state.runId !== undefined ? { kind: 'run', id: state.runId } : { kind: 'batch', id: state.batchId! };
}

/** What a callback reports on, as its claim transaction reads it: a batch with its lanes, whose totals its view sums. */
export type CallbackSubjectRecord = { kind: 'run'; run: Run } | { kind: 'batch'; batch: BatchRecord; lanes: BatchLane[] };

/** What the claim needs of a run or a batch. */
function claimViewOf(record: CallbackSubjectRecord): { subject: CallbackSubject; callback?: RunCallback; userId?: string; state: string; ended: boolean } {
  if (record.kind === 'run') {
    const { run } = record;
    return { subject: { kind: 'run', id: run.runId }, ...(run.callback ? { callback: run.callback } : {}), ...(run.userId !== undefined ? { userId: run.userId } : {}), state: run.state, ended: isTerminal(run.state) };
  }
  const { batch } = record;
  return { subject: { kind: 'batch', id: batch.batchId }, ...(batch.callback ? { callback: batch.callback } : {}), userId: batch.userId, state: batch.state, ended: isBatchEnded(batch.state) };
}

/** What a delivery of the callback message finds, decided in the claim transaction. */
export type CallbackClaim =
  /** Nothing to deliver: the run does not exist, has not ended, or named no callback. */
  | { kind: 'none'; reason: string }
  /** DELIVERED or GAVE_UP already: a redelivery. */
  | { kind: 'finished'; state: CallbackState }
  /** Another delivery's attempt is in flight: acknowledge, re-check when its lease ends. */
  | { kind: 'leased'; state: CallbackState }
  /** A failed attempt's retry is not due yet. */
  | { kind: 'waiting'; state: CallbackState }
  /** This delivery owns attempt `state.attempt`: POST, then record. */
  | { kind: 'claimed'; state: CallbackState }
  /** The bounds ran out before another attempt (an attempt that died was the last). */
  | { kind: 'gaveUp'; state: CallbackState };

/**
 * The claim (pure): from the ended run or batch and the stored delivery (undefined before the
 * first), what this delivery does and the document to write. An attempt that claimed and neither
 * recorded nor released before its lease ended died with its process: it is recorded as
 * ATTEMPT_DIED and counts against the bounds.
 */
export function claimCallback(record: CallbackSubjectRecord | undefined, stored: CallbackState | undefined, now: number, policy: CallbackPolicy): { claim: CallbackClaim; write?: CallbackState } {
  if (!record) return { claim: { kind: 'none', reason: 'the run or batch does not exist' } };
  const subject = claimViewOf(record);
  if (!subject.callback) return { claim: { kind: 'none', reason: `the ${subject.subject.kind} names no callback` } };
  if (!subject.ended) return { claim: { kind: 'none', reason: `the ${subject.subject.kind} is ${subject.state}, not ended` } };
  // Submission sets a callback only for a proven user, whose secret signs it.
  if (subject.userId === undefined) return { claim: { kind: 'none', reason: `the ${subject.subject.kind} has no proven user whose secret would sign it` } };
  const state = stored ?? newCallbackState(subject.subject, subject.callback.url, now);
  if (state.state !== 'PENDING') return { claim: { kind: 'finished', state } };
  if (state.leaseExpireTime !== undefined && state.leaseExpireTime > now) return { claim: { kind: 'leased', state } };
  if (state.nextAttemptTime !== undefined && state.nextAttemptTime > now) return { claim: { kind: 'waiting', state } };
  const settled = state.leaseExpireTime !== undefined ? recordDiedAttempt(state, now) : state;
  if (isExhausted(settled, now, policy)) {
    const gaveUp = giveUp(settled, now);
    return { claim: { kind: 'gaveUp', state: gaveUp }, write: gaveUp };
  }
  const leaseExpireTime = now + callbackLeaseMs(policy);
  const { nextAttemptTime: _next, ...rest } = settled;
  const claimed: CallbackState = { ...rest, attempt: settled.attempt + 1, attemptStartTime: now, leaseExpireTime, dueTime: leaseExpireTime, updateTime: now };
  return { claim: { kind: 'claimed', state: claimed }, write: claimed };
}

/** What one POST came to. */
export type CallbackOutcome =
  | { status: number }
  /** No usable answer; `permanent` when calling again can never help (a refused address). */
  | { error: { code: string; message: string }; permanent: boolean };

/**
 * Records attempt `attempt` (started at `startTime`) on the delivery and decides what follows:
 * DELIVERED on a 2xx; GAVE_UP on a permanent error or when the bounds leave no further attempt;
 * otherwise PENDING until a retry after a full-jitter backoff. Undefined when the attempt no longer
 * owns the delivery (its lease ended and another took over, or it finished): nothing is written.
 */
export function recordCallbackAttempt(
  state: CallbackState,
  attempt: number,
  startTime: number,
  outcome: CallbackOutcome,
  now: number,
  policy: CallbackPolicy,
  random: () => number,
): CallbackState | undefined {
  if (state.state !== 'PENDING' || state.attempt !== attempt || state.leaseExpireTime === undefined) return undefined;
  const record: CallbackAttempt = {
    number: attempt,
    startTime,
    durationMs: Math.max(0, now - startTime),
    ...('status' in outcome ? { status: outcome.status } : { error: outcome.error }),
  };
  const { attemptStartTime: _start, leaseExpireTime: _lease, dueTime: _due, ...rest } = state;
  const recorded: CallbackState = { ...rest, attempts: [...state.attempts, record], updateTime: now };
  if ('status' in outcome && isAccepted(outcome.status)) return { ...recorded, state: 'DELIVERED', endTime: now };
  if ('error' in outcome && outcome.permanent) return giveUp(recorded, now);
  const nextAttemptTime = now + callbackRetryDelayMs(attempt, policy, random);
  if (isExhausted(recorded, nextAttemptTime, policy)) return giveUp(recorded, now);
  return { ...recorded, nextAttemptTime, dueTime: nextAttemptTime };
}

/** A receiver accepts a callback with any 2xx; a redirect is not followed and counts as a failure. */
export function isAccepted(status: number): boolean {
  return status >= 200 && status < 300;
}

function newCallbackState(subject: CallbackSubject, url: string, now: number): CallbackState {
  const names = subject.kind === 'run' ? { runId: subject.id } : { batchId: subject.id };
  return { schemaVersion: 1, ...names, url, state: 'PENDING', attempt: 0, attempts: [], createTime: now, updateTime: now };
}

/** True when no attempt may start at `at`: every attempt was made, or it is past the bounded time after the first. */
function isExhausted(state: CallbackState, at: number, policy: CallbackPolicy): boolean {
  const first = state.attempts[0]?.startTime;
  return state.attempt >= policy.maxAttempts || (first !== undefined && at > first + policy.maxTotalMs);
}

function recordDiedAttempt(state: CallbackState, now: number): CallbackState {
  const { attemptStartTime, leaseExpireTime, dueTime: _due, ...rest } = state;
  const startTime = attemptStartTime ?? leaseExpireTime!;
  const died: CallbackAttempt = {
    number: state.attempt,
    startTime,
    durationMs: Math.max(0, leaseExpireTime! - startTime),
    error: { code: 'ATTEMPT_DIED', message: `Attempt ${state.attempt} recorded no outcome within its lease: its process crashed, hung or was stopped` },
  };
  return { ...rest, attempts: [...state.attempts, died], updateTime: now };
}

function giveUp(state: CallbackState, now: number): CallbackState {
  const { attemptStartTime: _start, leaseExpireTime: _lease, nextAttemptTime: _next, dueTime: _due, ...rest } = state;
  return { ...rest, state: 'GAVE_UP', updateTime: now, endTime: now };
}
