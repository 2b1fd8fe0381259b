import { z } from 'zod';

/**
 * A message that could not become (or advance) a run, kept where a user can find it
 * (`rejections/{id}`) instead of being dropped or redelivered forever.
 */
export const rejectionSchema = z.object({
  schemaVersion: z.literal(1),
  id: z.string(),
  /** The topic or endpoint the message came in on. */
  source: z.string(),
  code: z.string(),
  message: z.string(),
  /** The first bytes of the payload, for diagnosis; never secrets (payloads carry none). */
  payloadPreview: z.string(),
  payloadBytes: z.number().int().nonnegative(),
  attributes: z.record(z.string(), z.string()),
  createTime: z.number(),
});
export type Rejection = z.infer<typeof rejectionSchema>;
