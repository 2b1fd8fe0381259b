import type { Run, RunError } from '../domain/run.ts';
import { cancelRun, deadlineExceededError } from '../domain/run-ending.ts';
import { closeStep } from '../domain/step-attempt.ts';
import type { OutboxMessage, Step } from '../domain/step.ts';
import type { RunTransaction } from '../ports/run-store.ts';
import { writeTransition } from './write-transition.ts';

/**
 * The terminal-run rule (docs/architecture.md, "Ended is ended"): a SUCCEEDED, FAILED or
 * CANCELLED run is never changed again, and no effect starts for it; a step that meets one is
 * closed (CANCELLED) with this reason, keeping whatever its effect recorded.
 */
export function runEndedError(run: Run): RunError {
  return { code: 'RUN_ENDED', message: `Run ${run.runId} ended ${run.state} before this step committed; the run was not changed` };
}

/**
 * A run met past its deadline: ends it CANCELLED with DEADLINE_EXCEEDED and closes `step`, in
 * `tx`. Returns the outbox to publish after the commit.
 */
export function endForDeadline(tx: RunTransaction, run: Run, step: Step | undefined, now: number, result?: Record<string, unknown>): OutboxMessage[] {
  const error = deadlineExceededError(run);
  const ended = cancelRun(run, error, now);
  writeTransition(tx, run, ended, now);
  if (step) tx.putStep(closeStep(step, now, error, result));
  return ended.outbox;
}
