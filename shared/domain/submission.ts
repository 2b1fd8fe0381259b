import { createHash } from 'node:crypto';
import { z } from 'zod';

const idSchema = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/, 'must be 1-128 letters, digits or ._:@-');

/**
 * A request to start a run, as published on agentline-tasks (and built by the CLI and the HTTP
 * API). The agent is either inline ADK Agent Config YAML or the name of a registered agent.
 */
export const submissionSchema = z
  .object({
    schemaVersion: z.literal(1).default(1),
    agent: z.union([
      z.object({ configYaml: z.string().min(1), fileName: z.string().max(512).optional() }).strict(),
      z.object({ name: z.string().min(1).max(512) }).strict(),
    ]),
    input: z.string().min(1).max(200_000),
    /** ADK RunConfig in snake_case or camelCase; validated by parseRunConfig. */
    runConfig: z.record(z.string(), z.unknown()).optional(),
    sessionId: idSchema.optional(),
    userId: idSchema.optional(),
    /** The same key (for the same user) never starts a second run. */
    idempotencyKey: z.string().min(1).max(256).optional(),
  })
  .strict();
export type Submission = z.infer<typeof submissionSchema>;

/**
 * The run id of a submission: derived from its idempotency key (scoped to the user) when it has
 * one, else from the Pub/Sub message id, so a redelivered submission names the same run.
 */
export function deriveRunId(
  submission: Pick<Submission, 'idempotencyKey' | 'userId'>,
  messageId: string,
): string {
  const basis = submission.idempotencyKey
    ? `key\n${submission.userId ?? ''}\n${submission.idempotencyKey}`
    : `message\n${messageId}`;
  return `r${createHash('sha256').update(basis).digest('hex').slice(0, 24)}`;
}
