import { failRun } from '../domain/decide-next-steps.ts';
import { InvalidInputError } from '../domain/errors.ts';
import { closeStep, finishStep } from '../domain/step-attempt.ts';
import { hasUnsettledIntent, isStepFinished, stepMessageSchema, type Step, type StepMessage } from '../domain/step.ts';
import type { Delivery } from '../engine/delivery.ts';
import type { Deps } from '../engine/deps.ts';
import { runEndedError } from '../engine/ended-runs.ts';
import { commitRunChange } from '../engine/run-change.ts';

/**
 * Consumes the dead-letter topic. A step message that used up its delivery attempts fails its
 * run with the step's last error, and closes the step so nothing re-drives it — unless the step
 * committed meanwhile and owes nothing more, in which case the run is healthy and is left alone, or the step holds a
 * non-repeatable call's unsettled intent, which stays open for the sweeper to have it settled
 * (a second dead letter for it closes it). Anything else (a
 * submission, an unreadable message) is refused, which records it as a rejection, so nothing
 * dead-lettered goes unseen.
 */
export function createDeadLetterHandler(deps: Pick<Deps, 'store' | 'outbox' | 'queue' | 'clock' | 'logger'>) {
  return async function handleDeadLetter(delivery: Delivery): Promise<void> {
    const message = parseStepMessage(delivery);
    if (!message) {
      throw new InvalidInputError(
        `Dead-lettered after repeated delivery failures: a message from ${delivery.attributes['agentlineTopic'] ?? 'an unknown topic'} that is not a step message`,
        { code: 'DEAD_LETTERED' },
      );
    }
    await commitRunChange(
      deps,
      message.runId,
      async ({ tx, run, now }) => {
        const step = await tx.getStep(message.runId, message.stepId);
        // A committed step owes nothing more — unless it still owes its group's join (a due time),
        // which its deliveries kept failing to make: then the run cannot go on either.
        if (!step || (isStepFinished(step) && step.dueTime === undefined)) return undefined;
        // The step's last recorded error is the reason a user needs; the delivery count is not.
        const lastError = step.lastError ? `; last error: ${step.lastError.message}` : '';
        const error = {
          code: 'DEAD_LETTERED',
          message: `Step ${message.stepId} (${message.kind}) could not be processed and was dead-lettered after repeated delivery failures${lastError}`,
        };
        const ended = failRun(run, error, now);
        deps.logger.error('step dead-lettered', { runId: message.runId, stepId: message.stepId });
        // A call that may have acted stays open, so the sweeper re-drives it to be settled.
        if (hasUnsettledIntent(step)) return { transition: ended };
        if (isStepFinished(step)) return { transition: ended, steps: [{ ...withoutDueTime(step), lastError: error }] };
        return { transition: ended, steps: [finishStep(step, now, { state: 'FAILED', outbox: ended.outbox, lastError: error })] };
      },
      async ({ tx, run, now }) => {
        const step = await tx.getStep(message.runId, message.stepId);
        return step && !isStepFinished(step) ? [closeStep(step, now, runEndedError(run))] : [];
      },
    );
  };
}

function withoutDueTime(step: Step): Step {
  const { dueTime: _due, ...rest } = step;
  return rest;
}

function parseStepMessage(delivery: Delivery): StepMessage | undefined {
  try {
    const parsed = stepMessageSchema.safeParse(JSON.parse(delivery.data.toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
