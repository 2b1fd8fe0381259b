import type { Run } from '../domain/run.ts';
import type { RunEvent } from '../domain/run-event.ts';
import type { RunStore, RunTransaction } from '../ports/run-store.ts';

/**
 * The run's whole conversation: one checkpoint document when the transition that appended the
 * last event wrote one, otherwise every event (runs started before checkpoints existed, or a
 * writer that appended events without one). The fallback keeps such runs correct, only not flat.
 */
export async function loadConversation(store: Pick<RunStore, 'getConversation' | 'listEvents'>, run: Run): Promise<RunEvent[]> {
  const checkpoint = await store.getConversation(run.runId, run.eventCount);
  return checkpoint ? checkpoint.events : store.listEvents(run.runId);
}

/**
 * The same inside a transaction: the checkpoint is read through it; the fallback reads outside
 * it, which is safe because events are write-once.
 */
export async function loadConversationInTransaction(
  tx: RunTransaction,
  store: Pick<RunStore, 'listEvents'>,
  run: Run,
): Promise<RunEvent[]> {
  const checkpoint = await tx.getConversation(run.runId, run.eventCount);
  return checkpoint ? checkpoint.events : store.listEvents(run.runId);
}
