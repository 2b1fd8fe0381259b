import type { AgentState } from './agent-state.ts';
import { isLlmBudgetExhausted, llmCallsLimitExceeded } from './llm-call-budget.ts';
import type { Run, RunError } from './run.ts';
import { isTerminal } from './run.ts';
import { isParkedByLifecycle, lifecycleParksRun, parkRun, unparkRun } from './run-parking.ts';
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
 * `agentState` is the registered agent's lifecycle state read in the committing transaction
 * (undefined for inline agents and deleted ones): a SUSPENDED agent parks the run — WAITING,
 * cursor kept, nothing enqueued — and a later decision with a runnable state resumes it.
 */
export function decideNextSteps(run: Run, now: number, agentState?: AgentState): Transition {
  if (isTerminal(run.state) || run.next.kind === 'none') return { run, newSteps: [], outbox: [] };
  if (run.state === 'WAITING' && !isParkedByLifecycle(run)) return { run, newSteps: [], outbox: [] };
  if (lifecycleParksRun(agentState)) return { run: parkRun(run, now), newSteps: [], outbox: [] };
  return decideRunnable(run.state === 'WAITING' ? unparkRun(run, now) : run, now);
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

/** Ends a run in its (terminal) state and publishes the outcome on agentline-run-results. */
export function endRun(run: Run, now: number): Transition {
  const ended: Run = { ...run, next: { kind: 'none' }, updateTime: now, endTime: now };
  return { run: ended, newSteps: [], outbox: [{ topic: 'results', data: toRunView(ended) }] };
}
