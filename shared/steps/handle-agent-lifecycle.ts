import { agentLifecycleMessageSchema, agentLifecycleOutboxMessage } from '../domain/agent-lifecycle-message.ts';
import { failRun } from '../domain/decide-next-steps.ts';
import { agentDeletedError, isParkedByLifecycle, lifecycleResumesRun, resumeStepIdOf } from '../domain/run-parking.ts';
import { newStep, stepOutboxMessage, type OutboxMessage } from '../domain/step.ts';
import type { StepQueue } from '../ports/step-queue.ts';
import { decodeJsonMessage, type Delivery } from './delivery.ts';
import { publishOutbox } from './publish-outbox.ts';
import type { Deps } from './step-deps.ts';

type LifecycleDeps = Pick<Deps, 'store' | 'queue' | 'clock' | 'logger'>;

/**
 * Announces that an agent's lifecycle changed, so its parked runs resume if they may. The
 * registry calls this after committing enableAgent (after, so the resume query sees every run
 * parked before the enable), and after deleting an agent (its parked runs then fail). Safe to
 * call any number of times, and after any change: the handler reads the current state.
 */
export async function publishAgentLifecycleChange(queue: StepQueue, agentName: string): Promise<void> {
  await queue.publish([agentLifecycleOutboxMessage(agentName)]);
}

/**
 * Consumes agentline-agent-lifecycle: for each run of the agent parked by its lifecycle, if the
 * agent now lets that run go on (ENABLED: every run; PRIVATE: its creator's), enqueues the run's
 * resume plan step (a deterministic id per park), which checks the lifecycle again in its own
 * transaction and re-decides from the run's cursor through the normal commit path; if the agent
 * was deleted, fails the run (it could never resume). Idempotent: a repeat
 * finds the step already created and only re-publishes it if it was never picked up.
 */
export function createAgentLifecycleHandler(deps: LifecycleDeps) {
  return async function handleAgentLifecycle(delivery: Delivery): Promise<void> {
    const { agentName } = decodeJsonMessage(delivery, agentLifecycleMessageSchema, `Agent lifecycle message on ${delivery.source}`);
    const parked = (await deps.store.listWaitingRuns(agentName)).filter(isParkedByLifecycle);
    let firstError: unknown;
    for (const run of parked) {
      try {
        await resumeRun(deps, run.runId, agentName);
      } catch (error) {
        firstError ??= error;
        deps.logger.warn('could not resume a parked run; the lifecycle message will be redelivered', {
          runId: run.runId,
          agentName,
          error: String(error),
        });
      }
    }
    deps.logger.info('agent lifecycle change handled', { agentName, parkedRuns: parked.length });
    if (firstError !== undefined) throw firstError;
  };
}

async function resumeRun(deps: LifecycleDeps, runId: string, agentName: string): Promise<void> {
  const outbox = await deps.store.transact(async (tx): Promise<{ messages: OutboxMessage[]; repeat: boolean }> => {
    const run = await tx.getRun(runId);
    if (!run || !isParkedByLifecycle(run)) return { messages: [], repeat: false };
    const stepId = resumeStepIdOf(run);
    // A repeat finds the resume step already created: re-publish it without reading the agent.
    if (await tx.getStep(runId, stepId)) return { messages: [stepOutboxMessage(runId, stepId)], repeat: true };
    const lifecycle = await tx.getAgentLifecycle(agentName);
    if (lifecycle === undefined) {
      const ended = failRun(run, agentDeletedError(agentName), deps.clock.now());
      tx.putRun(ended.run);
      return { messages: ended.outbox, repeat: false };
    }
    if (!lifecycleResumesRun(run, lifecycle)) return { messages: [], repeat: false };
    tx.createStep(newStep(runId, stepId, deps.clock.now()));
    return { messages: [stepOutboxMessage(runId, stepId)], repeat: false };
  });
  await publishOutbox(deps, runId, outbox.messages, outbox.repeat);
}
