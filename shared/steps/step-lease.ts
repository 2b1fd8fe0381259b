import { NotFoundError, StepLeaseHeldError } from '../domain/errors.ts';
import type { Run } from '../domain/run.ts';
import type { Step } from '../domain/step.ts';
import type { RunTransaction } from '../ports/run-store.ts';

/** Reads a run and one of its steps in a transaction; a message naming neither is refused. */
export async function readRunAndStep(
  tx: RunTransaction,
  runId: string,
  stepId: string,
): Promise<{ run: Run; step: Step }> {
  const run = await tx.getRun(runId);
  const step = await tx.getStep(runId, stepId);
  if (!run) throw new NotFoundError(`Run ${runId} does not exist`);
  if (!step) throw new NotFoundError(`Step ${stepId} of run ${runId} does not exist`);
  return { run, step };
}

/**
 * Refuses a delivery while another attempt of the same step holds a live lease: that delivery
 * is redelivered later (by then the step is finished, or the lease expired and it takes over).
 */
export function assertLeaseFree(step: Step, now: number): void {
  if (step.state === 'RUNNING' && step.leaseExpireTime !== undefined && step.leaseExpireTime > now) {
    throw new StepLeaseHeldError(
      `Step ${step.stepId} of run ${step.runId} is running (attempt ${step.attempt}) until ${new Date(step.leaseExpireTime).toISOString()}`,
    );
  }
}

/** The step marked running for a new attempt. */
export function claimAttempt(step: Step, now: number, leaseMs: number): Step {
  const { retryTime: _retryTime, ...rest } = step;
  return {
    ...rest,
    state: 'RUNNING',
    attempt: step.attempt + 1,
    leaseExpireTime: now + leaseMs,
    startTime: step.startTime ?? now,
  };
}

/** True when the committing attempt still owns the step (no later attempt took it over). */
export function ownsAttempt(step: Step, attempt: number): boolean {
  return step.state === 'RUNNING' && step.attempt === attempt;
}

/** The step finished: lease dropped, result and outbox recorded. */
export function finishStep(
  step: Step,
  now: number,
  outcome: Pick<Step, 'state' | 'outbox'> & Partial<Pick<Step, 'result' | 'lastError'>>,
): Step {
  const { leaseExpireTime: _lease, retryTime: _retry, ...rest } = step;
  return { ...rest, ...outcome, endTime: now };
}
