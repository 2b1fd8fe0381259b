import type { RunError } from './run.ts';
import type { Step } from './step.ts';

/**
 * The life of one step attempt as pure changes to the step document: claimed (RUNNING, leased),
 * handed back (PENDING, possibly until a retry time), finished, or closed because its run ended.
 * Every change keeps `dueTime` true, so the sweeper finds exactly the steps that owe progress
 * (docs/architecture.md, "Step states").
 */

/** True while another attempt holds the step: it must not run again until `leaseExpireTime`. */
export function isLeaseLive(step: Step, now: number): boolean {
  return step.state === 'RUNNING' && step.leaseExpireTime !== undefined && step.leaseExpireTime > now;
}

/** True when a delivery arrives before the step's retry time. */
export function isBeforeRetryTime(step: Step, now: number): boolean {
  return step.state === 'PENDING' && step.retryTime !== undefined && step.retryTime > now;
}

/** The step marked running for a new attempt, due again when the lease ends. */
export function claimAttempt(step: Step, now: number, leaseMs: number): Step {
  const { retryTime: _retryTime, woken: _woken, ...rest } = step;
  const leaseExpireTime = now + leaseMs;
  return { ...rest, state: 'RUNNING', attempt: step.attempt + 1, leaseExpireTime, dueTime: leaseExpireTime, startTime: step.startTime ?? now };
}

/** True when the committing attempt still owns the step (no later attempt took it over). */
export function ownsAttempt(step: Step, attempt: number): boolean {
  return step.state === 'RUNNING' && step.attempt === attempt;
}

/**
 * The attempt handed back: PENDING, lease dropped, due at `retryTime` (or at once). `extra`
 * carries what the next attempt needs (a remote task to follow, the failure count).
 */
export function pendingAgain(
  step: Step,
  lastError: RunError,
  retryTime: number | undefined,
  now: number,
  extra: Partial<Pick<Step, 'remoteTask' | 'failedAttempts' | 'quotaDeferred'>> = {},
): Step {
  const { leaseExpireTime: _lease, retryTime: _retry, woken, ...rest } = step;
  // The task it follows already said it is done: due at once, not at the recheck time.
  const due = woken && extra.remoteTask ? undefined : retryTime;
  return { ...rest, ...extra, state: 'PENDING', lastError, dueTime: due ?? now, ...(due === undefined ? {} : { retryTime: due }) };
}

/**
 * The step committed: lease and due time dropped, result and outbox recorded. `dueTime` is kept
 * only when the caller still owes a check (a parallel call committed before its turn's join).
 */
export function finishStep(
  step: Step,
  now: number,
  outcome: Pick<Step, 'state' | 'outbox'> & Partial<Pick<Step, 'result' | 'lastError' | 'dueTime'>>,
): Step {
  // An earlier attempt's error does not describe the outcome; only the outcome's own does.
  const { leaseExpireTime: _lease, retryTime: _retry, dueTime: _due, lastError: _earlier, woken: _woken, ...rest } = step;
  return { ...rest, ...outcome, endTime: now };
}

/** The step closed without touching its run, which ended first; `result` keeps what its effect did. */
export function closeStep(step: Step, now: number, reason: RunError, result?: Record<string, unknown>): Step {
  return finishStep(step, now, { state: 'CANCELLED', outbox: [], lastError: reason, ...(result ? { result } : {}) });
}
