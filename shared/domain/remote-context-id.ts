import { createHash } from 'node:crypto';
import type { Run } from './run.ts';

/**
 * The A2A `contextId` agentline sends a remote agent, so the remote can keep its own conversation
 * state (an ADK agent served over A2A uses it as its session id). Deterministic, so every attempt
 * of a step, and every run of a session, sends the same one without storing anything:
 *
 * - a run of a remote agent: per (agent, session, user) when the run has a session — consecutive
 *   runs of a session continue one remote conversation — else per run;
 * - a sub-agent call: per (calling agent, sub-agent, session, user) with a session, else per
 *   (run, sub-agent), so repeated calls continue one conversation. A sub-agent's context is never
 *   the same as a direct run's of that agent in the same session: the caller is the agent there,
 *   not the user.
 *
 * Hashed so the remote learns neither the user id nor the session id (a remote is a third party);
 * unsalted, so it hides them only as well as they are hard to guess.
 */
export function remoteContextId(run: Pick<Run, 'runId' | 'sessionId' | 'userId'>, remoteAgent: string, caller?: string): string {
  const scope = run.sessionId ? ['session', run.sessionId, run.userId ?? ''] : ['run', run.runId];
  const basis = JSON.stringify([caller === undefined ? 'run' : 'sub-agent', remoteAgent, caller ?? '', ...scope]);
  return `agentline-${createHash('sha256').update(basis).digest('hex').slice(0, 32)}`;
}
