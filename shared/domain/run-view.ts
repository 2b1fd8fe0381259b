import type { CallbackState } from './callback-delivery.ts';
import type { Run } from './run.ts';
import { runName } from './run.ts';

/** RFC 3339 UTC with a Z, as every API in this project prints time. */
export function toRfc3339(millis: number): string {
  return new Date(millis).toISOString();
}

/**
 * The public JSON of a run: what `agentline run --json` prints and what is published on
 * agentline-run-results. Internal bookkeeping (cursor, event count) stays out. A run that names a
 * callback shows its URL and, given the delivery's record (`callback`), its state and every
 * attempt; the delivery is not the run's outcome and never changes it.
 */
export function toRunView(run: Run, callback?: CallbackState): Record<string, unknown> {
  return {
    name: runName(run.runId),
    runId: run.runId,
    agent: run.agent ? { name: run.agent.name, version: run.agent.version } : undefined,
    state: run.state,
    input: run.input,
    sessionId: run.sessionId,
    userId: run.userId,
    runConfig: run.runConfig,
    turn: run.turn,
    llmCallCount: run.llmCallCount,
    llmCallsSucceeded: run.llmCallsSucceeded,
    // A run's total is a sum of what calls reported: 0 when none reported any.
    usage: { totalTokenCount: 0, ...run.usage },
    output: run.output,
    error: run.error,
    waitingReason: run.waitingReason,
    createTime: toRfc3339(run.createTime),
    updateTime: toRfc3339(run.updateTime),
    endTime: run.endTime === undefined ? undefined : toRfc3339(run.endTime),
    callback: run.callback ? toCallbackView(run.callback.url, callback) : undefined,
  };
}

/** The callback part of a run's or batch's view: the URL, and once delivery started its state and attempts. */
export function toCallbackView(url: string, callback: CallbackState | undefined): Record<string, unknown> {
  if (!callback) return { url };
  return {
    url,
    state: callback.state,
    attempts: callback.attempts.map((attempt) => ({
      number: attempt.number,
      startTime: toRfc3339(attempt.startTime),
      durationMs: attempt.durationMs,
      status: attempt.status,
      error: attempt.error,
    })),
    endTime: callback.endTime === undefined ? undefined : toRfc3339(callback.endTime),
  };
}

/**
 * The body of a run's result callback: its view without the callback part (which describes the
 * delivery itself, and would make every attempt's body differ). Stable once the run ended.
 */
export function toCallbackPayload(run: Run): Record<string, unknown> {
  const { callback: _callback, ...view } = toRunView(run);
  return view;
}
