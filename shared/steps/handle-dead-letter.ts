import { failRun } from '../domain/decide-next-steps.ts';
import { InvalidInputError } from '../domain/errors.ts';
import { isTerminal } from '../domain/run.ts';
import { stepMessageSchema } from '../domain/step.ts';
import type { Delivery } from './delivery.ts';
import { publishOutbox } from './publish-outbox.ts';
import type { Deps } from './step-deps.ts';

/**
 * Consumes the dead-letter topic. A step message that exhausted its delivery attempts fails its
 * run with the reason; anything else (a submission, an unreadable message) is refused, which
 * records it as a rejection, so nothing dead-lettered goes unseen.
 */
export function createDeadLetterHandler(deps: Pick<Deps, 'store' | 'queue' | 'clock' | 'logger'>) {
  return async function handleDeadLetter(delivery: Delivery): Promise<void> {
    const step = parseStepMessage(delivery);
    if (!step) {
      throw new InvalidInputError(
        `Dead-lettered after repeated delivery failures: a message from ${delivery.attributes['agentlineTopic'] ?? 'an unknown topic'} that is not a step message`,
        { code: 'DEAD_LETTERED' },
      );
    }
    const outbox = await deps.store.transact(async (tx) => {
      const run = await tx.getRun(step.runId);
      if (!run || isTerminal(run.state)) return [];
      const stored = await tx.getStep(step.runId, step.stepId);
      // The step's last recorded error is the reason a user needs; the delivery count is not.
      const lastError = stored?.lastError ? `; last error: ${stored.lastError.message}` : '';
      const ended = failRun(
        run,
        {
          code: 'DEAD_LETTERED',
          message: `Step ${step.stepId} (${step.kind}) could not be processed and was dead-lettered after repeated delivery failures${lastError}`,
        },
        deps.clock.now(),
      );
      tx.putRun(ended.run);
      return ended.outbox;
    });
    deps.logger.error('step dead-lettered', { runId: step.runId, stepId: step.stepId });
    await publishOutbox(deps, step.runId, outbox, false);
  };
}

function parseStepMessage(delivery: Delivery) {
  try {
    const parsed = stepMessageSchema.safeParse(JSON.parse(delivery.data.toString('utf8')));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
