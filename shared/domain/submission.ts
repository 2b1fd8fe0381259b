import { createHash } from 'node:crypto';
import { z } from 'zod';
import { runCallbackSchema } from './callback.ts';
import { artifactPartSchema } from './content.ts';
import { isPrivateArtifactName, maxInputFiles } from './code-execution/code-execution.ts';
import type { RunError } from './run.ts';

const idPattern = /^[A-Za-z0-9][A-Za-z0-9._:@-]{0,127}$/;
const idSchema = z.string().regex(idPattern, 'must be 1-128 letters, digits or ._:@-');

/**
 * Whether `userId` can name a user. It becomes a document id (`users/{userId}/…`), so it may not
 * hold `/`, be `.` or `..`, or look like `__name__`; otherwise any printable text up to an email's
 * 254 characters, so every address Google verifies (`a+tag@…`, `o'brien@…`) is a user.
 */
export function isValidUserId(userId: string): boolean {
  return /^[^/\s\p{Cc}]{1,254}$/u.test(userId) && userId !== '.' && userId !== '..' && !/^__.*__$/.test(userId);
}

const userIdSchema = z.string().refine(isValidUserId, 'must be 1-254 printable characters without "/" or spaces');

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
    userId: userIdSchema.optional(),
    /** The same key (for the same user) never starts a second run. */
    idempotencyKey: z.string().min(1).max(256).optional(),
    /**
     * RFC 3339 time by which the run must end; a run still going then ends CANCELLED with
     * DEADLINE_EXCEEDED. At most the deployment's longest run after submission, which is also
     * the deadline of a run that gives none.
     */
    deadline: z.iso.datetime({ offset: true }).optional(),
    /**
     * Where the run's result is POSTed once it ends, signed with the user's callback secret
     * (docs/architecture.md, "Result callbacks"). Needs a proven user; https only, except where
     * outbound loopback is allowed.
     */
    callback: runCallbackSchema.optional(),
    /**
     * The batch item this run is (docs/architecture.md, "Batches"): kept on the run only from the
     * trusted submissions topic, where the batch fan-out publishes; its end then advances the batch.
     */
    batch: z.strictObject({ batchId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/), index: z.number().int().nonnegative() }).optional(),
    /**
     * Files that come with the input: artifacts of the run's scope (its user's session, or the run),
     * which the runs API saves before it publishes (docs/architecture.md, "Artifacts"). Shown to the
     * model with the input, or named to it with `save_input_blobs_as_artifacts`; a reference to a
     * file that is not there reaches the model as a line saying so.
     */
    inputFiles: z
      .array(artifactPartSchema.refine((file) => !isPrivateArtifactName(file.name), { error: (issue) => `${(issue.input as { name: string }).name} is a record the pipeline keeps for itself, not a file a run can be given` }))
      .max(maxInputFiles)
      .optional(),
  })
  .strict();
export type Submission = z.infer<typeof submissionSchema>;

/** What a run id is derived from. */
export interface RunIdBasis {
  idempotencyKey?: string | undefined;
  /** The proven user, never a claim. */
  userId?: string | undefined;
  /** The user an anonymous submission named without proof: it scopes the key among anonymous runs only. */
  unprovenUserId?: string | undefined;
  /** Which submissions topic: Pub/Sub message ids are unique within one topic only. */
  topic?: 'tasks' | 'trusted' | undefined;
}

/**
 * The run id of a submission: derived from its idempotency key when it has one — scoped to its
 * proven user, or for an anonymous run to the user it named, in a namespace no proven run shares
 * — else from the Pub/Sub message id and its topic, so a redelivered submission names the same
 * run and an unproven claim never lands on a proven user's run.
 */
export function deriveRunId(basis: RunIdBasis, messageId: string): string {
  const { idempotencyKey: key, userId, unprovenUserId, topic } = basis;
  const text = key
    ? userId !== undefined
      ? `key\n${userId}\n${key}`
      : `anonymous-key\n${unprovenUserId ?? ''}\n${key}`
    : topic === 'trusted'
      ? `trusted-message\n${messageId}`
      : `message\n${messageId}`;
  return `r${createHash('sha256').update(text).digest('hex').slice(0, 24)}`;
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
