import { z } from 'zod';
import { a2aAgentCardViewSchema } from './a2a-agent-card.ts';
import { agentDefinitionSchema } from './agent-config.ts';
import { runCallbackSchema } from './callback.ts';
import { functionCallSchema, usageSchema } from './content.ts';
import { openApiOperationSchema } from './openapi-operation.ts';
import { mcpToolSchema } from './mcp-toolset.ts';
import { runConfigSchema } from './run-config.ts';

export const runStates = ['QUEUED', 'RUNNING', 'WAITING', 'SUCCEEDED', 'FAILED', 'CANCELLED'] as const;
export const runStateSchema = z.enum(runStates);
export type RunState = z.infer<typeof runStateSchema>;

export function isTerminal(state: RunState): boolean {
  return state === 'SUCCEEDED' || state === 'FAILED' || state === 'CANCELLED';
}

export const runErrorSchema = z.object({ code: z.string(), message: z.string() });
export type RunError = z.infer<typeof runErrorSchema>;

/**
 * The checkpoint's cursor: what the run needs next. Every commit moves it, and
 * `decideNextSteps` turns it into the steps to enqueue.
 */
export const nextWorkSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('model') }),
  z.object({ kind: z.literal('tools'), calls: z.array(functionCallSchema).min(1) }),
  z.object({ kind: z.literal('memory') }),
  z.object({ kind: z.literal('none') }),
]);
export type NextWork = z.infer<typeof nextWorkSchema>;

/**
 * A registered A2A agent an ADK agent lists among its `sub_agents`, as resolved at submission:
 * the model sees it as the function `toolName` and a call sends its `request` to `remoteAgent`.
 */
export const runSubAgentSchema = z.object({
  /** The registered agent's resource name. */
  name: z.string(),
  /** The function name the model calls it by: unique in the run, Gemini's function-name rules. */
  toolName: z.string(),
  remoteAgent: a2aAgentCardViewSchema,
});
export type RunSubAgent = z.infer<typeof runSubAgentSchema>;

/** The stored agent snapshot: the run keeps running the definition it was submitted with. */
export const runAgentSchema = z.object({
  name: z.string(),
  version: z.string(),
  /** The ADK agent the model steps run; absent for a remote (A2A) agent. */
  definition: agentDefinitionSchema.optional(),
  /** A registered A2A agent's validated card: the remote agent plays the model in model steps. */
  remoteAgent: a2aAgentCardViewSchema.optional(),
  /** The definition's sub-agents, resolved and snapshotted at submission; absent when none. */
  subAgents: z.array(runSubAgentSchema).optional(),
  /** The definition's OpenAPI toolsets' operations, as resolved at deploy (or at submission of an inline config); absent when none. */
  openApiOperations: z.array(openApiOperationSchema).optional(),
  /** The definition's MCP toolsets' tools, as listed at deploy (or at submission of an inline config); absent when none. */
  mcpTools: z.array(mcpToolSchema).optional(),
  /** True when `name` is a registered agent's resource name, whose lifecycle gates the run. */
  registered: z.boolean().optional(),
});
export type RunAgent = z.infer<typeof runAgentSchema>;

export const runSchema = z.object({
  schemaVersion: z.literal(1),
  runId: z.string(),
  agent: runAgentSchema.optional(),
  runConfig: runConfigSchema.optional(),
  state: runStateSchema,
  input: z.string(),
  sessionId: z.string().optional(),
  userId: z.string().optional(),
  /** Turn number of the current model step; a turn is one model call plus its tool calls. */
  turn: z.number().int().nonnegative(),
  next: nextWorkSchema,
  /** Model requests sent (every attempt, retries included): the budget counter. */
  llmCallCount: z.number().int().nonnegative(),
  /** Model requests that returned a usable answer. */
  llmCallsSucceeded: z.number().int().nonnegative(),
  eventCount: z.number().int().nonnegative(),
  /**
   * Records in the run's event stream (`runs/{runId}/stream/{seq}`), the next record's seq;
   * absent on runs stored before the stream existed (docs/architecture.md, "Run events").
   */
  streamCount: z.number().int().nonnegative().optional(),
  usage: usageSchema,
  output: z.object({ text: z.string() }).optional(),
  error: runErrorSchema.optional(),
  /** Why a WAITING run waits (e.g. `AGENT_SUSPENDED`); absent when it does not wait. */
  waitingReason: runErrorSchema.optional(),
  /**
   * Times the run was parked by its agent's lifecycle; names the plan step that resumes it, so
   * every park has its own deterministic resume step.
   */
  parkCount: z.number().int().nonnegative().optional(),
  /**
   * The latest the run may end: a run still going then ends CANCELLED with DEADLINE_EXCEEDED.
   * Every run has one (the submission's, else the deployment's longest run); absent only on runs
   * stored before deadlines existed.
   */
  deadlineTime: z.number().optional(),
  /**
   * Where the run's result is POSTed once it ends (docs/architecture.md, "Result callbacks"); set
   * only for a proven user. Its delivery is recorded apart (`runs/{runId}/callback/state`) and
   * never changes the run.
   */
  callback: runCallbackSchema.optional(),
  /** The batch item this run is: its end is reported to the batch (docs/architecture.md, "Batches"). */
  batch: z.object({ batchId: z.string(), index: z.number().int().nonnegative() }).optional(),
  createTime: z.number(),
  updateTime: z.number(),
  endTime: z.number().optional(),
});
export type Run = z.infer<typeof runSchema>;

/** True when the run is not terminal and its deadline has passed. */
export function isPastDeadline(run: Run, now: number): boolean {
  return !isTerminal(run.state) && run.deadlineTime !== undefined && now >= run.deadlineTime;
}

/** The run resource name used on every API and in results. */
export function runName(runId: string): string {
  return `runs/${runId}`;
}
