import { z } from 'zod';
import { assertDeployAllowed, decideLifecycleChange, type LifecycleAction } from '../domain/agents/agent-lifecycle.ts';
import { locationOf, parseAgentName } from '../domain/agents/agent-name.ts';
import { toAgentJson, type AgentRecord } from '../domain/agents/agent-record.ts';
import { deployOutboxMessage } from '../domain/agents/deploy-message.ts';
import { agentLifecycleOutboxMessage } from '../domain/agent-lifecycle-message.ts';
import { outboxEntryOf } from '../domain/outbox.ts';
import type { OutboxMessage } from '../domain/step.ts';
import { publishCommitted } from '../engine/dispatch-outbox.ts';
import { emptyType, toOperationJson, type OperationRecord } from '../domain/agents/operation.ts';
import { authorizeAgentAccess, type Caller } from '../domain/agents/permissions.ts';
import { describeIssues } from '../domain/describe-issues.ts';
import { AbortedError, InvalidInputError, NotFoundError, PermissionDeniedError } from '../domain/errors.ts';
import type { ApiDeps } from './api-deps.ts';

type Json = Record<string, unknown>;

/** `deploy` body: Discovery Engine's `force`, plus agentline's `private` (finish PRIVATE, not ENABLED). */
const deployRequestSchema = z.strictObject({ force: z.boolean().optional(), private: z.boolean().optional() });

/**
 * `deploy` (a long-running operation): commits DEPLOYING, the operation and the deploy worker's
 * message (as an outbox entry) in one transaction, then publishes the message. If the publish
 * fails or the process dies first, the sweeper publishes it, so nothing stays DEPLOYING forever.
 */
export async function deployAgent(deps: Pick<ApiDeps, 'registry' | 'clock' | 'newId' | 'queue' | 'outbox' | 'logger'>, caller: Caller, name: string, body: unknown): Promise<Json> {
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
  const deploy = deployOutboxMessage(operation.name);
  await deps.registry.transact(async (tx) => {
    const record = authorizeAgentAccess(caller, 'deploy', name, await tx.getAgent(name));
    assertDeployAllowed(record.state, parsed.data.force ?? false);
    const { stateReason: _reason, hiddenWhileDeploying: _hidden, ...rest } = record;
    // A private agent (or one deployed private) is not shown to others while it deploys.
    const hidden = record.state === 'PRIVATE' || operation.deployPrivate === true;
    tx.putAgent({ ...rest, state: 'DEPLOYING', deployOperation: operation.name, ...(hidden ? { hiddenWhileDeploying: true } : {}), updateTime: now });
    operation.agentCreator = record.creator;
    tx.putOperation(operation);
    tx.putOutbox(outboxEntryOf(deploy, now));
  });
  await publishAfterCommit(deps, [deploy]);
  return toOperationJson(operation);
}

/**
 * Publishes what a committed registry change put in the outbox. The change stands either way and
 * its outbox entry stays until published, so a failure here is logged and the sweeper publishes
 * the message later (docs/architecture.md, "The outbox").
 */
export async function publishAfterCommit(deps: Pick<ApiDeps, 'queue' | 'outbox' | 'logger'>, messages: OutboxMessage[]): Promise<void> {
  await publishCommitted(deps, messages).catch((error: unknown) =>
    deps.logger.warn('publishing a committed registry change failed; the sweeper will publish it', { error: String(error) }),
  );
}

/** `delete`: removes the agent at once and returns a finished operation (response Empty); its parked runs then fail. */
export async function deleteAgent(deps: Pick<ApiDeps, 'registry' | 'clock' | 'newId' | 'queue' | 'outbox' | 'logger'>, caller: Caller, name: string): Promise<Json> {
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
    tx.deleteAgent(record);
    tx.putOperation(operation);
    tx.putOutbox(outboxEntryOf(agentLifecycleOutboxMessage(name, operation.name), now));
    return operation;
  });
  await publishAfterCommit(deps, [agentLifecycleOutboxMessage(name, operation.name)]);
  return toOperationJson(operation);
}

/** `enableAgent`, `disableAgent`, `suspendAgent`; enabling resumes the runs a suspension parked. */
export async function changeLifecycle(
  deps: Pick<ApiDeps, 'registry' | 'clock' | 'queue' | 'outbox' | 'logger'>,
  caller: Caller,
  name: string,
  action: LifecycleAction,
  suspensionReason: string | undefined,
): Promise<Json> {
  parseAgentName(name);
  // Only enabling can let parked runs go on, so only enabling is announced, with the change.
  const announcement = (record: AgentRecord) => agentLifecycleOutboxMessage(name, `${action}-${record.updateTime}`);
  const updated = await deps.registry.transact(async (tx) => {
    const record = authorizeAgentAccess(caller, 'manageLifecycle', name, await tx.getAgent(name));
    const change = decideLifecycleChange(action, record.state, suspensionReason);
    const { stateReason: _reason, ...rest } = record;
    const now = deps.clock.now();
    const next: AgentRecord = { ...rest, state: change.state, ...(change.reason ? { stateReason: change.reason } : {}), updateTime: now };
    tx.putAgent(next);
    if (action === 'enableAgent') tx.putOutbox(outboxEntryOf(announcement(next), now));
    return next;
  });
  if (action === 'enableAgent') await publishAfterCommit(deps, [announcement(updated)]);
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
