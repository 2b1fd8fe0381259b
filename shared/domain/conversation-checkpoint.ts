import { z } from 'zod';
import type { RunError } from './run.ts';
import { runEventSchema, type RunEvent } from './run-event.ts';

/**
 * The whole conversation of a run after its first `eventCount` events, stored as one document
 * (`runs/{runId}/conversation/latest`) and replaced by every transition that appends events. The
 * model step reads this one document instead of every event, so its reads stay flat as the
 * conversation grows, and storage stays linear in it.
 */
export const conversationCheckpointSchema = z.object({
  schemaVersion: z.literal(1),
  runId: z.string(),
  /** How many events it holds; also its document id. */
  eventCount: z.number().int().nonnegative(),
  /** Every event of the run so far, ordered by seq (session history included). */
  events: z.array(runEventSchema),
  createTime: z.number(),
});
export type ConversationCheckpoint = z.infer<typeof conversationCheckpointSchema>;

/**
 * The largest conversation a checkpoint holds, in bytes of its JSON. A Firestore document is at
 * most 1 MiB (1,048,576 bytes); this leaves room for the other fields and the document name.
 * Larger conversations would belong in an artifact store (docs/architecture.md, "Data"), which
 * does not exist yet, so a run that outgrows this ends FAILED with CONVERSATION_TOO_LARGE.
 */
export const maxConversationBytes = 1_000_000;

const encoder = new TextEncoder();

/**
 * The checkpoint after appending `added` to `previous` (the complete conversation so far), or the
 * error that ends the run when the result would not fit in one document.
 */
export function extendConversation(
  runId: string,
  previous: readonly RunEvent[],
  added: readonly RunEvent[],
  now: number,
): { checkpoint: ConversationCheckpoint } | { error: RunError } {
  const events = [...previous, ...added];
  const bytes = encoder.encode(JSON.stringify(events)).length;
  if (bytes > maxConversationBytes) {
    return {
      error: {
        code: 'CONVERSATION_TOO_LARGE',
        message:
          `The conversation of run ${runId} would grow to ${bytes} bytes, over the ${maxConversationBytes}-byte limit ` +
          'of one checkpoint document (Firestore documents are at most 1 MiB); conversations this large need an ' +
          'artifact store, which agentline does not have yet',
      },
    };
  }
  return { checkpoint: { schemaVersion: 1, runId, eventCount: events.length, events, createTime: now } };
}
