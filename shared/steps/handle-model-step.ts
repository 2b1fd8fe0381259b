import type { AgentLifecycle } from '../domain/agent-state.ts';
import { addUsage, functionCallsOf, textOf } from '../domain/content.ts';
import { extendConversation } from '../domain/conversation-checkpoint.ts';
import { decideNextSteps, failRun } from '../domain/decide-next-steps.ts';
import { AgentlineError, TransientError } from '../domain/errors.ts';
import { isLlmBudgetExhausted, llmCallsLimitExceeded } from '../domain/llm-call-budget.ts';
import { retryDelayMs } from '../domain/retry-delay.ts';
import type { Run, RunError } from '../domain/run.ts';
import { isTerminal } from '../domain/run.ts';
import type { RunEvent } from '../domain/run-event.ts';
import type { OutboxMessage, Step, StepMessage } from '../domain/step.ts';
import { isStepFinished } from '../domain/step.ts';
import type { ModelResponse } from '../ports/model-client.ts';
import type { RunTransaction } from '../ports/run-store.ts';
import { commitStep, releaseAttempt, returnToPending, writeTransition } from './commit-step.ts';
import { buildModelRequest, functionsOfAgent } from './build-model-request.ts';
import { decodeStepMessage, type Delivery } from './delivery.ts';
import { loadConversation } from './load-conversation.ts';
import { publishOutbox } from './publish-outbox.ts';
import { callRemoteAgent, type RemoteTurn } from './remote-agent-turn.ts';
import type { Deps } from './step-deps.ts';
import { awaitRemoteTask, awaitRetryTime, isBeforeRetryTime, rescheduleRetry } from './step-retry.ts';
import { assertLeaseFree, claimAttempt, finishStep, readRunAndStep } from './step-lease.ts';

type ModelDeps = Pick<Deps, 'store' | 'queue' | 'delayQueue' | 'model' | 'remoteAgents' | 'clock' | 'tools' | 'logger' | 'settings'>;

type Claim =
  | { kind: 'claimed'; run: Run; step: Step }
  | { kind: 'published'; outbox: OutboxMessage[]; repeat: boolean }
  | { kind: 'waiting'; step: Step }
  | { kind: 'idle' };

/**
 * The model step: claim an attempt (reserving one LLM call of the budget in the same
 * transaction), call the model, commit the answer and the next steps in one transaction.
 */
export function createModelStepHandler(deps: ModelDeps) {
  return async function handleModelStep(delivery: Delivery): Promise<void> {
    const message = decodeStepMessage(delivery);
    const claim = await deps.store.transact((tx) => claimModelAttempt(tx, message, deps));
    if (claim.kind === 'published') return publishOutbox(deps, message.runId, claim.outbox, claim.repeat);
    if (claim.kind === 'waiting') return awaitRetryTime(deps, claim.step);
    if (claim.kind === 'idle') return;

    const { run, step } = claim;
    const events = await loadConversation(deps.store, run);
    const started = deps.clock.now();
    let response: ModelResponse;
    try {
      if (run.agent?.remoteAgent) {
        const turn = await callRemoteAgent(deps, run, step);
        if (turn.kind !== 'answered') return settleRemoteTurn(deps, message, step, turn);
        response = turn.response;
      } else {
        response = await deps.model.generate(buildModelRequest(run, events, functionsOfAgent(run, deps.tools)));
      }
    } catch (error) {
      return handleModelError(deps, message, step, error);
    }
    const durationMs = deps.clock.now() - started;
    deps.logger.info('model call finished', { runId: run.runId, stepId: step.stepId, attempt: step.attempt, durationMs });
    const outbox = await deps.store.transact((tx) =>
      commitStep(
        tx,
        message,
        step.attempt,
        deps.clock.now(),
        (current, owned, now, lifecycle) => modelAnswered(current, owned, events, response, durationMs, now, lifecycle),
        { readsLifecycle: true },
      ),
    );
    await publishOutbox(deps, message.runId, outbox.messages, outbox.repeat);
  };
}

async function claimModelAttempt(tx: RunTransaction, message: StepMessage, deps: ModelDeps): Promise<Claim> {
  const now = deps.clock.now();
  const { run, step } = await readRunAndStep(tx, message.runId, message.stepId);
  if (isStepFinished(step)) return { kind: 'published', outbox: step.outbox, repeat: true };
  if (isTerminal(run.state) || run.state === 'WAITING') return { kind: 'idle' };
  assertLeaseFree(step, now);
  if (isBeforeRetryTime(step, now)) return { kind: 'waiting', step };
  // Following a remote task the step already sent is not a new request: it was counted then.
  const following = step.remoteTask !== undefined;
  if (!following && isLlmBudgetExhausted(run)) {
    const ended = failRun(run, llmCallsLimitExceeded(run), now);
    writeTransition(tx, ended, finishStep(step, now, { state: 'FAILED', outbox: ended.outbox, lastError: ended.run.error }));
    return { kind: 'published', outbox: ended.outbox, repeat: false };
  }
  // The budget is reserved before the request exists: a crash after this line can only
  // over-count, never let a request go uncounted.
  const claimedRun: Run = { ...run, state: 'RUNNING', llmCallCount: run.llmCallCount + (following ? 0 : 1), updateTime: now };
  const claimedStep = claimAttempt(step, now, deps.settings.leaseMs.model);
  tx.putRun(claimedRun);
  tx.putStep(claimedStep);
  return { kind: 'claimed', run: claimedRun, step: claimedStep };
}

function modelAnswered(
  run: Run,
  step: Step,
  conversation: RunEvent[],
  response: ModelResponse,
  durationMs: number,
  now: number,
  lifecycle: AgentLifecycle | undefined,
) {
  // The conversation was read before the call; only this step appends events while it runs.
  if (conversation.length !== run.eventCount) {
    throw new Error(`Run ${run.runId} has ${run.eventCount} events but model step ${step.stepId} read ${conversation.length}`);
  }
  const event: RunEvent = {
    schemaVersion: 1,
    seq: run.eventCount,
    origin: 'run',
    content: response.content,
    stepId: step.stepId,
    createTime: now,
  };
  const extended = extendConversation(run.runId, conversation, [event], now);
  if ('error' in extended) {
    return { transition: failRun(run, extended.error, now), events: [], state: 'FAILED' as const, lastError: extended.error };
  }
  const calls = functionCallsOf(response.content);
  const answered: Run = {
    ...run,
    eventCount: run.eventCount + 1,
    llmCallsSucceeded: run.llmCallsSucceeded + 1,
    usage: addUsage(run.usage, response.usage),
    ...(calls.length > 0
      ? { next: { kind: 'tools', calls } }
      : { next: { kind: 'memory' }, output: { text: textOf(response.content) } }),
    updateTime: now,
  };
  const result = {
    usage: response.usage,
    durationMs,
    chunkCount: response.chunkCount,
    functionCallCount: calls.length,
    ...(response.finishReason ? { finishReason: response.finishReason } : {}),
  };
  return {
    transition: decideNextSteps(answered, now, lifecycle),
    events: [event],
    conversation: extended.checkpoint,
    state: 'SUCCEEDED' as const,
    result,
  };
}

async function handleModelError(deps: ModelDeps, message: StepMessage, step: Step, error: unknown): Promise<void> {
  const now = deps.clock.now();
  if (error instanceof TransientError && step.attempt < deps.settings.maxModelAttempts) {
    const delay = retryDelayMs(
      step.attempt,
      { baseMs: deps.settings.retryBaseDelayMs, maxMs: deps.settings.retryMaxDelayMs },
      error.retryDelayMs,
    );
    deps.logger.warn('model call failed, will retry', { runId: step.runId, stepId: step.stepId, attempt: step.attempt, code: error.code, delayMs: delay });
    const waiting = await returnToPending(deps.store, step, { code: error.code, message: error.message }, now + delay);
    if (waiting) await rescheduleRetry(deps, waiting);
    return;
  }
  // Permanent failures (a model 400, a remote agent's protocol error, a refused address) end the run.
  if (error instanceof TransientError || (error instanceof AgentlineError && !error.retryable)) {
    const runError: RunError =
      error instanceof TransientError
        ? { code: error.code, message: `Model request failed after ${step.attempt} attempts: ${error.message}` }
        : { code: error.code, message: error.message };
    return failModelStep(deps, message, step, runError);
  }
  await releaseAttempt(deps, step, error);
  throw error;
}

async function failModelStep(deps: ModelDeps, message: StepMessage, step: Step, runError: RunError): Promise<void> {
  const now = deps.clock.now();
  const outbox = await deps.store.transact((tx) =>
    commitStep(tx, message, step.attempt, now, (run) => {
      const ended = failRun(run, runError, now);
      return { transition: ended, events: [], state: 'FAILED' as const, lastError: runError };
    }),
  );
  return publishOutbox(deps, message.runId, outbox.messages, outbox.repeat);
}

/**
 * A remote agent's task that stopped without an answer ends the run with its reason; one still
 * running waits to be followed again.
 */
async function settleRemoteTurn(deps: ModelDeps, message: StepMessage, step: Step, turn: Exclude<RemoteTurn, { kind: 'answered' }>): Promise<void> {
  if (turn.kind === 'stopped') return failModelStep(deps, message, step, turn.error);
  return awaitRemoteTask(deps, step, turn);
}
