import { TaskState, type Message, type Task } from '@a2a-js/sdk';
import type { RemoteTaskSnapshot, RemoteTaskState } from '../../ports/remote-agent-client.ts';

type Part = Message['parts'][number];

const states = new Map<TaskState, RemoteTaskState>([
  [TaskState.TASK_STATE_SUBMITTED, 'submitted'],
  [TaskState.TASK_STATE_WORKING, 'working'],
  [TaskState.TASK_STATE_COMPLETED, 'completed'],
  [TaskState.TASK_STATE_FAILED, 'failed'],
  [TaskState.TASK_STATE_CANCELED, 'canceled'],
  [TaskState.TASK_STATE_REJECTED, 'rejected'],
  [TaskState.TASK_STATE_INPUT_REQUIRED, 'input-required'],
  [TaskState.TASK_STATE_AUTH_REQUIRED, 'auth-required'],
]);

/**
 * What a message/send or tasks/get result says, in our words. A plain message reply is a
 * finished answer with no task. A completed task's answer is its artifacts' text, else its status
 * message, else the last agent message in its history; other states carry the status message.
 */
export function fromA2aResult(result: Message | Task): RemoteTaskSnapshot {
  if (!isTask(result)) return { state: 'completed', text: textOfParts(result.parts) };
  const state = states.get(result.status?.state ?? TaskState.TASK_STATE_UNSPECIFIED) ?? 'unknown';
  const statusText = result.status?.message ? textOfParts(result.status.message.parts) : '';
  if (state !== 'completed') return { state, taskId: result.id, text: statusText };
  const artifactText = result.artifacts.map((artifact) => textOfParts(artifact.parts)).filter(Boolean).join('\n');
  return { state, taskId: result.id, text: artifactText || statusText || lastAgentText(result.history) };
}

function isTask(result: Message | Task): result is Task {
  return 'status' in result && 'id' in result;
}

/** Text parts as they are; data parts as JSON; file parts by their name or URL. */
function textOfParts(parts: readonly Part[]): string {
  return parts
    .map((part) => {
      const content = part.content;
      if (!content) return '';
      if (content.$case === 'text') return content.value;
      if (content.$case === 'data') return JSON.stringify(content.value);
      if (content.$case === 'url') return content.value;
      return part.filename ? `[file ${part.filename}]` : '';
    })
    .filter(Boolean)
    .join('\n');
}

function lastAgentText(history: readonly Message[]): string {
  // Role 2 is ROLE_AGENT; compared by value so this file needs only the enums it names.
  const reply = [...history].reverse().find((message) => message.role === 2);
  return reply ? textOfParts(reply.parts) : '';
}
