import { z } from 'zod';

/**
 * Lifecycle states of a registered agent, as in Discovery Engine's Agent resource. Only ENABLED
 * agents run for any authorized caller; PRIVATE agents run for their creator only.
 */
export const agentStates = [
  'CONFIGURED',
  'DEPLOYING',
  'DEPLOYMENT_FAILED',
  'PRIVATE',
  'ENABLED',
  'DISABLED',
  'SUSPENDED',
] as const;
export const agentStateSchema = z.enum(agentStates);
export type AgentState = z.infer<typeof agentStateSchema>;

/** Whether a new run of an agent in this state may start for this caller. */
export function canStartRun(state: AgentState, callerIsCreator: boolean): boolean {
  return state === 'ENABLED' || (state === 'PRIVATE' && callerIsCreator);
}

/**
 * What a run's commit reads of its registered agent, in one document read inside the committing
 * transaction: the lifecycle state and the creator (who alone may run a PRIVATE agent).
 */
export interface AgentLifecycle {
  state: AgentState;
  creator: string;
}

/** Whether `userId` (undefined for an anonymous run) is the agent's creator. */
export function isAgentCreator(creator: string, userId: string | undefined): boolean {
  return userId !== undefined && creator === userId;
}
