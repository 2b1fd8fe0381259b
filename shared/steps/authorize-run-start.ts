import { canStartRun, isAgentCreator } from '../domain/agent-state.ts';
import { FailedPreconditionError, PermissionDeniedError } from '../domain/errors.ts';
import type { AgentCatalog, CatalogAgent } from '../ports/agent-catalog.ts';

/** Error code of a run refused because its agent is in a state that does not run. */
export const agentNotRunnableCode = 'AGENT_NOT_RUNNABLE';

/**
 * Looks up a registered agent and refuses to start a run of it unless it may run for `userId`.
 * Permission comes before existence: a missing agent and someone else's PRIVATE agent get the
 * same error, so names do not leak. Then the agent's `agentAuthorization` grant, then its
 * lifecycle state (named in the error). `role` names what is being run in the errors: the run's
 * agent, or a sub-agent the run's agent would call (the same rules apply to both).
 */
export async function authorizeRunStart(
  agents: AgentCatalog,
  agentName: string,
  userId: string | undefined,
  role: 'agent' | 'sub-agent' = 'agent',
): Promise<CatalogAgent> {
  const agent = await agents.getAgent(agentName);
  const callerIsCreator = agent !== undefined && isAgentCreator(agent.creator, userId);
  if (!agent || (agent.state === 'PRIVATE' && !callerIsCreator)) {
    throw new PermissionDeniedError(
      `Permission denied to run ${role} ${agentName} for ${describeUser(userId)} (or it may not exist)`,
    );
  }
  if (agent.agentAuthorization && !(userId && (await agents.holdsAuthorization(userId, agent.agentAuthorization)))) {
    throw new PermissionDeniedError(
      `Running ${role} ${agentName} requires the authorization ${agent.agentAuthorization}, which ${describeUser(userId)} does not hold`,
    );
  }
  if (!canStartRun(agent.state, callerIsCreator)) {
    throw new FailedPreconditionError(
      `${role === 'agent' ? 'Agent' : 'Sub-agent'} ${agentName} is ${agent.state}; only ENABLED agents (or PRIVATE ones, by their creator) can run`,
      { code: agentNotRunnableCode },
    );
  }
  return agent;
}

function describeUser(userId: string | undefined): string {
  return userId === undefined ? 'an anonymous caller (no proven user)' : `user ${userId}`;
}
