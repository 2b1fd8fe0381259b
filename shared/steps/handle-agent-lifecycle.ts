import { agentLifecycleMessageSchema, agentLifecycleOutboxMessage } from '../domain/agent-lifecycle-message.ts';
import { failRun } from '../domain/decide-next-steps.ts';
import { agentDeletedError, isParkedByLifecycle, lifecycleResumesRun, resumeStepIdOf } from '../domain/run-parking.ts';
import { newStep, stepOutboxMessage } from '../domain/step.ts';
import type { StepQueue } from '../ports/step-queue.ts';
import { decodeJsonMessage, type Delivery } from '../engine/delivery.ts';
import type { Deps } from '../engine/deps.ts';
import { commitRunChange } from '../engine/run-change.ts';

type LifecycleDeps = Pick<Deps, 'store' | 'outbox' | 'queue' | 'clock' | 'logger'>;

/**
 * Publishes an announcement that an agent's lifecycle changed, outside any commit. The registry
 * announces through its outbox, in the transaction of the change; this is for operators and
 * tests that need to nudge parked runs. Harmless at any time: the handler reads the current state.
 */
export async function publishAgentLifecycleChange(queue: StepQueue, agentName: string, changeId = `manual-${Date.now()}`): Promise<void> {
  await queue.publish([agentLifecycleOutboxMessage(agentName, changeId)]);
}

/**
 * Consumes agentline-agent-lifecycle: for each run of the agent parked by its lifecycle, if the
 * agent now lets that run go on (ENABLED: every run; PRIVATE: its creator's), enqueues the run's
 * resume plan step (a deterministic id per park), which checks the lifecycle again in its own
 * transaction and re-decides from the run's cursor through the normal commit path; if the agent
 * was deleted, fails the run (it could never resume). Idempotent: a repeat finds the step
 * already created and only re-publishes it if it was never picked up.
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
        deps.logger.warn('could not resume a parked run; the lifecycle message will be redelivered', { runId: run.runId, agentName, error: String(error) });
      }
    }
    deps.logger.info('agent lifecycle change handled', { agentName, parkedRuns: parked.length });
    if (firstError !== undefined) throw firstError;
  };
}

async function resumeRun(deps: LifecycleDeps, runId: string, agentName: string): Promise<void> {
  await commitRunChange(deps, runId, async ({ tx, run, now }) => {
    if (!isParkedByLifecycle(run)) return undefined;
    const stepId = resumeStepIdOf(run);
    const resume = { run, newSteps: [newStep(runId, stepId, now)], outbox: [stepOutboxMessage(runId, stepId)] };
    // A repeat finds the resume step already created: re-publish it without reading the agent.
    if (await tx.getStep(runId, stepId)) return { transition: resume, repeat: true };
    const lifecycle = await tx.getAgentLifecycle(agentName);
    if (lifecycle === undefined) return { transition: failRun(run, agentDeletedError(agentName), now) };
    if (!lifecycleResumesRun(run, lifecycle)) return undefined;
    return { transition: resume };
  });
}
