import { z } from 'zod';
import type { OutboxMessage } from './step.ts';

/**
 * Where a run's result is POSTed when it ends (docs/architecture.md, "Result callbacks"). Named by
 * a submission (and later by a trigger's configuration), stored on the run. Only `https` URLs,
 * except where outbound loopback is allowed (the local stack and tests), which may use `http`;
 * that check needs the deployment's settings, so it is made by `callbackRefusal`, not here.
 */
export const runCallbackSchema = z.strictObject({
  url: z
    .string()
    .max(2_048)
    .refine((text) => URL.canParse(text), 'must be an absolute URL')
    .refine((text) => !URL.canParse(text) || ['https:', 'http:'].includes(new URL(text).protocol), 'must be an https URL')
    // Credentials in a URL would be stored on the run and shown in its view.
    .refine((text) => !URL.canParse(text) || (new URL(text).username === '' && new URL(text).password === ''), 'must not carry a user name or password'),
});
export type RunCallback = z.infer<typeof runCallbackSchema>;

/** Why a callback may not be used by this deployment, or undefined when it may. */
export function callbackRefusal(callback: RunCallback, options: { allowHttp: boolean }): string | undefined {
  if (new URL(callback.url).protocol === 'http:' && !options.allowHttp) {
    return `callback.url ${callback.url} must be https (http is accepted only where outbound loopback is allowed: the local stack and tests)`;
  }
  return undefined;
}

/** What a callback reports on: an ended run, or an ended batch (docs/architecture.md, "Result callbacks"). */
export type CallbackSubject = { kind: 'run'; id: string } | { kind: 'batch'; id: string };

const subjectId = /^[A-Za-z0-9_-]{1,128}$/;

/**
 * The message on the callback topic: only the run's or the batch's id; the URL and the payload are
 * read from it, so a publisher on the topic can make agentline call nothing but what its owner named.
 */
export const callbackMessageSchema = z.union([
  z.strictObject({ schemaVersion: z.literal(1), runId: z.string().regex(subjectId, 'must be a run id') }),
  z.strictObject({ schemaVersion: z.literal(1), batchId: z.string().regex(subjectId, 'must be a batch id') }),
]);
export type CallbackMessage = z.infer<typeof callbackMessageSchema>;

export function callbackSubjectOfMessage(message: CallbackMessage): CallbackSubject {
  return 'runId' in message ? { kind: 'run', id: message.runId } : { kind: 'batch', id: message.batchId };
}

/** The callback message of a run or a batch: one per subject, so its id names it (the commit that ends it writes it). */
export function callbackOutboxMessage(subject: CallbackSubject): OutboxMessage {
  const data: CallbackMessage = subject.kind === 'run' ? { schemaVersion: 1, runId: subject.id } : { schemaVersion: 1, batchId: subject.id };
  return { topic: 'callback', data, id: subject.kind === 'run' ? `callback-${subject.id}` : `callback-batch-${subject.id}` };
}

/**
 * The Standard Webhooks `webhook-id` of a callback: the same on every attempt, so receivers dedupe
 * by it. Run ids (`r…`) and batch ids (`b…`) never meet, so `cb_` + the id is unique.
 */
export function callbackWebhookId(subject: CallbackSubject): string {
  return `cb_${subject.id}`;
}

/** Bounds of a callback's delivery; production values come from loadConfig. */
export interface CallbackPolicy {
  /** Time limit of one POST, response included. */
  timeoutMs: number;
  /** Attempts at most, the first included. */
  maxAttempts: number;
  /** No attempt starts later than this after the first one. */
  maxTotalMs: number;
  /** Full-jitter backoff: the n-th retry waits a random time below min(maxDelayMs, baseDelayMs · 2^(n-1)). */
  baseDelayMs: number;
  maxDelayMs: number;
}

/**
 * The delay before retry `attempt` (1 for the first retry): "full jitter", a uniform random time
 * below the exponential bound, so receivers that failed together are not called together again.
 * `random` returns a number in [0, 1).
 */
export function callbackRetryDelayMs(attempt: number, policy: Pick<CallbackPolicy, 'baseDelayMs' | 'maxDelayMs'>, random: () => number): number {
  const bound = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, attempt - 1));
  return Math.floor(random() * bound);
}

/** How long an attempt excludes other deliveries: the whole request and a margin to record it. */
export function callbackLeaseMs(policy: Pick<CallbackPolicy, 'timeoutMs'>): number {
  return policy.timeoutMs + 10_000;
}
