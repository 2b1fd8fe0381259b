import type { Content } from '../shared/domain/content.ts';

/**
 * The benchmark's scripted conversation, the same for every runtime measured: the model calls
 * the calculator once per turn until it has seen `toolTurns` function responses, then answers.
 * A run of T tool turns has T + 1 model calls and T tool calls; through the pipeline it also has
 * a plan step and a memory step, so 2T + 3 step executions (T = 1 → 5 steps, T = 24 → 51).
 */
export interface ScriptedTurn {
  kind: 'call' | 'answer';
  /** For a call: the calculator expression. For an answer: the final text. */
  value: string;
}

export function nextScriptedTurn(contents: readonly Content[], toolTurns: number): ScriptedTurn {
  const responses = contents.flatMap((content) => content.parts).filter((part) => part.functionResponse).length;
  if (responses < toolTurns) return { kind: 'call', value: `${responses} + 1` };
  return { kind: 'answer', value: `done after ${responses} tool calls` };
}

/** Step executions of a pipeline run with `toolTurns` tool turns (plan, models, tools, memory). */
export function pipelineStepsOf(toolTurns: number): number {
  return 2 * toolTurns + 3;
}

/** Model and tool calls of a conversation with `toolTurns` tool turns (what ADK's runner executes). */
export function modelAndToolCallsOf(toolTurns: number): number {
  return 2 * toolTurns + 1;
}

/**
 * Documents a pipeline run with `toolTurns` tool turns leaves, for its TTL deletes: the run, its
 * steps, its events (the input, a model turn and a function-response turn per tool turn, the
 * answer), its conversation checkpoint and a join record per tool turn.
 */
export function documentsKeptByRun(toolTurns: number): number {
  return 1 + pipelineStepsOf(toolTurns) + (2 * toolTurns + 2) + 1 + toolTurns;
}
