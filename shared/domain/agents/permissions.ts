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
  return isHiddenFromOthers(record) ? new Set() : new Set<AgentPermission>(['get', 'run']);
}

/**
 * PRIVATE, or on its way to PRIVATE (or back from it): a private agent being redeployed, or whose
 * private deploy failed, is no more visible than a PRIVATE one.
 */
export function isHiddenFromOthers(record: Pick<AgentRecord, 'state' | 'hiddenWhileDeploying'>): boolean {
  if (record.state === 'PRIVATE') return true;
  return record.hiddenWhileDeploying === true && (record.state === 'DEPLOYING' || record.state === 'DEPLOYMENT_FAILED');
}

/**
 * The state's reason as `caller` may read it: a failed deploy's reason quotes the definition (a
 * card's URI, problems in the Agent Config), so only those who may edit the agent read it; a
 * suspension's is written for users.
 */
export function stateReasonFor(caller: Caller, record: AgentRecord): Record<string, string> {
  const reason = record.stateReason;
  if (!reason) return {};
  if (reason.kind === 'deploymentFailureReason' && !permissionsOn(caller, record).has('update')) return {};
  return { [reason.kind]: reason.message };
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
