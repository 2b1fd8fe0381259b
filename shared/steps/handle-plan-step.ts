import { decideNextSteps } from '../domain/decide-next-steps.ts';
import { isStepFinished } from '../domain/step.ts';
import { writeTransition } from './commit-step.ts';
import { decodeStepMessage, type Delivery } from './delivery.ts';
import { publishOutbox } from './publish-outbox.ts';
import { readAgentLifecycle } from './read-agent-lifecycle.ts';
import type { Deps } from './step-deps.ts';
import { finishStep, readRunAndStep } from './step-lease.ts';

/**
 * The orchestrator step: at run start and on resume it turns the checkpoint into the next
 * steps, obeying the agent's lifecycle as it is now (a parked run's resume plan step un-parks it
 * only if the agent still allows it to run, else parks it again). It has no effect outside its
 * transaction, so it needs no lease: the transaction that
 * finishes the plan step is its claim.
 */
export function createPlanStepHandler(deps: Pick<Deps, 'store' | 'queue' | 'clock'>) {
  return async function handlePlanStep(delivery: Delivery): Promise<void> {
    const message = decodeStepMessage(delivery);
    const outbox = await deps.store.transact(async (tx) => {
      const { run, step } = await readRunAndStep(tx, message.runId, message.stepId);
      if (isStepFinished(step)) return { messages: step.outbox, repeat: true };
      const lifecycle = await readAgentLifecycle(tx, run);
      const now = deps.clock.now();
      const transition = decideNextSteps(run, now, lifecycle);
      const planned = { ...step, attempt: step.attempt + 1, startTime: now };
      writeTransition(tx, transition, finishStep(planned, now, { state: 'SUCCEEDED', outbox: transition.outbox }));
      return { messages: transition.outbox, repeat: false };
    });
    await publishOutbox(deps, message.runId, outbox.messages, outbox.repeat);
  };
}
