import { deployedState } from '../domain/agents/agent-lifecycle.ts';
import { toAgentJson, type AgentRecord } from '../domain/agents/agent-record.ts';
import { agentType } from '../domain/agents/operation.ts';
import { FailedPreconditionError, isRetryable } from '../domain/errors.ts';
import { toOperationError } from '../domain/rpc-status.ts';
import { deployMessageSchema } from '../domain/agents/deploy-message.ts';
import { decodeJsonMessage, type Delivery } from '../engine/delivery.ts';
import type { ApiDeps } from './api-deps.ts';
import { decideDeployment, type DeploymentChecks } from './decide-deployment.ts';
import { agentLifecycleOutboxMessage } from '../domain/agent-lifecycle-message.ts';
import { outboxEntryOf } from '../domain/outbox.ts';
import { publishAfterCommit } from './operation-methods.ts';

/**
 * How long a deploy keeps retrying (through redelivery) a failure that may pass, such as a card
 * server answering 503, before it ends DEPLOYMENT_FAILED with that failure as the reason.
 */
export const deployRetryWindowMs = 5 * 60_000;

/**
 * How many such failures a deploy records before it gives up, whatever the time. Pub/Sub
 * dead-letters the message after the subscription's `maxDeliveryAttempts` (20), possibly before
 * the window has passed; giving up well before that keeps an agent from staying DEPLOYING forever.
 */
export const deployMaxFailedAttempts = 10;

/**
 * The deploy worker (CloudEvent function `deployAgent`): validates the agent's definition and
 * finishes its operation in one transaction — ENABLED (PRIVATE when asked), or DEPLOYMENT_FAILED
 * with the reason, the operation then carrying FAILED_PRECONDITION with the same message.
 * Idempotent: a redelivery of a finished operation does nothing. A deploy that leaves the agent
 * runnable announces the lifecycle change through the outbox, in the same transaction, as
 * enableAgent does: a forced redeploy of a SUSPENDED agent enables it, and the runs the
 * suspension parked must resume.
 */
export function createDeployHandler(deps: Pick<ApiDeps, 'registry' | 'clock' | 'logger' | 'queue' | 'outbox'> & DeploymentChecks) {
  return async function handleDeploy(delivery: Delivery): Promise<void> {
    const message = decodeJsonMessage(delivery, deployMessageSchema, `Deploy message on ${delivery.source}`);
    const operation = await deps.registry.getOperation(message.operation);
    if (!operation || operation.done) return;
    const record = await deps.registry.getAgentRecord(operation.target);
    if (!record || record.deployOperation !== operation.name) return;
    let outcome;
    try {
      outcome = await decideDeployment(record, deps);
    } catch (error) {
      if (!isRetryable(error)) throw error;
      const failedAttempts = (operation.failedAttempts ?? 0) + 1;
      const message = (error as Error).message;
      const windowPassed = deps.clock.now() - operation.createTime >= deployRetryWindowMs;
      if (!windowPassed && failedAttempts < deployMaxFailedAttempts) {
        await recordFailedAttempt(deps, operation.name, failedAttempts, message);
        throw error;
      }
      const reason = windowPassed
        ? `${message} (still failing ${deployRetryWindowMs / 60_000} minutes after the deploy started)`
        : `${message} (failed ${failedAttempts} times)`;
      outcome = { ok: false as const, reason };
    }
    const announcement = agentLifecycleOutboxMessage(operation.target, operation.name);
    const finished = await deps.registry.transact(async (tx) => {
      const current = await tx.getAgent(operation.target);
      const currentOperation = await tx.getOperation(operation.name);
      if (!current || !currentOperation || currentOperation.done || current.deployOperation !== operation.name) return false;
      const now = deps.clock.now();
      const change = deployedState(outcome.ok ? { ok: true, private: operation.deployPrivate ?? false } : outcome);
      // A failed deploy keeps the agent hidden if it was (isHiddenFromOthers); a deployed one's
      // state says who sees it.
      const { deployOperation: _operation, stateReason: _reason, hiddenWhileDeploying: hidden, ...rest } = current;
      const deployed: AgentRecord = {
        ...rest,
        ...(hidden && !outcome.ok ? { hiddenWhileDeploying: true } : {}),
        state: change.state,
        ...(change.reason ? { stateReason: change.reason } : {}),
        ...(outcome.ok && outcome.agentCard ? { definition: { kind: 'a2a' as const, agentCard: outcome.agentCard } } : {}),
        // An ADK agent's OpenAPI operations and MCP tools as this deploy resolved them; none drops an older snapshot.
        ...(outcome.ok && current.definition.kind === 'adk'
          ? {
              definition: {
                kind: 'adk' as const,
                configYaml: current.definition.configYaml,
                ...(outcome.openApiOperations ? { openApiOperations: outcome.openApiOperations } : {}),
                ...(outcome.mcpTools ? { mcpTools: outcome.mcpTools } : {}),
              },
            }
          : {}),
        updateTime: now,
      };
      tx.putAgent(deployed);
      tx.putOperation({
        ...currentOperation,
        done: true,
        ...(outcome.ok
          ? { response: { '@type': agentType, ...toAgentJson(deployed) } }
          : {
              error: toOperationError(
                new FailedPreconditionError(`Deployment failed: ${outcome.reason}`, { code: 'DEPLOYMENT_FAILED', metadata: { agent: operation.target } }),
              ),
            }),
        updateTime: now,
      });
      if (outcome.ok) tx.putOutbox(outboxEntryOf(announcement, now));
      return true;
    });
    if (finished && outcome.ok) await publishAfterCommit(deps, [announcement]);
    deps.logger.info('agent deploy finished', { agent: operation.target, operation: operation.name, state: outcome.ok ? 'deployed' : 'failed' });
  };
}

/** Keeps count of the failures that may pass, and shows the last one in the operation's metadata. */
async function recordFailedAttempt(deps: Pick<ApiDeps, 'registry' | 'clock'>, name: string, failedAttempts: number, lastError: string): Promise<void> {
  await deps.registry.transact(async (tx) => {
    const current = await tx.getOperation(name);
    if (current && !current.done) tx.putOperation({ ...current, failedAttempts, lastError, updateTime: deps.clock.now() });
  });
}
