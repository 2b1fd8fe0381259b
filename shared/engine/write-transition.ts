import type { Transition } from '../domain/decide-next-steps.ts';
import { outboxEntryOf } from '../domain/outbox.ts';
import type { Run } from '../domain/run.ts';
import { appendStream, type RunStreamEntry } from '../domain/run-stream.ts';
import type { RunTransaction } from '../ports/run-store.ts';

/**
 * Writes a transition in `tx`: the run's new checkpoint, the steps it enqueues (each its own
 * outbox record) and an outbox entry for every other message, so that what the transition will
 * publish is committed with it (docs/architecture.md, "The outbox"). `stream` is appended to the
 * run's event stream with the run (and `done`, when the transition ends the run), its sequence
 * numbers allocated from the run as `before` was read in `tx` (docs/architecture.md, "Run events").
 * `before` is undefined when the transition creates the run.
 */
export function writeTransition(
  tx: RunTransaction,
  before: Run | undefined,
  transition: Transition,
  now: number,
  options: { createRun?: boolean; stream?: readonly RunStreamEntry[] } = {},
): void {
  const { run, records } = appendStream(before ?? { ...transition.run, state: 'QUEUED', streamCount: 0 }, transition.run, options.stream ?? [], now);
  if (options.createRun) tx.createRun(run);
  else tx.putRun(run);
  if (records.length > 0) tx.putStreamRecords(run.runId, records);
  for (const step of transition.newSteps) tx.createStep(step);
  for (const message of transition.outbox) if (!message.stepId) tx.putOutbox(outboxEntryOf(message, now));
}
