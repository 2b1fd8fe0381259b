import type { OutboxMessage } from '../domain/step.ts';
import type { Deps } from './deps.ts';

type DispatchDeps = Pick<Deps, 'store' | 'outbox' | 'queue' | 'logger'>;

/**
 * Publishes what a committed transition put in its outbox, then deletes the outbox entries of
 * the messages that have one (step messages have none: their PENDING step is the record).
 *
 * On a `repeat` (a redelivery found the transition already committed) only what may not have
 * gone out is sent again: step messages whose step was never claimed (a claimed step proves its
 * message arrived, and re-sending it would echo duplicates down the run) and messages whose
 * outbox entry still exists. Whatever a crash leaves unpublished, the sweeper publishes later.
 */
export async function dispatchOutbox(deps: DispatchDeps, messages: readonly OutboxMessage[], options: { repeat: boolean }): Promise<void> {
  await publishCommitted(deps, options.repeat ? await stillPending(deps, messages) : messages);
}

/** Publishes committed messages, then deletes their outbox entries (the registry's path too). */
export async function publishCommitted(deps: Pick<Deps, 'outbox' | 'queue' | 'logger'>, messages: readonly OutboxMessage[]): Promise<void> {
  if (messages.length === 0) return;
  await deps.queue.publish(messages);
  const ids = messages.flatMap((message) => (message.id ? [message.id] : []));
  if (ids.length === 0) return;
  // Published already: failing to delete only means the sweeper publishes a harmless duplicate.
  await deps.outbox.delete(ids).catch((error: unknown) => deps.logger.warn('could not delete published outbox entries', { ids, error: String(error) }));
}

async function stillPending(deps: DispatchDeps, messages: readonly OutboxMessage[]): Promise<OutboxMessage[]> {
  const stepMessages = messages.filter((message) => message.stepId);
  const runId = stepMessages[0]?.data['runId'] as string | undefined;
  const steps = runId ? await deps.store.getSteps(runId, stepMessages.map((message) => message.stepId!)) : [];
  const unclaimed = new Set(steps.flatMap((step) => (step && step.state === 'PENDING' && step.attempt === 0 ? [step.stepId] : [])));
  const ids = messages.flatMap((message) => (message.id ? [message.id] : []));
  const entries = await deps.outbox.get(ids);
  const stored = new Set(entries.flatMap((entry) => (entry ? [entry.id] : [])));
  // A message with neither (committed before outbox entries existed) is sent again, as it was then.
  return messages.filter((message) => (message.stepId ? unclaimed.has(message.stepId) : message.id ? stored.has(message.id) : true));
}
