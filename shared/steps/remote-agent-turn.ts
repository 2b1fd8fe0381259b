import { decideRemoteOutcome } from '../domain/remote-task-outcome.ts';
import type { Run, RunError } from '../domain/run.ts';
import type { Step } from '../domain/step.ts';
import type { ModelResponse } from '../ports/model-client.ts';
import type { Deps } from './step-deps.ts';

/** One model-step attempt of a run whose agent is a remote (A2A) agent. */
export type RemoteTurn =
  | { kind: 'answered'; response: ModelResponse }
  | { kind: 'pending'; taskId: string; startTime: number }
  | { kind: 'stopped'; error: RunError };

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
 * The remote agent plays the model: the run's input goes to it as one user message (its
 * session history stays with the run; the remote keeps its own context), its finished answer
 * comes back as the model turn. An unfinished task is followed for at most
 * `settings.remoteAgent.followMs`, then handed back as `pending` to be checked again later.
 */
export async function callRemoteAgent(
  deps: Pick<Deps, 'remoteAgents' | 'settings' | 'clock'>,
  run: Run,
  step: Step,
): Promise<RemoteTurn> {
  const remote = run.agent?.remoteAgent;
  if (!remote) throw new Error(`Run ${run.runId} has no remote agent`);
  const { followMs, maxTaskMs } = deps.settings.remoteAgent;
  const snapshot = step.remoteTask
    ? await deps.remoteAgents.follow(remote.endpoint, step.remoteTask.taskId, { followMs })
    : await deps.remoteAgents.send(remote.endpoint, { messageId: remoteMessageId(run.runId, step.stepId), text: run.input }, { followMs });
  const outcome = decideRemoteOutcome(remote.name, snapshot);
  if (outcome.kind === 'answered') {
    return { kind: 'answered', response: { content: { role: 'model', parts: [{ text: outcome.text }] }, usage: {}, chunkCount: 1 } };
  }
  if (outcome.kind === 'stopped') return outcome;
  const startTime = step.remoteTask?.startTime ?? deps.clock.now();
  if (deps.clock.now() - startTime >= maxTaskMs) {
    const message = `Remote agent ${remote.name} did not finish task ${outcome.taskId} within ${maxTaskMs} ms`;
    return { kind: 'stopped', error: { code: 'A2A_TASK_TIMEOUT', message } };
  }
  return { kind: 'pending', taskId: outcome.taskId, startTime };
}
