import { z } from 'zod';
import { functionCallSchema } from './content.ts';

export const stepKinds = ['plan', 'model', 'tool', 'memory'] as const;
export const stepKindSchema = z.enum(stepKinds);
export type StepKind = z.infer<typeof stepKindSchema>;

/**
 * Deterministic step id `<turn>-<kind>-<index>`: the same position in the same run always has the
 * same id, so enqueuing a step twice names the same document and is a no-op.
 */
export function stepIdOf(turn: number, kind: StepKind, index = 0): string {
  return `${turn}-${kind}-${index}`;
}

const stepIdPattern = /^(\d{1,6})-(plan|model|tool|memory)-(\d{1,4})$/;

export function parseStepId(stepId: string): { turn: number; kind: StepKind; index: number } | undefined {
  const match = stepIdPattern.exec(stepId);
  if (!match) return undefined;
  return { turn: Number(match[1]), kind: match[2] as StepKind, index: Number(match[3]) };
}

/** The message on a step topic. Everything else the step needs is in Firestore. */
export const stepMessageSchema = z
  .object({
    schemaVersion: z.literal(1),
    runId: z.string().regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be a run id'),
    stepId: z.string().regex(stepIdPattern, 'must look like <turn>-<kind>-<index>'),
    kind: stepKindSchema,
    /**
     * Sent by work the step follows (the code-exec job, once it has reported): the step is due
     * now rather than at its recheck time, if it is following a task (docs/architecture.md,
     * "Long-running tools"). Anyone may send it; it only makes the step look sooner.
     */
    wake: z.literal(true).optional(),
  })
  .strict()
  .refine((message) => parseStepId(message.stepId)?.kind === message.kind, {
    message: 'kind does not match the kind in stepId',
    path: ['kind'],
  });
export type StepMessage = z.infer<typeof stepMessageSchema>;

export function stepMessage(runId: string, stepId: string): StepMessage {
  const parsed = parseStepId(stepId);
  if (!parsed) throw new Error(`Not a step id: ${stepId}`);
  return { schemaVersion: 1, runId, stepId, kind: parsed.kind };
}

/**
 * Where an outbox message goes: a step topic, the run-results topic, agent lifecycle changes,
 * agent deploys, run control (cancellation), result callbacks, trusted submissions, a schedule
 * to look at now, or a schedule's job to bring in line.
 */
export const outboxTopicSchema = z.enum([...stepKinds, 'results', 'agent-lifecycle', 'agent-deploy', 'run-control', 'callback', 'trusted-submissions', 'schedule-fire', 'schedule-sync', 'batch-fan-out', 'batch-item']);
export type OutboxTopic = z.infer<typeof outboxTopicSchema>;

/**
 * A message written in the same transaction as the transition that caused it. A step message
 * (`stepId`) needs no other record: the PENDING step it names is its own outbox entry, which the
 * sweeper re-drives if the message is lost. Every other message carries an `id` and is stored in
 * `outbox/{id}` until it is published (docs/architecture.md, "The outbox").
 */
export const outboxMessageSchema = z.object({
  topic: outboxTopicSchema,
  data: z.record(z.string(), z.unknown()),
  /** Set for step messages: lets a repeat publish be skipped when the step already exists. */
  stepId: z.string().optional(),
  /** Set for every other message: its outbox document id, unique per message. */
  id: z.string().optional(),
});
export type OutboxMessage = z.infer<typeof outboxMessageSchema>;

export function stepOutboxMessage(runId: string, stepId: string): OutboxMessage {
  const message = stepMessage(runId, stepId);
  return { topic: message.kind, data: message, stepId };
}

/**
 * PENDING: waiting for a delivery (new, handed back, or waiting for its retry time). RUNNING: an
 * attempt holds the lease. SUCCEEDED / FAILED: committed. CANCELLED: closed without effect on its
 * run because the run had ended (its `result`, if any, records what the effect did).
 */
export const stepStates = ['PENDING', 'RUNNING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;
export type StepState = (typeof stepStates)[number];

/** The intent record of a non-repeatable tool call. */
export const toolIntentSchema = z.object({
  /** The idempotency key the tool receives: the same for every attempt of the call. */
  key: z.string(),
  /** The attempt that wrote it. */
  attempt: z.number().int().positive(),
  createTime: z.number(),
});
export type ToolIntent = z.infer<typeof toolIntentSchema>;

/** The idempotency key of a tool call: derived from run and step, so every attempt shares it. */
export function toolCallKeyOf(runId: string, stepId: string): string {
  return `${runId}/${stepId}`;
}

export const stepErrorSchema = z.object({ code: z.string(), message: z.string() });

export const stepSchema = z.object({
  schemaVersion: z.literal(1),
  runId: z.string(),
  stepId: z.string(),
  kind: stepKindSchema,
  turn: z.number().int().nonnegative(),
  index: z.number().int().nonnegative(),
  state: z.enum(stepStates),
  /** Attempts claimed so far; an attempt is claimed before its effect. */
  attempt: z.number().int().nonnegative(),
  /** While RUNNING, another delivery must not execute the step before this time. */
  leaseExpireTime: z.number().optional(),
  /** After a transient failure, the step waits for a delayed redelivery at this time. */
  retryTime: z.number().optional(),
  /**
   * When the step must next make progress: its creation (a new step's message should arrive at
   * once), its retry time, or its lease's end. Absent once nothing more is owed. The sweeper
   * re-drives a step whose due time is well past (docs/architecture.md, "The sweeper").
   */
  dueTime: z.number().optional(),
  /** Transient failures in a row; a follow cycle that makes progress starts the count again. */
  failedAttempts: z.number().int().nonnegative().optional(),
  /** Times the sweeper re-published this step's message. */
  redrives: z.number().int().nonnegative().optional(),
  /** Tool steps: the call to make and how many calls share the turn (for the join). */
  input: z
    .object({ functionCall: functionCallSchema, callCount: z.number().int().positive() })
    .optional(),
  result: z.record(z.string(), z.unknown()).optional(),
  /**
   * A remote (A2A) agent's task this step started and has not seen finish: later attempts
   * follow it instead of sending the message again. `startTime` bounds how long it is followed.
   */
  remoteTask: z.object({ taskId: z.string(), startTime: z.number() }).optional(),
  /**
   * A wake from the task this step follows arrived while an attempt held the step: the attempt
   * hands back due at once instead of at its recheck time (docs/architecture.md, "Long-running
   * tools"). Dropped by the next claim or hand-back.
   */
  woken: z.literal(true).optional(),
  /**
   * Model steps: the model quota deferred this step's request, which its claim had already
   * counted against the run's LLM-call budget, so the next claim does not count it again
   * (docs/architecture.md, "Model quota").
   */
  quotaDeferred: z.boolean().optional(),
  /**
   * Non-repeatable tool steps: written once, in the claim that precedes the first attempt's
   * effect, and never changed. Its presence on a step without a result means an earlier attempt
   * may have acted, so the next one reconciles by `key` before acting (docs/architecture.md,
   * "Non-repeatable effects").
   */
  intent: toolIntentSchema.optional(),
  lastError: stepErrorSchema.optional(),
  outbox: z.array(outboxMessageSchema),
  createTime: z.number(),
  startTime: z.number().optional(),
  endTime: z.number().optional(),
});
export type Step = z.infer<typeof stepSchema>;

export function newStep(
  runId: string,
  stepId: string,
  now: number,
  input?: Step['input'],
): Step {
  const parsed = parseStepId(stepId);
  if (!parsed) throw new Error(`Not a step id: ${stepId}`);
  return {
    schemaVersion: 1,
    runId,
    stepId,
    kind: parsed.kind,
    turn: parsed.turn,
    index: parsed.index,
    state: 'PENDING',
    attempt: 0,
    ...(input ? { input } : {}),
    outbox: [],
    createTime: now,
    dueTime: now,
  };
}

/**
 * True when an attempt committed a non-repeatable call's intent and no result was committed: the
 * effect may have happened, so the step must be settled (reconciled), never simply dropped.
 */
export function hasUnsettledIntent(step: Step): boolean {
  return step.intent !== undefined && step.result === undefined;
}

/** Committed: nothing will run for it again (its `dueTime` may still ask for a fan-in check). */
export function isStepFinished(step: Step): boolean {
  return step.state === 'SUCCEEDED' || step.state === 'FAILED' || step.state === 'CANCELLED';
}
