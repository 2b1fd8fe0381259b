import { isLlmBudgetExhausted, llmCallsLimitExceeded } from './llm-call-budget.ts';
import type { Run, RunError } from './run.ts';
import { isTerminal } from './run.ts';
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
 */
export function decideNextSteps(run: Run, now: number): Transition {
  if (isTerminal(run.state) || run.state === 'WAITING') return { run, newSteps: [], outbox: [] };
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
