import { z } from 'zod';
import { assertDeployAllowed, decideLifecycleChange, type LifecycleAction } from '../domain/agents/agent-lifecycle.ts';
import { locationOf, parseAgentName } from '../domain/agents/agent-name.ts';
import { toAgentJson, type AgentRecord } from '../domain/agents/agent-record.ts';
import { deployOutboxMessage } from '../domain/agents/deploy-message.ts';
import { emptyType, toOperationJson, type OperationRecord } from '../domain/agents/operation.ts';
import { authorizeAgentAccess, type Caller } from '../domain/agents/permissions.ts';
import { describeIssues } from '../domain/describe-issues.ts';
import { AbortedError, InvalidInputError, NotFoundError, PermissionDeniedError } from '../domain/errors.ts';
import { toOperationError } from '../domain/rpc-status.ts';
import type { ApiDeps } from './api-deps.ts';

type Json = Record<string, unknown>;

/** `deploy` body: Discovery Engine's `force`, plus agentline's `private` (finish PRIVATE, not ENABLED). */
const deployRequestSchema = z.strictObject({ force: z.boolean().optional(), private: z.boolean().optional() });

/**
 * `deploy` (a long-running operation): commits DEPLOYING and the operation in one transaction,
 * then hands the operation to the deploy worker. If that hand-off fails, the deploy is rolled
 * back and the operation ends with the error, so nothing stays DEPLOYING forever.
 */
export async function deployAgent(deps: Pick<ApiDeps, 'registry' | 'clock' | 'newId' | 'queue'>, caller: Caller, name: string, body: unknown): Promise<Json> {
  parseAgentName(name);
  const parsed = deployRequestSchema.safeParse(body ?? {});
  if (!parsed.success) throw new InvalidInputError(`Invalid deploy request: ${describeIssues(parsed.error.issues)}`);
  const now = deps.clock.now();
  const operation: OperationRecord = {
    schemaVersion: 1,
    name: `${name}/operations/deploy-${deps.newId()}`,
    verb: 'deploy',
    target: name,
    requester: caller.userId,
    agentCreator: '',
    deployPrivate: parsed.data.private ?? false,
    done: false,
    createTime: now,
    updateTime: now,
  };
  const previous = await deps.registry.transact(async (tx) => {
    const record = authorizeAgentAccess(caller, 'deploy', name, await tx.getAgent(name));
    assertDeployAllowed(record.state, parsed.data.force ?? false);
    const { stateReason: _reason, ...rest } = record;
    tx.putAgent({ ...rest, state: 'DEPLOYING', deployOperation: operation.name, updateTime: now });
    operation.agentCreator = record.creator;
    tx.putOperation(operation);
    return record;
  });
  try {
    await deps.queue.publish([deployOutboxMessage(operation.name)]);
  } catch (error) {
    await deps.registry.transact(async (tx) => {
      const current = await tx.getAgent(name);
      if (current?.deployOperation === operation.name) tx.putAgent({ ...previous, updateTime: deps.clock.now() });
      tx.putOperation({ ...operation, done: true, error: toOperationError(error), updateTime: deps.clock.now() });
    });
    throw error;
  }
  return toOperationJson(operation);
}

/**
 * After a committed change: the change stands either way, so a failed announcement is logged.
 * Runs it should have resumed stay parked until the next announcement (a suspend and enable, or
 * a forced redeploy): enabling an ENABLED agent is refused, so it cannot repeat one.
 */
export async function announce(deps: Pick<ApiDeps, 'announceLifecycleChange' | 'logger'>, name: string): Promise<void> {
  await deps.announceLifecycleChange(name).catch((error: unknown) => deps.logger.error('announcing an agent lifecycle change failed', { agent: name, error: String(error) }));
}

/** `delete`: removes the agent at once and returns a finished operation (response Empty); its parked runs then fail. */
export async function deleteAgent(deps: Pick<ApiDeps, 'registry' | 'clock' | 'newId' | 'announceLifecycleChange' | 'logger'>, caller: Caller, name: string): Promise<Json> {
  parseAgentName(name);
  const now = deps.clock.now();
  const operation = await deps.registry.transact(async (tx) => {
    const record = authorizeAgentAccess(caller, 'delete', name, await tx.getAgent(name));
    if (record.state === 'DEPLOYING') throw new AbortedError(`Agent ${name} is being deployed; delete it when the deployment ends`, { code: 'DEPLOYMENT_IN_PROGRESS', metadata: { agent: name } });
    const operation: OperationRecord = {
      schemaVersion: 1,
      name: `${locationOf(name)}/operations/delete-${deps.newId()}`,
      verb: 'delete',
      target: name,
      requester: caller.userId,
      agentCreator: record.creator,
      done: true,
      response: { '@type': emptyType },
      createTime: now,
      updateTime: now,
    };
    tx.deleteAgent(name);
    tx.putOperation(operation);
    return toOperationJson(operation);
  });
  await announce(deps, name);
  return operation;
}

/** `enableAgent`, `disableAgent`, `suspendAgent`; enabling resumes the runs a suspension parked. */
export async function changeLifecycle(
  deps: Pick<ApiDeps, 'registry' | 'clock' | 'announceLifecycleChange' | 'logger'>,
  caller: Caller,
  name: string,
  action: LifecycleAction,
  suspensionReason: string | undefined,
): Promise<Json> {
  parseAgentName(name);
  const updated = await deps.registry.transact(async (tx) => {
    const record = authorizeAgentAccess(caller, 'manageLifecycle', name, await tx.getAgent(name));
    const change = decideLifecycleChange(action, record.state, suspensionReason);
    const { stateReason: _reason, ...rest } = record;
    const next: AgentRecord = { ...rest, state: change.state, ...(change.reason ? { stateReason: change.reason } : {}), updateTime: deps.clock.now() };
    tx.putAgent(next);
    return next;
  });
  if (action === 'enableAgent') await announce(deps, name);
  return toAgentJson(updated);
}

/** `GET /v1/{operation}`: the requester, the agent's creator and admins may read it (403 before 404). */
export async function getOperation(deps: Pick<ApiDeps, 'registry'>, caller: Caller, name: string): Promise<Json> {
  const operation = await deps.registry.getOperation(name);
  if (operation && (caller.admin || caller.userId === operation.requester || caller.userId === operation.agentCreator)) {
    return toOperationJson(operation);
  }
  if (!operation && caller.admin) throw new NotFoundError(`Operation ${name} does not exist`, { code: 'OPERATION_NOT_FOUND', metadata: { operation: name } });
  throw new PermissionDeniedError(`Permission denied on operation ${name} (or it may not exist)`, { metadata: { operation: name } });
}
