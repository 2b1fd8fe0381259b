import { z } from 'zod';
import { contentSchema } from './content.ts';

/**
 * One entry of a run's append-only conversation, `runs/{runId}/events/{seq}`. Events copied from
 * the session at submission have origin `session` and are not appended to the session again.
 */
export const runEventSchema = z.object({
  schemaVersion: z.literal(1),
  seq: z.number().int().nonnegative(),
  origin: z.enum(['session', 'run']),
  content: contentSchema,
  /** The step that produced it (absent for the user's input and session history). */
  stepId: z.string().optional(),
  createTime: z.number(),
});
export type RunEvent = z.infer<typeof runEventSchema>;
