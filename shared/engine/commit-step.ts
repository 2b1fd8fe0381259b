import { isPastDeadline, isTerminal } from '../domain/run.ts';
import { closeStep, finishStep, ownsAttempt } from '../domain/step-attempt.ts';
import { isStepFinished, type OutboxMessage, type Step, type StepMessage } from '../domain/step.ts';
import type { Deps } from './deps.ts';
import { endForDeadline, runEndedError } from './ended-runs.ts';
import { joinDueTime, joinInCommit } from './fan-in.ts';
import { readRunAndStep } from './claim-step.ts';
import { readAgentLifecycle } from './read-agent-lifecycle.ts';
import type { AnyStepKind, Decision, StepEffect } from './step-kind.ts';
import { writeDecision } from './write-decision.ts';
import { stepFinishedEntry } from '../domain/run-stream.ts';

/** What the commit transaction did. */
export type Commit =
  /** The step committed; `joined` says whether this commit also joined its group. */
  | { kind: 'committed'; step: Step; messages: OutboxMessage[]; joined: boolean }
  /** Another delivery committed it first: this is a repeat. */
  | { kind: 'finished'; step: Step }
  /** A later attempt took the step over (this one's lease expired): it commits, not this one. */
  | { kind: 'superseded' }
  /** The run had ended (or just passed its deadline): the step was closed, the run left as it is. */
  | { kind: 'closed'; messages: OutboxMessage[] };

export interface CommitRequest {
  message: StepMessage;
  /** The attempt that performed the effect; undefined for a pure decision, whose commit is its claim. */
  attempt: number | undefined;
  /** The effect's value (a decision's input). */
  value: unknown;
  /** For fan-in kinds: the group as read just before this commit. */
  groupBefore?: readonly (Step | undefined)[];
}

/**
 * The commit transaction (docs/architecture.md, "Commit"): re-reads run and step, commits only
 * if this attempt still owns the step, applies the terminal-run rule and the deadline, asks the
 * kind for its decision and writes the step's result with everything the decision changes — the
 * run's checkpoint, new steps, events, outbox entries — at once, or nothing.
 */
export async function commitStep(deps: Pick<Deps, 'store' | 'clock'>, kind: AnyStepKind, request: CommitRequest): Promise<Commit> {
  const effect = kind.effect as StepEffect<unknown> | undefined;
  return deps.store.transact(async (tx): Promise<Commit> => {
    const now = deps.clock.now();
    const { run, step } = await readRunAndStep(tx, request.message);
    if (isStepFinished(step)) return { kind: 'finished', step };
    if (request.attempt !== undefined && !ownsAttempt(step, request.attempt)) return { kind: 'superseded' };
    const record = effect && request.attempt !== undefined ? effect.record(request.value) : undefined;
    if (isPastDeadline(run, now)) return { kind: 'closed', messages: endForDeadline(tx, run, step, now, record) };
    if (isTerminal(run.state)) {
      tx.putStep(closeStep(step, now, runEndedError(run), record));
      return { kind: 'closed', messages: [] };
    }
    // A pure decision's commit is its claim: it counts as the step's one attempt.
    const current = request.attempt === undefined ? { ...step, attempt: step.attempt + 1, startTime: step.startTime ?? now } : step;
    let lifecycleRead: ReturnType<typeof readAgentLifecycle> | undefined;
    const lifecycle = () => (lifecycleRead ??= readAgentLifecycle(tx, run));
    const decision = await kind.decide({ tx, run, step: current, value: request.value as never, now, lifecycle });
    const finished = finishStep(current, now, stepOutcome(decision, record));
    const joinMessages =
      kind.fanIn && request.groupBefore ? await joinInCommit(tx, kind.fanIn, run, finished, request.groupBefore, now, lifecycle) : undefined;
    writeDecision(tx, run, decision, now, [stepFinishedEntry(finished)]);
    // A step of a group that did not join keeps a due time: its group still owes a join.
    const written = kind.fanIn && joinMessages === undefined ? { ...finished, dueTime: joinDueTime(request.groupBefore ?? [], finished.stepId, now) } : finished;
    tx.putStep(written);
    const messages = [...(decision.transition?.outbox ?? []), ...(joinMessages ?? [])];
    return { kind: 'committed', step: written, messages, joined: joinMessages !== undefined };
  });
}

function stepOutcome(decision: Decision, record: Record<string, unknown> | undefined): Pick<Step, 'state' | 'outbox' | 'result' | 'lastError'> {
  const result = record ?? decision.result;
  return {
    state: decision.state,
    outbox: decision.transition?.outbox ?? [],
    ...(result ? { result } : {}),
    ...(decision.lastError ? { lastError: decision.lastError } : {}),
  };
}
