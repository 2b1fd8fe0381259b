import type { AgentState } from '../agent-state.ts';
import { AbortedError, FailedPreconditionError, InvalidInputError } from '../errors.ts';

/** Why an agent is in its state; at most one, as Discovery Engine's `agent_state_reason` oneof. */
export type StateReason =
  | { kind: 'suspensionReason'; message: string }
  | { kind: 'rejectionReason'; message: string }
  | { kind: 'deploymentFailureReason'; message: string };

export type LifecycleAction = 'enableAgent' | 'disableAgent' | 'suspendAgent';

const allowedFrom: Record<LifecycleAction, readonly AgentState[]> = {
  enableAgent: ['DISABLED', 'SUSPENDED'],
  disableAgent: ['ENABLED', 'SUSPENDED'],
  suspendAgent: ['ENABLED'],
};
const targetOf: Record<LifecycleAction, AgentState> = {
  enableAgent: 'ENABLED',
  disableAgent: 'DISABLED',
  suspendAgent: 'SUSPENDED',
};

/**
 * The state after a custom lifecycle method, or FAILED_PRECONDITION naming the current state
 * and the states the method accepts. A deploy in progress makes any change ABORTED.
 */
export function decideLifecycleChange(
  action: LifecycleAction,
  current: AgentState,
  suspensionReason?: string,
): { state: AgentState; reason?: StateReason } {
  if (action === 'suspendAgent' && !suspensionReason?.trim()) {
    throw new InvalidInputError('suspendAgent needs a non-empty suspensionReason, shown to the users of the agent', { code: 'SUSPENSION_REASON_MISSING' });
  }
  if (current === 'DEPLOYING') throw new AbortedError(`The agent is being deployed; ${action} is possible when the deployment ends`, { code: 'DEPLOYMENT_IN_PROGRESS', metadata: { method: action } });
  if (!allowedFrom[action].includes(current)) {
    throw new FailedPreconditionError(`${action} is not allowed in state ${current}; allowed from ${allowedFrom[action].join(' or ')}`, {
      code: 'INVALID_AGENT_STATE',
      metadata: { method: action, state: current, allowedStates: allowedFrom[action].join(',') },
    });
  }
  return action === 'suspendAgent'
    ? { state: targetOf[action], reason: { kind: 'suspensionReason', message: suspensionReason!.trim() } }
    : { state: targetOf[action] };
}

/**
 * Whether a deploy may start. CONFIGURED and DEPLOYMENT_FAILED agents deploy; deployed ones
 * (ENABLED, PRIVATE, DISABLED, SUSPENDED) redeploy only with `force`; a running deploy is ABORTED.
 */
export function assertDeployAllowed(current: AgentState, force: boolean): void {
  if (current === 'DEPLOYING') throw new AbortedError('A deployment of this agent is already running; wait for its operation to finish', { code: 'DEPLOYMENT_IN_PROGRESS' });
  if (current === 'CONFIGURED' || current === 'DEPLOYMENT_FAILED' || force) return;
  throw new FailedPreconditionError(`The agent is already deployed (state ${current}); pass force=true to redeploy it`, { code: 'AGENT_ALREADY_DEPLOYED', metadata: { state: current } });
}

/** A deploy's outcome as an agent state. */
export function deployedState(outcome: { ok: true; private: boolean } | { ok: false; reason: string }): {
  state: AgentState;
  reason?: StateReason;
} {
  if (!outcome.ok) return { state: 'DEPLOYMENT_FAILED', reason: { kind: 'deploymentFailureReason', message: outcome.reason } };
  return { state: outcome.private ? 'PRIVATE' : 'ENABLED' };
}
