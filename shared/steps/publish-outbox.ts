import type { OutboxMessage } from '../domain/step.ts';
import type { RunStore } from '../ports/run-store.ts';
import type { StepQueue } from '../ports/step-queue.ts';

/**
 * Publishes a committed transition's outbox. On a repeat (a redelivered message whose
 * transition is already committed) only step messages whose step was never claimed are sent
 * again: a claimed step proves its message arrived, so re-sending it would only echo
 * duplicates down the rest of the run. Results are always re-sent (their consumers dedupe).
 */
export async function publishOutbox(
  deps: { store: RunStore; queue: StepQueue },
  runId: string,
  outbox: readonly OutboxMessage[],
  repeat: boolean,
): Promise<void> {
  if (outbox.length === 0) return;
  if (!repeat) return deps.queue.publish(outbox);
  const stepIds = outbox.flatMap((message) => (message.stepId ? [message.stepId] : []));
  const steps = await deps.store.getSteps(runId, stepIds);
  const unclaimed = new Set(
    steps.flatMap((step) => (step && step.state === 'PENDING' && step.attempt === 0 ? [step.stepId] : [])),
  );
  const missing = outbox.filter((message) => !message.stepId || unclaimed.has(message.stepId));
  if (missing.length > 0) await deps.queue.publish(missing);
}
