import { TransientError } from '../domain/errors.ts';
import type { Step } from '../domain/step.ts';
import { stepOutboxMessage } from '../domain/step.ts';
import { returnToPending } from './commit-step.ts';
import type { RemoteTaskProgress } from './remote-agent-turn.ts';
import type { Deps } from './step-deps.ts';

/**
 * Waiting steps: a step handed back to PENDING with a `retryTime` is redelivered through the
 * delay queue at that time. Model steps wait after a transient failure or for a remote task;
 * tool steps wait for a sub-agent's remote task.
 */

/**
 * A remote task still running when the attempt's follow time ran out: the step goes back to
 * PENDING with the task id (so the next attempt follows it instead of sending again) and is
 * redelivered after `settings.remoteAgent.recheckDelayMs`.
 */
export async function awaitRemoteTask(
  deps: Pick<Deps, 'store' | 'delayQueue' | 'clock' | 'settings'>,
  step: Step,
  pending: Extract<RemoteTaskProgress, { kind: 'pending' }>,
): Promise<void> {
  const retryTime = deps.clock.now() + deps.settings.remoteAgent.recheckDelayMs;
  const remoteTask = { taskId: pending.taskId, startTime: pending.startTime };
  const running = { code: 'A2A_TASK_RUNNING', message: `Remote task ${pending.taskId} is still running` };
  const waiting = await returnToPending(deps.store, step, running, retryTime, { remoteTask });
  if (waiting) await rescheduleRetry(deps, waiting);
}

/** True when a delivery arrives before the step's retry time (see `awaitRetryTime`). */
export function isBeforeRetryTime(step: Step, now: number): boolean {
  return step.retryTime !== undefined && step.retryTime > now;
}

/**
 * A delivery that arrives before the step's retry time. Far from it (a duplicate of the message
 * that failed), the delayed redelivery is scheduled again, which is idempotent per attempt. Close
 * to it (the delayed message itself, a little early by another machine's clock), scheduling
 * again would be deduplicated away by the delay queue, so Pub/Sub is asked to redeliver instead.
 */
export async function awaitRetryTime(deps: Pick<Deps, 'delayQueue' | 'clock'>, step: Step): Promise<void> {
  const remainingMs = (step.retryTime ?? 0) - deps.clock.now();
  if (remainingMs <= clockSkewToleranceMs) {
    throw new TransientError(`Step ${step.stepId} of run ${step.runId} retries in ${remainingMs} ms`, { code: 'RETRY_NOT_DUE' });
  }
  await rescheduleRetry(deps, step);
}

const clockSkewToleranceMs = 2_000;

/** Schedules the delayed redelivery of a step waiting for its retry time. Idempotent per attempt. */
export async function rescheduleRetry(deps: Pick<Deps, 'delayQueue' | 'clock'>, step: Step): Promise<void> {
  const delay = Math.max(0, (step.retryTime ?? 0) - deps.clock.now());
  await deps.delayQueue.schedule(stepOutboxMessage(step.runId, step.stepId), delay, `${step.runId}-${step.stepId}-${step.attempt}`);
}
