import type { ConversationCheckpoint } from '../domain/conversation-checkpoint.ts';
import type { AgentLifecycle } from '../domain/agent-state.ts';
import type { Transition } from '../domain/decide-next-steps.ts';
import type { Run, RunError } from '../domain/run.ts';
import type { RunEvent } from '../domain/run-event.ts';
import type { OutboxMessage, Step, StepMessage } from '../domain/step.ts';
import { isStepFinished } from '../domain/step.ts';
import type { RunStore, RunTransaction } from '../ports/run-store.ts';
import { readAgentLifecycle } from './read-agent-lifecycle.ts';
import type { Deps } from './step-deps.ts';
import { finishStep, ownsAttempt, readRunAndStep } from './step-lease.ts';

/** What an attempt decided, to be written by `commitStep`. */
export interface StepOutcome {
  transition: Transition;
  events: RunEvent[];
  /** The conversation after `events`, written with them when events were appended. */
  conversation?: ConversationCheckpoint;
  state: 'SUCCEEDED' | 'FAILED';
  result?: Record<string, unknown>;
  lastError?: RunError;
}

/**
 * Commits an attempt's outcome: the step result, the events, the run's new checkpoint, new
 * steps and the outbox, in one transaction — only if this attempt still owns the step. With
 * `readsLifecycle` (outcomes that may enqueue further steps) the agent's lifecycle (state, creator) is read
 * in the same transaction and handed to `decide`.
 */
export async function commitStep(
  tx: RunTransaction,
  message: StepMessage,
  attempt: number,
  now: number,
  decide: (run: Run, step: Step, now: number, lifecycle: AgentLifecycle | undefined) => StepOutcome,
  options: { readsLifecycle: boolean } = { readsLifecycle: false },
): Promise<{ messages: OutboxMessage[]; repeat: boolean }> {
  const { run, step } = await readRunAndStep(tx, message.runId, message.stepId);
  if (isStepFinished(step)) return { messages: step.outbox, repeat: true };
  if (!ownsAttempt(step, attempt)) return { messages: [], repeat: true };
  const lifecycle = options.readsLifecycle ? await readAgentLifecycle(tx, run) : undefined;
  const outcome = decide(run, step, now, lifecycle);
  tx.putEvents(run.runId, outcome.events);
  if (outcome.conversation) tx.putConversation(outcome.conversation);
  writeTransition(
    tx,
    outcome.transition,
    finishStep(step, now, {
      state: outcome.state,
      outbox: outcome.transition.outbox,
      ...(outcome.result ? { result: outcome.result } : {}),
      ...(outcome.lastError ? { lastError: outcome.lastError } : {}),
    }),
  );
  return { messages: outcome.transition.outbox, repeat: false };
}

/** Writes a transition: the run, the steps it enqueues, and the step that caused it. */
export function writeTransition(tx: RunTransaction, transition: Transition, step: Step): void {
  tx.putRun(transition.run);
  for (const created of transition.newSteps) tx.createStep(created);
  tx.putStep(step);
}

/**
 * Hands an attempt's step back to PENDING (lease dropped, attempt count kept) if the attempt
 * still owns it, recording why, and, for a transient failure, when to retry. Returns the step
 * as written, or undefined when another attempt owns it by now.
 */
export async function returnToPending(
  store: RunStore,
  step: Step,
  lastError: { code: string; message: string },
  retryTime?: number,
  /** Set on the pending step as well (a remote task to follow on the next attempt). */
  extra: Pick<Step, 'remoteTask'> = {},
): Promise<Step | undefined> {
  return store.transact(async (tx) => {
    const current = await tx.getStep(step.runId, step.stepId);
    if (!current || !ownsAttempt(current, step.attempt)) return undefined;
    const { leaseExpireTime: _lease, retryTime: _retry, ...rest } = current;
    const pending: Step = { ...rest, ...extra, state: 'PENDING', lastError, ...(retryTime === undefined ? {} : { retryTime }) };
    tx.putStep(pending);
    return pending;
  });
}

/**
 * Gives up an attempt that failed with an error this process caught (a hard crash cannot do
 * this; its lease simply expires), so the redelivery takes over at once instead of waiting for
 * the lease to run out. Best effort: if it fails, the lease expiring has the same effect later.
 */
export async function releaseAttempt(deps: Pick<Deps, 'store' | 'logger'>, step: Step, error: unknown): Promise<void> {
  const message = error instanceof Error ? error.message : String(error);
  await returnToPending(deps.store, step, { code: 'ATTEMPT_FAILED', message }).catch((releaseError: unknown) =>
    deps.logger.warn('could not release a failed attempt; its lease will expire', {
      runId: step.runId,
      stepId: step.stepId,
      error: String(releaseError),
    }),
  );
}
