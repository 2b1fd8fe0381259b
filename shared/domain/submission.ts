import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { RunError } from './run.ts';

const idPattern = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;
const idSchema = z.string().regex(idPattern, 'must be 1-128 letters, digits or ._:@-');

/** Whether `userId` can name a user: it becomes part of document paths (`users/{userId}/…`). */
export function isValidUserId(userId: string): boolean {
  return idPattern.test(userId);
}

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
    /** A session of the run's user; it needs a proven user (a session id alone never names a session). */
    sessionId: idSchema.optional(),
    /**
     * The user the run is for, believed only with proof: the token in the message's
     * `authorization` attribute (whose subject it must match; the token alone suffices), or a
     * publisher on the trusted submissions topic. Without proof the run is anonymous.
     */
    userId: idSchema.optional(),
    /** The same key (for the same user) never starts a second run. */
    idempotencyKey: z.string().min(1).max(256).optional(),
    /**
     * RFC 3339 time by which the run must end; a run still going then ends CANCELLED with
     * DEADLINE_EXCEEDED. At most the deployment's longest run after submission, which is also
     * the deadline of a run that gives none.
     */
    deadline: z.iso.datetime({ offset: true }).optional(),
  })
  .strict();
export type Submission = z.infer<typeof submissionSchema>;

/**
 * The run id of a submission: derived from its idempotency key, scoped to its proven user (an
 * anonymous run's key is scoped to no one), when it has one, else from the Pub/Sub message id,
 * so a redelivered submission names the same run. `userId` is the proven user, never a claim.
 */
export function deriveRunId(
  submission: { idempotencyKey?: string | undefined; userId?: string | undefined },
  messageId: string,
): string {
  const basis = submission.idempotencyKey
    ? `key\n${submission.userId ?? ''}\n${submission.idempotencyKey}`
    : `message\n${messageId}`;
  return `r${createHash('sha256').update(basis).digest('hex').slice(0, 24)}`;
}

/**
 * The run's deadline: the submission's, or `maxRunMs` after `now` when it gives none; a deadline
 * later than that is refused with the limit named (a run must end, so its data can expire).
 */
export function runDeadlineOf(submission: Pick<Submission, 'deadline'>, now: number, maxRunMs: number): { deadlineTime: number } | { error: RunError } {
  const latest = now + maxRunMs;
  if (submission.deadline === undefined) return { deadlineTime: latest };
  const deadlineTime = Date.parse(submission.deadline);
  if (deadlineTime <= now) {
    return { error: { code: 'INVALID_ARGUMENT', message: `deadline ${submission.deadline} has already passed (the run was submitted at ${new Date(now).toISOString()})` } };
  }
  if (deadlineTime > latest) {
    return {
      error: {
        code: 'INVALID_ARGUMENT',
        message: `deadline ${submission.deadline} is later than this deployment allows: a run may last at most ${maxRunMs / 1000} seconds (until ${new Date(latest).toISOString()})`,
      },
    };
  }
  return { deadlineTime };
}
