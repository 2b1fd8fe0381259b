import { z } from 'zod';
import { outboxIdOf } from './outbox.ts';
import type { OutboxMessage } from './step.ts';

/**
 * The message on agentline-run-control: a request to change a run from outside its steps.
 * Today the one action is `cancel`; the run ends CANCELLED at once and its steps stop at their
 * next commit. Repeats are harmless: an ended run is not changed again.
 */
export const runControlMessageSchema = z.strictObject({
  schemaVersion: z.literal(1),
  runId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be a run id'),
  action: z.literal('cancel'),
  /** Shown in the run's error message. */
  reason: z.string().max(1_000).optional(),
  /** Who asked, shown in the run's error message (`agentline runs cancel` sets it from `--user`; it is not authenticated — the control topic's IAM is the boundary). */
  requestedBy: z.string().max(256).optional(),
  /**
   * The run may not be written yet: a batch item's, whose submission was published with the item
   * and may still be on its way. A run not found is then retried (Pub/Sub redelivers, and in the
   * end dead-letters) instead of refused.
   */
  waitForRun: z.literal(true).optional(),
});
export type RunControlMessage = z.infer<typeof runControlMessageSchema>;

/** A cancellation request as an outbox message (its id names the request, so a repeat is one entry). */
export function runCancelOutboxMessage(request: Omit<RunControlMessage, 'schemaVersion' | 'action'>, requestId: string): OutboxMessage {
  const data: RunControlMessage = { schemaVersion: 1, action: 'cancel', ...request };
  return { topic: 'run-control', data, id: outboxIdOf('run-control', request.runId, requestId) };
}
