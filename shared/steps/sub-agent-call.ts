import { AgentlineError } from '../domain/errors.ts';
import { remoteContextId } from '../domain/remote-context-id.ts';
import type { Run, RunSubAgent } from '../domain/run.ts';
import type { Step } from '../domain/step.ts';
import { parseToolArguments } from '../tools/execute-tool-call.ts';
import { subAgentTool } from '../tools/sub-agent-tool.ts';
import { advanceRemoteTask, type RemoteTaskProgress } from './remote-agent-turn.ts';
import type { Deps } from '../engine/deps.ts';

/** A sub-agent call's attempt: the function response for the model, or a task still running. */
export type SubAgentCallOutcome =
  | { kind: 'result'; response: Record<string, unknown> }
  | Extract<RemoteTaskProgress, { kind: 'pending' }>;

/**
 * Calls a registered A2A sub-agent as a tool: the model's `request` goes to the remote agent as
 * one message, with the step's deterministic message id (`remoteMessageId`), in one remote
 * conversation per (run, sub-agent) — per session with one — so a second call continues the first
 * (`remoteContextId`); only the request is sent, never the run's conversation. The remote's
 * answer becomes the function response `{result: text}` — the shape ADK gives an AgentTool's
 * text. A task that ends without an answer, bad arguments and permanent errors (a protocol error,
 * a refused address) become `{error: ...}` for the model to act on, as a failed tool does;
 * transient errors escape so the step is redelivered.
 *
 * An attempt follows the task for at most half the tool lease, so it never outlives its lease;
 * a task still running comes back `pending`, to be followed again through the delay queue.
 *
 * Not counted against max_llm_calls: the model call that asked for it was, and the remote
 * agent's own model calls are the remote's, not this run's.
 */
export async function callSubAgent(
  deps: Pick<Deps, 'remoteAgents' | 'settings' | 'clock'>,
  run: Run,
  step: Step,
  subAgent: RunSubAgent,
  args: unknown,
): Promise<SubAgentCallOutcome> {
  const parsed = parseToolArguments(subAgentTool(subAgent), args);
  if ('error' in parsed) return { kind: 'result', response: parsed };
  const followMs = Math.min(deps.settings.remoteAgent.followMs, deps.settings.leaseMs.tool / 2);
  try {
    const request = { text: parsed.data.request, contextId: remoteContextId(run, subAgent.name, run.agent?.name ?? '') };
    const progress = await advanceRemoteTask(deps, subAgent.remoteAgent, step, request, followMs);
    if (progress.kind === 'answered') return { kind: 'result', response: { result: progress.text } };
    if (progress.kind === 'stopped') return { kind: 'result', response: { error: progress.error.message } };
    return progress;
  } catch (error) {
    if (error instanceof AgentlineError && !error.retryable) return { kind: 'result', response: { error: error.message } };
    throw error;
  }
}
