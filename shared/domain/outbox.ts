import { createHash } from 'node:crypto';
import { z } from 'zod';
import { outboxTopicSchema, type OutboxMessage } from './step.ts';

/**
 * A committed message that is not a step message, stored as `outbox/{id}` in the transaction
 * that decided it and deleted once published. The sweeper publishes entries still present after
 * a grace period, so a message is published even if its process died right after the commit
 * (docs/architecture.md, "The outbox").
 */
export const outboxEntrySchema = z.object({
  schemaVersion: z.literal(1),
  id: z.string().min(1),
  topic: outboxTopicSchema,
  data: z.record(z.string(), z.unknown()),
  createTime: z.number(),
  /** When it is owed: at commit. The sweeper publishes entries still here well after it. */
  dueTime: z.number(),
});
export type OutboxEntry = z.infer<typeof outboxEntrySchema>;

/** The stored entry of a message with an id; throws for a step message (which needs none). */
export function outboxEntryOf(message: OutboxMessage, now: number): OutboxEntry {
  if (!message.id) throw new Error(`Outbox message for ${message.topic} has no id`);
  return { schemaVersion: 1, id: message.id, topic: message.topic, data: message.data, createTime: now, dueTime: now };
}

/** The message an entry publishes. */
export function outboxMessageOf(entry: OutboxEntry): OutboxMessage {
  return { topic: entry.topic, data: entry.data, id: entry.id };
}

/**
 * A document id for an outbox message from the parts that make it unique (a resource name may
 * hold slashes, which a document id may not): `<prefix>-<sha256 prefix of the parts>`.
 */
export function outboxIdOf(prefix: string, ...parts: string[]): string {
  return `${prefix}-${createHash('sha256').update(parts.join('\n')).digest('hex').slice(0, 40)}`;
}
