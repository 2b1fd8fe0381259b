import { addUsage, functionCallsOf, textOf } from '../domain/content.ts';
import { extendConversation } from '../domain/conversation-checkpoint.ts';
import { decideNextSteps, failRun } from '../domain/decide-next-steps.ts';
import { isLlmBudgetExhausted, llmCallsLimitExceeded } from '../domain/llm-call-budget.ts';
import type { Run, RunError } from '../domain/run.ts';
import type { RunEvent } from '../domain/run-event.ts';
import type { AgentLifecycle } from '../domain/agent-state.ts';
import type { Step } from '../domain/step.ts';
import type { Deps } from '../engine/deps.ts';
import { modelTimeoutCodes } from '../ports/model-client.ts';
import { InfrastructureError } from '../engine/effect-failures.ts';
import type { Decision, EffectOutcome, StepKindDefinition } from '../engine/step-kind.ts';
import type { ModelRequest, ModelResponse } from '../ports/model-client.ts';
import { TransientError } from '../domain/errors.ts';
import { withArtifactParts } from './artifact-parts.ts';
import { buildModelRequest, functionsOfAgent } from './build-model-request.ts';
import { loadConversation } from './load-conversation.ts';
import { createPartialTextWriter } from './partial-text-writer.ts';
import { callRemoteAgent } from './remote-agent-turn.ts';

/** What one model attempt produced: an answer (with the conversation it answered), or why the run must end. */
export type ModelValue =
  | { kind: 'answered'; response: ModelResponse; conversation: RunEvent[]; durationMs: number }
  | { kind: 'stopped'; error: RunError };

type ModelDeps = Pick<Deps, 'store' | 'model' | 'remoteAgents' | 'clock' | 'tools' | 'logger' | 'settings' | 'quota' | 'artifacts' | 'openApi'>;

/**
 * The model step: its claim reserves one LLM call of the budget (ADK's max_llm_calls, counted
 * before the request exists, so a crash can only over-count), its effect is the model request —
 * or, for a remote (A2A) agent, the remote task that plays the model — and its decision appends
 * the answer and enqueues what comes next.
 */
export function createModelStep(deps: ModelDeps): StepKindDefinition<ModelValue> {
  return {
    kind: 'model',
    effect: {
      leaseMs: deps.settings.leaseMs.model,
      maxFailedAttempts: deps.settings.maxModelAttempts,
      // A hung model costs a whole request timeout per attempt: the run fails after a few, in a
      // time the README states (and `agentline run` waits for).
      attemptLimitFor: (error) => (modelTimeoutCodes.has(error.code) ? deps.settings.maxModelTimeouts : deps.settings.maxModelAttempts),
      claim(run, step, now) {
        // Following a remote task the step already sent, or sending a request the model quota
        // deferred, is not a new request: it was counted then.
        const following = step.remoteTask !== undefined || step.quotaDeferred === true;
        if (!following && isLlmBudgetExhausted(run)) return { endRun: llmCallsLimitExceeded(run) };
        const { quotaDeferred: _deferred, ...claimed } = step;
        return { run: { ...run, state: 'RUNNING', llmCallCount: run.llmCallCount + (following ? 0 : 1), updateTime: now }, step: claimed };
      },
      async perform({ run, step }) {
        const conversation = await loadConversation(deps.store, run).catch((error: unknown) => {
          // Not a failed model request (none was sent): release the attempt and let Pub/Sub redeliver.
          throw new InfrastructureError(`Could not read the conversation of run ${run.runId}: ${(error as Error).message}`, { cause: error });
        });
        const started = deps.clock.now();
        let response: ModelResponse;
        if (run.agent?.remoteAgent) {
          const turn = await callRemoteAgent(deps, run, step);
          if (turn.kind === 'stopped') return { kind: 'done', value: { kind: 'stopped', error: turn.error } };
          if (turn.kind === 'pending') {
            const reason = { code: 'A2A_TASK_RUNNING', message: `Remote task ${turn.taskId} is still running` };
            const remoteTask = { taskId: turn.taskId, startTime: turn.startTime };
            return { kind: 'wait', retryTime: deps.clock.now() + deps.settings.remoteAgent.recheckDelayMs, reason, remoteTask };
          }
          response = turn.response;
        } else {
          const request = await withArtifactParts(buildModelRequest(run, conversation, functionsOfAgent(run, deps.tools, deps)), run, deps.artifacts);
          const deferred = await reserveQuota(deps, run, request);
          if (deferred) return deferred;
          // A streamed answer's text reaches the run's event stream while it arrives (docs/architecture.md, "Run events").
          const partials = request.streaming === 'SSE' ? createPartialTextWriter(deps, step) : undefined;
          try {
            response = await deps.model.generate(request, partials?.observer);
          } catch (error) {
            await reportRateLimited(deps, request.model, error);
            throw error;
          } finally {
            await partials?.finish();
          }
        }
        const durationMs = deps.clock.now() - started;
        deps.logger.info('model call finished', { runId: run.runId, stepId: step.stepId, attempt: step.attempt, durationMs });
        return { kind: 'done', value: { kind: 'answered', response, conversation, durationMs } };
      },
      failed({ error, attempts, exhausted }) {
        // A model 400, a remote agent's protocol error or a refused address ends the run; so do retries used up.
        const message = exhausted ? `Model request failed after ${attempts} attempts: ${error.message}` : error.message;
        return { kind: 'stopped', error: { code: error.code, message } };
      },
      record(value) {
        if (value.kind === 'stopped') return { error: value.error };
        const { response, durationMs } = value;
        return {
          usage: response.usage,
          durationMs,
          chunkCount: response.chunkCount,
          functionCallCount: functionCallsOf(response.content).length,
          ...(response.finishReason ? { finishReason: response.finishReason } : {}),
        };
      },
    },
    async decide({ run, step, value, now, lifecycle }) {
      if (value.kind === 'stopped') return { state: 'FAILED', lastError: value.error, transition: failRun(run, value.error, now) };
      return modelAnswered(run, step, value, now, await lifecycle());
    },
  };
}

function modelAnswered(run: Run, step: Step, value: Extract<ModelValue, { kind: 'answered' }>, now: number, lifecycle: AgentLifecycle | undefined): Decision {
  const { response, conversation } = value;
  // The conversation was read after the claim; only this step appends events while it runs.
  if (conversation.length !== run.eventCount) {
    throw new Error(`Run ${run.runId} has ${run.eventCount} events but model step ${step.stepId} read ${conversation.length}`);
  }
  const event: RunEvent = { schemaVersion: 1, seq: run.eventCount, origin: 'run', content: response.content, stepId: step.stepId, createTime: now };
  const extended = extendConversation(run.runId, conversation, [event], now);
  if ('error' in extended) return { state: 'FAILED', lastError: extended.error, transition: failRun(run, extended.error, now) };
  const calls = functionCallsOf(response.content);
  const answered: Run = {
    ...run,
    eventCount: run.eventCount + 1,
    llmCallsSucceeded: run.llmCallsSucceeded + 1,
    usage: addUsage(run.usage, response.usage),
    ...(calls.length > 0 ? { next: { kind: 'tools', calls } } : { next: { kind: 'memory' }, output: { text: textOf(response.content) } }),
    updateTime: now,
  };
  return { state: 'SUCCEEDED', transition: decideNextSteps(answered, now, lifecycle), events: [event], conversation: extended.checkpoint };
}

/**
 * Reserves the request from the model quota every run shares (docs/architecture.md, "Model
 * quota"): when the window is spent, the step waits until the quota says it will fit — handed back
 * through the delay queue, its LLM call still counted once — instead of calling and eating a 429.
 * Batch items ask as `batch`, the rest as `interactive`.
 */
async function reserveQuota(deps: ModelDeps, run: Run, request: ModelRequest): Promise<Extract<EffectOutcome<ModelValue>, { kind: 'wait' }> | undefined> {
  if (!deps.quota) return undefined;
  const now = deps.clock.now();
  try {
    const answer = await deps.quota.reserve({ model: request.model, tokens: estimateInputTokens(request), priority: run.batch ? 'batch' : 'interactive' }, now);
    if (answer.granted) return undefined;
    return { kind: 'wait', retryTime: answer.retryTime, reason: { code: 'MODEL_QUOTA', message: answer.reason }, quotaDeferred: true };
  } catch (error) {
    // The quota could not be read (contention, say): no request was sent, so the step waits a
    // moment with its LLM call still counted once, rather than failing an attempt that would count it again.
    deps.logger.warn('the model quota could not be reserved; trying again shortly', { runId: run.runId, error: String(error) });
    return { kind: 'wait', retryTime: now + quotaUnavailableRetryMs + Math.floor(Math.random() * quotaUnavailableRetryMs), reason: { code: 'MODEL_QUOTA_UNAVAILABLE', message: String(error) }, quotaDeferred: true };
  }
}

/** How long a step waits when the quota could not be read, before jitter. */
const quotaUnavailableRetryMs = 250;

/** A 429 that happened anyway: the model is blocked for every run until the retry time it gave (or a second), and its rate lowered. */
async function reportRateLimited(deps: ModelDeps, model: string, error: unknown): Promise<void> {
  if (!deps.quota || !(error instanceof TransientError) || error.code !== 'RESOURCE_EXHAUSTED') return;
  const now = deps.clock.now();
  await deps.quota.rateLimited(model, now + (error.retryDelayMs ?? 1_000), now).catch((failure: unknown) => deps.logger.warn('could not record a 429 in the model quota', { error: String(failure) }));
}

/** About four characters per token: what the request's text will cost, before the model counts it. */
function estimateInputTokens(request: ModelRequest): number {
  return Math.ceil(JSON.stringify([request.systemInstruction ?? '', request.contents, request.functionDeclarations]).length / 4);
}
