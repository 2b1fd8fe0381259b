import { z } from 'zod';
import { contentSchema } from './content.ts';

/**
 * One run's contribution to a session, `users/{userId}/sessions/{sessionId}/entries/{runId}`:
 * written once per run. A session belongs to one proven user; an anonymous run has none.
 */
export const sessionEntrySchema = z.object({
  schemaVersion: z.literal(1),
  sessionId: z.string(),
  userId: z.string(),
  runId: z.string(),
  runCreateTime: z.number(),
  contents: z.array(contentSchema),
  createTime: z.number(),
});
export type SessionEntry = z.infer<typeof sessionEntrySchema>;

export const memoryRecordSchema = z.object({
  schemaVersion: z.literal(1),
  userId: z.string(),
  memoryId: z.string(),
  runId: z.string(),
  sessionId: z.string().optional(),
  agentName: z.string().optional(),
  input: z.string(),
  output: z.string(),
  createTime: z.number(),
});
