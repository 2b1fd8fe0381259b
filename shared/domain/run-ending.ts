import { endRun, type Transition } from './decide-next-steps.ts';
import { toRfc3339 } from './run-view.ts';
import type { Run, RunError } from './run.ts';

/**
 * Runs ended from outside their own steps: a cancellation, a passed deadline. Both end the run
 * CANCELLED; whatever step is in flight finds the run ended at its next commit and changes
 * nothing (docs/architecture.md, "Ended is ended").
 */

/** The error of a run cancelled on request; `reason` is the requester's, if any. */
export function cancelledError(requestedBy: string | undefined, reason: string | undefined): RunError {
  const by = requestedBy ? ` by ${requestedBy}` : '';
  return { code: 'CANCELLED', message: `The run was cancelled${by}${reason ? `: ${reason}` : ''}` };
}

/** The error of a run that was still going at its deadline. */
export function deadlineExceededError(run: Pick<Run, 'deadlineTime'>): RunError {
  const deadline = run.deadlineTime === undefined ? 'its deadline' : `its deadline ${toRfc3339(run.deadlineTime)}`;
  return { code: 'DEADLINE_EXCEEDED', message: `The run did not finish by ${deadline}` };
}

/** Ends a run CANCELLED with `error` (a cancellation or DEADLINE_EXCEEDED) and publishes the outcome. */
export function cancelRun(run: Run, error: RunError, now: number): Transition {
  return endRun({ ...run, state: 'CANCELLED', error }, now);
}
