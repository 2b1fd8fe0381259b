import type { AgentLifecycle } from './agent-state.ts';
import { callbackOutboxMessage } from './callback.ts';
import { isLlmBudgetExhausted, llmCallsLimitExceeded } from './llm-call-budget.ts';
import type { Run, RunError } from './run.ts';
import { isTerminal } from './run.ts';
import { agentDeletedError, isParkedByLifecycle, lifecycleParkReason, lifecycleResumesRun, parkRun, unparkRun } from './run-parking.ts';
import { toRunView } from './run-view.ts';
import type { OutboxMessage, Step } from './step.ts';
import { newStep, stepIdOf, stepOutboxMessage } from './step.ts';

/** What one commit writes besides its own step: the new checkpoint, new steps, the outbox. */
export interface Transition {
  run: Run;
  newSteps: Step[];
  outbox: OutboxMessage[];
}

/**
 * The orchestrator's one decision: from a checkpoint, which steps come next. Pure, so every
 * commit (plan, model, tool join) calls the same rule inside its own transaction. The LLM-call
 * budget is checked here, before a model step is enqueued, so call N+1 is never enqueued.
 *
 * `lifecycle` is the registered agent's state and creator, read in the committing transaction
 * (undefined for inline agents and deleted ones). A running run parks — WAITING, cursor kept,
 * nothing enqueued — when the agent is SUSPENDED, or PRIVATE and the run is not its creator's.
 * A parked run (only its resume plan step decides for it) resumes only if the lifecycle allows
 * it then; otherwise it parks again, with a new park count so the next enable names a new resume
 * step; and it fails if its agent was deleted.
 */
export function decideNextSteps(run: Run, now: number, lifecycle?: AgentLifecycle): Transition {
  if (isTerminal(run.state) || run.next.kind === 'none') return { run, newSteps: [], outbox: [] };
  if (run.state === 'WAITING') return isParkedByLifecycle(run) ? decideParked(run, now, lifecycle) : { run, newSteps: [], outbox: [] };
  const reason = lifecycleParkReason(run, lifecycle);
  if (reason) return { run: parkRun(run, now, reason), newSteps: [], outbox: [] };
  return decideRunnable(run, now);
}

function decideParked(run: Run, now: number, lifecycle: AgentLifecycle | undefined): Transition {
  if (lifecycle === undefined) return failRun(run, agentDeletedError(run.agent?.name ?? '(unknown)'), now);
  if (lifecycleResumesRun(run, lifecycle)) return decideRunnable(unparkRun(run, now), now);
  // Still not runnable: the current reason if there is one (SUSPENDED, PRIVATE), else the one that parked it.
  const reason = lifecycleParkReason(run, lifecycle) ?? run.waitingReason!;
  return { run: parkRun(run, now, reason), newSteps: [], outbox: [] };
}

function decideRunnable(run: Run, now: number): Transition {
  const next = run.next;
  switch (next.kind) {
    case 'model': {
      if (isLlmBudgetExhausted(run)) return failRun(run, llmCallsLimitExceeded(run), now);
      return enqueue({ ...run, state: 'RUNNING', updateTime: now }, [
        newStep(run.runId, stepIdOf(run.turn, 'model'), now),
      ]);
    }
    case 'tools': {
      const steps = next.calls.map((functionCall, index) =>
        newStep(run.runId, stepIdOf(run.turn, 'tool', index), now, {
          functionCall,
          callCount: next.calls.length,
        }),
      );
      return enqueue({ ...run, state: 'RUNNING', updateTime: now }, steps);
    }
    case 'memory':
      return enqueue({ ...run, updateTime: now }, [newStep(run.runId, stepIdOf(run.turn, 'memory'), now)]);
    case 'none':
      return { run, newSteps: [], outbox: [] };
  }
}

function enqueue(run: Run, steps: Step[]): Transition {
  return {
    run,
    newSteps: steps,
    outbox: steps.map((step) => stepOutboxMessage(run.runId, step.stepId)),
  };
}

/** Ends a run FAILED and publishes its outcome. */
export function failRun(run: Run, error: RunError, now: number): Transition {
  return endRun({ ...run, state: 'FAILED', error }, now);
}

/**
 * Ends a run in its (terminal) state and publishes the outcome on agentline-run-results, and, when
 * the run names a callback, the message that delivers it (docs/architecture.md, "Result
 * callbacks"). Every terminal transition comes through here. A run ends once, so the run id names
 * its one results message and its one callback message.
 */
export function endRun(run: Run, now: number): Transition {
  const { waitingReason: _waiting, ...rest } = run;
  const ended: Run = { ...rest, next: { kind: 'none' }, updateTime: now, endTime: now };
  const results: OutboxMessage = { topic: 'results', data: toRunView(ended), id: `results-${run.runId}` };
  const outbox = [results];
  if (ended.callback) outbox.push(callbackOutboxMessage({ kind: 'run', id: run.runId }));
  // A batch item's end moves its lane on (docs/architecture.md, "Batches").
  if (ended.batch) outbox.push({ topic: 'batch-item', data: { runId: run.runId }, id: `batch-item-${run.runId}` });
  return { run: ended, newSteps: [], outbox };
}
