import type { A2aEndpoint } from '../domain/a2a-agent-card.ts';

/** A2A task states (v1.0 names them TASK_STATE_*, v0.3 in kebab case); `unknown` for anything else. */
export const remoteTaskStates = [
  'submitted',
  'working',
  'completed',
  'failed',
  'canceled',
  'rejected',
  'input-required',
  'auth-required',
  'unknown',
] as const;
export type RemoteTaskState = (typeof remoteTaskStates)[number];

/** Where a remote agent's work stands after a call. */
export interface RemoteTaskSnapshot {
  state: RemoteTaskState;
  /** The task the remote created; absent when it answered with a plain message (no task). */
  taskId?: string;
  /**
   * The text the remote gave: for `completed`, the answer (the task's artifacts, else its status
   * message, else the reply message); for other states, the status message, possibly empty.
   */
  text: string;
}

export interface RemoteMessage {
  /**
   * The A2A message id. Callers derive it from the run and step, so a redelivered step sends the
   * same id and a remote that deduplicates by message id sees one message.
   */
  messageId: string;
  /**
   * The A2A contextId: the remote conversation this message continues (`remoteContextId`). A
   * remote that cannot accept a client-provided contextId rejects the message (A2A 1.0 §3.4.1),
   * which surfaces as PermanentDependencyError (A2A_ERROR).
   */
  contextId: string;
  text: string;
}

/**
 * Talks to remote agents over A2A. Every method follows the task for at most `followMs` and then
 * returns where it stands (`submitted`/`working` when unfinished), so a caller never blocks past
 * its lease. Throws TransientError for network failures, timeouts, HTTP 408/429/5xx and JSON-RPC
 * internal errors; PermanentDependencyError (code A2A_ERROR) with the remote's message for other
 * protocol errors; InvalidInputError (OUTBOUND_ADDRESS_REFUSED) for an endpoint on a refused
 * address.
 */
export interface RemoteAgentClient {
  /** Sends one user message (message/send, SendMessage). Not idempotent unless the remote dedupes. */
  send(endpoint: A2aEndpoint, message: RemoteMessage, options: { followMs: number }): Promise<RemoteTaskSnapshot>;
  /** Reads a task the remote already has (tasks/get, GetTask). Idempotent. */
  follow(endpoint: A2aEndpoint, taskId: string, options: { followMs: number }): Promise<RemoteTaskSnapshot>;
}
