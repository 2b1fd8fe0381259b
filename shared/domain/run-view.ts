import type { Run } from './run.ts';
import { runName } from './run.ts';

/** RFC 3339 UTC with a Z, as every API in this project prints time. */
export function toRfc3339(millis: number): string {
  return new Date(millis).toISOString();
}

/**
 * The public JSON of a run: what `agentline run --json` prints and what is published on
 * agentline-run-results. Internal bookkeeping (cursor, event count) stays out.
 */
export function toRunView(run: Run): Record<string, unknown> {
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
  };
}
