import { z } from 'zod';
import { outboxIdOf } from '../outbox.ts';
import type { OutboxMessage } from '../step.ts';
import { submissionSchema } from '../submission.ts';
import { batchSpecSchema } from './batch-spec.ts';

/**
 * A fan-out message; the first one of a batch a schedule's fire starts also carries what the
 * batch is made of (`create`), so the fire's transaction needs only to put it in its outbox.
 */
export const batchMessageSchema = z.strictObject({
  batchId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/),
  create: z.strictObject({ spec: batchSpecSchema, userId: z.string(), agent: submissionSchema.shape.agent, createTime: z.number() }).optional(),
});
export type BatchCreation = NonNullable<z.infer<typeof batchMessageSchema>['create']>;

/** Items read from the source per fan-out message (one transaction: items, lanes, outbox ≤ 500 writes). */
export const fanOutChunkItems = 200;

/** The message that reads the chunk starting at item `nextIndex`: one per chunk, so a repeat is the same message. */
export function fanOutMessage(batchId: string, nextIndex: number, create?: BatchCreation): OutboxMessage {
  return { topic: 'batch-fan-out', data: { batchId, ...(create ? { create } : {}) }, id: outboxIdOf('batch-fan-out', batchId, String(nextIndex)) };
}

