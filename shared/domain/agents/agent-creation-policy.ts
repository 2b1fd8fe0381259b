import { PermissionDeniedError, ResourceExhaustedError } from '../errors.ts';
import type { Caller } from './permissions.ts';

/** Where this deployment creates agents and how many one user may have (README "Configuration"). */
export interface AgentCreationPolicy {
  /** The engines (`projects/…/engines/…`) agents may be created under. */
  parents: readonly string[];
  /** The most agents one non-admin user may have at once; admins are exempt. */
  maxAgentsPerUser: number;
}

/**
 * PERMISSION_DENIED for a parent this deployment does not serve, admins included: a parent is
 * where the deployment's agents live, not a name any caller may invent. The message names the
 * parents it does serve, which are configuration, not secrets.
 */
export function assertServedParent(policy: AgentCreationPolicy, parent: string): void {
  if (policy.parents.includes(parent)) return;
  throw new PermissionDeniedError(`Permission denied to create agents under ${parent}: this deployment creates agents only under ${policy.parents.join(', ')}`, {
    code: 'PARENT_NOT_SERVED',
    metadata: { parent, servedParents: policy.parents.join(',') },
  });
}

/** RESOURCE_EXHAUSTED (429) once a non-admin `caller` has `agentCount` agents, naming the limit. */
export function assertBelowAgentLimit(policy: AgentCreationPolicy, caller: Caller, agentCount: number): void {
  if (caller.admin || agentCount < policy.maxAgentsPerUser) return;
  throw new ResourceExhaustedError(
    `User ${caller.userId} has ${agentCount} agents, the most one user may have (${policy.maxAgentsPerUser}, AGENTLINE_MAX_AGENTS_PER_USER); delete one before creating another`,
    { code: 'AGENT_LIMIT_REACHED', metadata: { userId: caller.userId, agentCount: String(agentCount), maxAgentsPerUser: String(policy.maxAgentsPerUser) } },
  );
}
