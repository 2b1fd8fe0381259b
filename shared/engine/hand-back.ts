import { isTerminal, type RunError } from '../domain/run.ts';
import { appendStream, stepHandedBackEntry } from '../domain/run-stream.ts';
import { ownsAttempt, pendingAgain } from '../domain/step-attempt.ts';
import { stepOutboxMessage, type Step } from '../domain/step.ts';
import type { Deps } from './deps.ts';

/**
 * Handing an attempt back (docs/architecture.md, "Waiting and retrying"): the step returns to
 * PENDING, due at its retry time, and a delayed message is scheduled for then. The delayed
 * message is a new Pub/Sub message, so waiting never spends the delivery attempts of the message
 * that started it; if the delay queue loses it, the sweeper re-drives the step once it is overdue.
 */

/**
 * Hands the attempt back until `retryTime` (or at once, when undefined) if it still owns the
 * step, recording why. Returns the step as written, or undefined when a later attempt owns it.
 */
export async function handBack(
  deps: Pick<Deps, 'store' | 'clock'>,
  step: Step,
  reason: RunError,
  retryTime: number | undefined,
  extra: Partial<Pick<Step, 'remoteTask' | 'failedAttempts' | 'quotaDeferred'>> = {},
): Promise<Step | undefined> {
  return deps.store.transact(async (tx) => {
    const run = await tx.getRun(step.runId);
    const current = await tx.getStep(step.runId, step.stepId);
    if (!current || !ownsAttempt(current, step.attempt)) return undefined;
    const now = deps.clock.now();
    const pending = pendingAgain(current, reason, retryTime, now, extra);
    tx.putStep(pending);
    // Reported in the run's event stream, which only a run write can number; an ended run is never written.
    if (run && !isTerminal(run.state)) {
      const handedBack = appendStream(run, run, [stepHandedBackEntry(pending, extra.remoteTask !== undefined, now)], now);
      tx.putRun(handedBack.run);
      tx.putStreamRecords(run.runId, handedBack.records);
    }
    return pending;
  });
}

/** Hands the attempt back until `retryTime` and schedules its delayed redelivery. */
export async function waitUntil(
  deps: Pick<Deps, 'store' | 'clock' | 'delayQueue'>,
  step: Step,
  reason: RunError,
  retryTime: number,
  extra: Partial<Pick<Step, 'remoteTask' | 'failedAttempts' | 'quotaDeferred'>> = {},
): Promise<void> {
  const waiting = await handBack(deps, step, reason, retryTime, extra);
  if (waiting) await scheduleRetry(deps, waiting);
}

/**
 * Gives up an attempt that failed with an error this process caught (a hard crash cannot; its
 * lease simply expires), so a redelivery takes over at once. Best effort: if it fails, the lease
 * expiring has the same effect later.
 */
export async function releaseAttempt(deps: Pick<Deps, 'store' | 'clock' | 'logger'>, step: Step, error: unknown): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  await handBack(deps, step, { code: 'ATTEMPT_FAILED', message }, undefined).catch((releaseError: unknown) =>
    deps.logger.warn('could not release a failed attempt; its lease will expire', { runId: step.runId, stepId: step.stepId, error: String(releaseError) }),
  );
}

const leaseEndSlackMs = 500;

/**
 * Schedules the delayed redelivery of a step waiting for its retry time. Idempotent per attempt
 * (and `suffix`: a second schedule for the same attempt, after the first message came early).
 */
export async function scheduleRetry(deps: Pick<Deps, 'delayQueue' | 'clock'>, step: Step, suffix?: string): Promise<void> {
  const delay = Math.max(0, (step.retryTime ?? 0) - deps.clock.now());
  await deps.delayQueue.schedule(stepOutboxMessage(step.runId, step.stepId), delay, `${step.runId}-${step.stepId}-${step.attempt}${suffix ? `-${suffix}` : ''}`);
}

/**
 * A delivery that met another attempt's live lease (a duplicate, or a redelivery after the
 * holder crashed): it is acknowledged — a nack would spend one of the subscription's delivery
 * attempts per backoff for the whole lease — and the step is checked again when the lease ends,
 * when a dead holder's attempt is taken over. Idempotent per attempt.
 */
export async function recheckAtLeaseEnd(deps: Pick<Deps, 'delayQueue' | 'clock'>, step: Step): Promise<void> {
  // A little after the end, so a clock a little behind ours does not find the lease still live.
  const delay = Math.max(0, (step.leaseExpireTime ?? 0) - deps.clock.now()) + leaseEndSlackMs;
  await deps.delayQueue.schedule(stepOutboxMessage(step.runId, step.stepId), delay, `${step.runId}-${step.stepId}-${step.attempt}-lease`);
}
