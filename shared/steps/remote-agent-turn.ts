import type { A2aAgentCardView } from '../domain/a2a-agent-card.ts';
import { remoteContextId } from '../domain/remote-context-id.ts';
import { decideRemoteOutcome, type RemoteTaskOutcome } from '../domain/remote-task-outcome.ts';
import type { Run } from '../domain/run.ts';
import type { Step } from '../domain/step.ts';
import type { ModelResponse } from '../ports/model-client.ts';
import type { Deps } from '../engine/deps.ts';

/** One model-step attempt of a run whose agent is a remote (A2A) agent. */
export type RemoteTurn = { kind: 'answered'; response: ModelResponse } | Exclude<RemoteTaskProgress, { kind: 'answered' }>;

/**
 * The A2A message id of a step's message: the same for every attempt of the step. What this
 * guarantees: a remote that deduplicates by message id (the A2A spec lets servers treat a
 * repeated messageId as the same message) sees a redelivered or retried step as one message.
 * What it does not: a remote that does not deduplicate may start a second task when an attempt
 * sent the message and then crashed, or timed out, before its commit recorded the task id. Once
 * the task id is recorded, later attempts only follow that task (tasks/get) and never resend.
 */
export function remoteMessageId(runId: string, stepId: string): string {
  return `agentline-${runId}-${stepId}`;
}

/**
 * Where a remote task a step sent (or follows) stands after one attempt: the task's outcome, a
 * pending one with the time the step first saw it (which bounds how long it is followed).
 */
export type RemoteTaskProgress =
  | Exclude<RemoteTaskOutcome, { kind: 'pending' }>
  | { kind: 'pending'; taskId: string; startTime: number };

/** What a step sends a remote agent: the text, in the remote conversation `contextId`. */
export interface RemoteRequest {
  text: string;
  contextId: string;
}

/**
 * One attempt at a step's remote task: sends the request (with the step's deterministic message id)
 * unless the step already has a task, in which case it only follows that task; follows for at
 * most `followMs`. An unfinished task comes back `pending`, to be checked again later, until
 * `settings.remoteAgent.maxTaskMs` after it started (A2A_TASK_TIMEOUT). Shared by a run whose
 * agent is remote (model steps) and by sub-agent calls (tool steps).
 */
export async function advanceRemoteTask(
  deps: Pick<Deps, 'remoteAgents' | 'settings' | 'clock'>,
  remote: A2aAgentCardView,
  step: Step,
  request: RemoteRequest,
  followMs: number,
): Promise<RemoteTaskProgress> {
  const snapshot = step.remoteTask
    ? await deps.remoteAgents.follow(remote.endpoint, step.remoteTask.taskId, { followMs })
    : await deps.remoteAgents.send(remote.endpoint, { messageId: remoteMessageId(step.runId, step.stepId), ...request }, { followMs });
  const outcome = decideRemoteOutcome(remote.name, snapshot);
  if (outcome.kind !== 'pending') return outcome;
  const { maxTaskMs } = deps.settings.remoteAgent;
  const startTime = step.remoteTask?.startTime ?? deps.clock.now();
  if (deps.clock.now() - startTime >= maxTaskMs) {
    const message = `Remote agent ${remote.name} did not finish task ${outcome.taskId} within ${maxTaskMs} ms`;
    return { kind: 'stopped', error: { code: 'A2A_TASK_TIMEOUT', message } };
  }
  return { kind: 'pending', taskId: outcome.taskId, startTime };
}

/**
 * The remote agent plays the model: the run's input goes to it as one user message, its
 * finished answer comes back as the model turn. The session's history is not sent: the remote
 * owns its context, which the run's `remoteContextId` names — the same for every run of a
 * session, so the remote continues one conversation across them.
 */
export async function callRemoteAgent(
  deps: Pick<Deps, 'remoteAgents' | 'settings' | 'clock'>,
  run: Run,
  step: Step,
): Promise<RemoteTurn> {
  const agent = run.agent;
  const remote = agent?.remoteAgent;
  if (!agent || !remote) throw new Error(`Run ${run.runId} has no remote agent`);
  const progress = await advanceRemoteTask(
    deps,
    remote,
    step,
    { text: run.input, contextId: remoteContextId(run, agent.name) },
    deps.settings.remoteAgent.followMs,
  );
  if (progress.kind !== 'answered') return progress;
  return { kind: 'answered', response: { content: { role: 'model', parts: [{ text: progress.text }] }, usage: {}, chunkCount: 1 } };
}
