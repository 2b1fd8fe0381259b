import type { RemoteTaskSnapshot } from '../ports/remote-agent-client.ts';
import type { RunError } from './run.ts';

/** What a remote agent's task means for the run (or tool call) that asked. */
export type RemoteTaskOutcome =
  | { kind: 'answered'; text: string }
  | { kind: 'pending'; taskId: string }
  | { kind: 'stopped'; error: RunError };

/**
 * The A2A task states and what each does:
 *
 * - `completed`: the answer; the run records it as the model turn and its output.
 * - `submitted`, `working`: not finished; the step keeps the task id and checks again later.
 * - `failed`: A2A_TASK_FAILED with the remote's status message.
 * - `canceled`: A2A_TASK_CANCELED (cancelled on the remote side; not a cancellation of the run).
 * - `rejected`: A2A_TASK_REJECTED — the remote declined the task.
 * - `input-required`, `auth-required`: A2A_INPUT_REQUIRED / A2A_AUTH_REQUIRED. A run has no way
 *   to give a remote more input or credentials mid-task, so it ends here with the remote's
 *   question, rather than waiting for an answer that can never come.
 * - anything else: A2A_TASK_STATE_UNKNOWN.
 */
export function decideRemoteOutcome(agentName: string, snapshot: RemoteTaskSnapshot): RemoteTaskOutcome {
  const said = snapshot.text ? `: ${snapshot.text}` : '';
  const stopped = (code: string, what: string): RemoteTaskOutcome => ({
    kind: 'stopped',
    error: { code, message: `Remote agent ${agentName} ${what}${said}` },
  });
  switch (snapshot.state) {
    case 'completed':
      return { kind: 'answered', text: snapshot.text };
    case 'submitted':
    case 'working':
      if (snapshot.taskId) return { kind: 'pending', taskId: snapshot.taskId };
      return stopped('A2A_TASK_STATE_UNKNOWN', `reported a ${snapshot.state} task without a task id`);
    case 'failed':
      return stopped('A2A_TASK_FAILED', 'failed the task');
    case 'canceled':
      return stopped('A2A_TASK_CANCELED', 'canceled the task');
    case 'rejected':
      return stopped('A2A_TASK_REJECTED', 'rejected the task');
    case 'input-required':
      return stopped('A2A_INPUT_REQUIRED', 'needs more input, which a run cannot give it mid-task');
    case 'auth-required':
      return stopped('A2A_AUTH_REQUIRED', 'needs authentication, which a run cannot give it mid-task');
    case 'unknown':
      return stopped('A2A_TASK_STATE_UNKNOWN', 'reported a task state agentline does not know');
  }
}
