import type { Run } from '../domain/run.ts';
import type { RunEvent } from '../domain/run-event.ts';
import type { RunStore, RunTransaction } from '../ports/run-store.ts';

/**
 * The run's whole conversation: its one checkpoint document when that holds the run's
 * `eventCount` events, otherwise every event (a conversation too large for one document, runs
 * started before checkpoints existed, or whose checkpoint a newer transition already replaced).
 * The fallback keeps such runs correct, only not flat.
 */
export async function loadConversation(store: Pick<RunStore, 'getConversation' | 'listEvents'>, run: Run): Promise<RunEvent[]> {
  const checkpoint = await store.getConversation(run.runId);
  return checkpoint?.eventCount === run.eventCount && !checkpoint.inEvents ? checkpoint.events : eventsUpTo(store, run);
}

/**
 * The same inside a transaction: the checkpoint is read through it; the fallback reads outside
 * it, which is safe because events are write-once.
 */
export async function loadConversationInTransaction(tx: RunTransaction, store: Pick<RunStore, 'listEvents'>, run: Run): Promise<RunEvent[]> {
  const checkpoint = await tx.getConversation(run.runId);
  return checkpoint?.eventCount === run.eventCount && !checkpoint.inEvents ? checkpoint.events : eventsUpTo(store, run);
}

async function eventsUpTo(store: Pick<RunStore, 'listEvents'>, run: Run): Promise<RunEvent[]> {
  return (await store.listEvents(run.runId)).filter((event) => event.seq < run.eventCount);
}
