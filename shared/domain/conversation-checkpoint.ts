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
  /** Every event of the run so far, ordered by seq (session history included); empty when `inEvents`. */
  events: z.array(runEventSchema),
  /**
   * The conversation outgrew one document: its events are read from the run's event documents
   * (each at most `maxEventBytes`), which every transition writes anyway, so nothing is lost.
   */
  inEvents: z.literal(true).optional(),
  createTime: z.number(),
});
export type ConversationCheckpoint = z.infer<typeof conversationCheckpointSchema>;

/**
 * The largest conversation a checkpoint document holds, in bytes of its JSON. A Firestore
 * document is at most 1 MiB (1,048,576 bytes); this leaves room for the other fields and the
 * document name. A larger conversation is kept in its event documents alone (`inEvents`).
 */
export const maxConversationBytes = 1_000_000;

/** The largest one event may be: it is one document of its own (`runs/{runId}/events/{seq}`). */
export const maxEventBytes = 1_000_000;

const encoder = new TextEncoder();

/**
 * The checkpoint after appending `added` to `previous` (the complete conversation so far): the
 * events themselves while they fit in one document, past that a checkpoint that says to read the
 * event documents (docs/architecture.md, "Data"). Only an event too large for a document of its
 * own is an error, which ends the run.
 */
export function extendConversation(
  runId: string,
  previous: readonly RunEvent[],
  added: readonly RunEvent[],
  now: number,
): { checkpoint: ConversationCheckpoint } | { error: RunError } {
  for (const event of added) {
    const bytes = encoder.encode(JSON.stringify(event)).length;
    if (bytes > maxEventBytes) {
      return {
        error: {
          code: 'EVENT_TOO_LARGE',
          message: `Run ${runId} produced an event of ${bytes} bytes, over the ${maxEventBytes}-byte limit of one event document (Firestore documents are at most 1 MiB)`,
        },
      };
    }
  }
  const events = [...previous, ...added];
  if (encoder.encode(JSON.stringify(events)).length > maxConversationBytes) {
    return { checkpoint: { schemaVersion: 1, runId, eventCount: events.length, events: [], inEvents: true, createTime: now } };
  }
  return { checkpoint: { schemaVersion: 1, runId, eventCount: events.length, events, createTime: now } };
}
