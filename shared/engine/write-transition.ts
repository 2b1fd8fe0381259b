import type { Transition } from '../domain/decide-next-steps.ts';
import { outboxEntryOf } from '../domain/outbox.ts';
import type { RunTransaction } from '../ports/run-store.ts';

/**
 * Writes a transition in `tx`: the run's new checkpoint, the steps it enqueues (each its own
 * outbox record) and an outbox entry for every other message, so that what the transition will
 * publish is committed with it (docs/architecture.md, "The outbox").
 */
export function writeTransition(tx: RunTransaction, transition: Transition, now: number, options: { createRun?: boolean } = {}): void {
  if (options.createRun) tx.createRun(transition.run);
  else tx.putRun(transition.run);
  for (const step of transition.newSteps) tx.createStep(step);
  for (const message of transition.outbox) if (!message.stepId) tx.putOutbox(outboxEntryOf(message, now));
}
