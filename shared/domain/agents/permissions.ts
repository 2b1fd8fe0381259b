import { NotFoundError, PermissionDeniedError } from '../errors.ts';
import type { AgentRecord } from './agent-record.ts';

/** Who is calling, as the authenticator verified it. */
export interface Caller {
  /** Stable user id: the local token's `sub`, or a Google ID token's email. */
  userId: string;
  /** Project administrators manage every agent and grant authorizations. */
  admin: boolean;
}

export const agentPermissions = ['get', 'update', 'delete', 'deploy', 'manageLifecycle', 'run'] as const;
export type AgentPermission = (typeof agentPermissions)[number];

/**
 * The permission model (README "Authorization"): admins may do anything to any agent; a creator
 * may do anything to their own agents; any other signed-in user may get and run agents that are
 * not PRIVATE (running may further need `authorizationConfig.agentAuthorization`).
 */
export function permissionsOn(caller: Caller, record: AgentRecord): Set<AgentPermission> {
  if (caller.admin || caller.userId === record.creator) return new Set(agentPermissions);
  return record.state === 'PRIVATE' ? new Set() : new Set<AgentPermission>(['get', 'run']);
}

/**
 * Permission before existence: a caller who could not act on the agent gets PERMISSION_DENIED
 * whether or not it exists (only admins, who may act on any name, learn that one is missing).
 * Returns the record when permitted.
 */
export function authorizeAgentAccess(
  caller: Caller,
  permission: AgentPermission,
  name: string,
  record: AgentRecord | undefined,
): AgentRecord {
  if (record && permissionsOn(caller, record).has(permission)) return record;
  if (!record && caller.admin) throw new NotFoundError(`Agent ${name} does not exist`, { code: 'AGENT_NOT_FOUND', metadata: { agent: name } });
  throw new PermissionDeniedError(`Permission '${permission}' denied on agent ${name} (or it may not exist)`, { metadata: { agent: name, permission } });
}

/** Whether `caller` may see `record` in a list. */
export function canSee(caller: Caller, record: AgentRecord): boolean {
  return permissionsOn(caller, record).has('get');
}
