import { failRun } from '../domain/decide-next-steps.ts';
import { NotFoundError } from '../domain/errors.ts';
import { isPastDeadline, isTerminal, type Run } from '../domain/run.ts';
import { claimAttempt, closeStep, finishStep, isBeforeRetryTime, isLeaseLive } from '../domain/step-attempt.ts';
import { isStepFinished, type OutboxMessage, type Step, type StepMessage } from '../domain/step.ts';
import type { RunTransaction } from '../ports/run-store.ts';
import type { Deps } from './deps.ts';
import { deadlineExceededError } from '../domain/run-ending.ts';
import { endForDeadline, runEndedError } from './ended-runs.ts';
import type { AnyStepKind, StepEffect } from './step-kind.ts';
import { writeTransition } from './write-transition.ts';
import { appendStream, stepFinishedEntry, stepStartedEntry } from '../domain/run-stream.ts';

/** What the claim transaction found, and what the delivery does next. */
export type Claim =
  /**
   * This attempt owns the step: perform the effect (only settle one, when the run has ended), or,
   * when `exhausted` (earlier attempts kept dying), commit the kind's failure without trying again.
   * `messages`: what ending the run (its deadline passed) published, to send at once.
   */
  | { kind: 'claimed'; run: Run; step: Step; priorIntent: boolean; settleOnly: boolean; exhausted: boolean; messages: OutboxMessage[] }
  /** Committed already: a redelivery, which repairs what may not have been published. */
  | { kind: 'finished'; step: Step }
  /** Another attempt holds a live lease: acknowledge, and re-check when it ends. */
  | { kind: 'leased'; step: Step }
  /** Handed back until its retry time, which is still ahead. */
  | { kind: 'waiting'; step: Step }
  /** Nothing more to do: the step is closed (its run ended) or the claim ended the run. */
  | { kind: 'settled'; messages: OutboxMessage[] };

/**
 * The claim transaction of a step with an effect (docs/architecture.md, "Claim"): in one
 * transaction it reads run and step, applies the terminal-run rule and the deadline, refuses a
 * live lease or a retry not yet due, lets the kind make its own claim (reserve the LLM-call
 * budget, write an intent), and marks the attempt RUNNING with a lease. Nothing outside this
 * transaction happens before the effect, so a crash after it can only over-count.
 */
export async function claimStep(deps: Pick<Deps, 'store' | 'clock'>, kind: AnyStepKind, message: StepMessage): Promise<Claim> {
  const effect = kind.effect as StepEffect<unknown>;
  return deps.store.transact(async (tx) => {
    const now = deps.clock.now();
    const { run, step } = await readRunAndStep(tx, message);
    if (isStepFinished(step)) return { kind: 'finished', step };
    if (isLeaseLive(step, now)) {
      // A wake for the attempt holding the step (the job finished before it handed back): kept,
      // so the hand-back makes the step due at once (docs/architecture.md, "Long-running tools").
      if (message.wake && !step.woken) tx.putStep({ ...step, woken: true });
      return { kind: 'leased', step };
    }
    const taken = takeOver(step, effect);
    if (isPastDeadline(run, now) || isTerminal(run.state)) {
      const messages = isPastDeadline(run, now) ? endForDeadline(tx, run, undefined, now) : [];
      // An effect an earlier attempt may have started is settled, never abandoned.
      if (effect.needsSettling?.(step)) return claimed(tx, run, step, claimAttempt(taken.step, now, effect.leaseMs), { settleOnly: true, exhausted: taken.exhausted, messages });
      tx.putStep(closeStep(step, now, messages.length > 0 ? deadlineExceededError(run) : runEndedError(run)));
      return { kind: 'settled', messages };
    }
    // A wake from the task the step follows makes it due at once; any other early delivery waits.
    if (isBeforeRetryTime(step, now) && !(message.wake && step.remoteTask)) return { kind: 'waiting', step };
    // Attempts that kept dying are not tried again: the kind's failure is committed (no budget spent on it).
    if (taken.exhausted) return claimed(tx, run, step, claimAttempt(taken.step, now, effect.leaseMs), { settleOnly: false, exhausted: true, messages: [] });
    const change = effect.claim(run, taken.step, now);
    if ('endRun' in change) {
      const ended = failRun(run, change.endRun, now);
      writeTransition(tx, run, ended, now, { stream: [stepFinishedEntry({ ...step, state: 'FAILED', lastError: change.endRun })] });
      tx.putStep(finishStep(step, now, { state: 'FAILED', outbox: ended.outbox, lastError: change.endRun }));
      return { kind: 'settled', messages: ended.outbox };
    }
    const attempt = claimAttempt(change.step, now, effect.leaseMs);
    // A claim that writes the run (the model's: it reserves the budget) reports the start; one that
    // does not (a tool's: parallel calls claim at once) adds no run write for it (docs/architecture.md, "Run events").
    if (change.run) {
      const started = appendStream(run, change.run, [stepStartedEntry(attempt)], now);
      tx.putRun(started.run);
      tx.putStreamRecords(run.runId, started.records);
    }
    return claimed(tx, change.run ?? run, step, attempt, { settleOnly: false, exhausted: false, messages: [] });
  });
}

function claimed(tx: RunTransaction, run: Run, before: Step, step: Step, how: Pick<Extract<Claim, { kind: 'claimed' }>, 'settleOnly' | 'exhausted' | 'messages'>): Claim {
  tx.putStep(step);
  // An intent read before this claim was committed by an earlier attempt, which may have acted.
  return { kind: 'claimed', run, step, priorIntent: before.intent !== undefined, ...how };
}

/**
 * A step still RUNNING whose lease has ended was held by an attempt that died (it neither
 * committed nor handed the step back): that counts as a failed attempt, so a step whose attempts
 * keep dying (a crash the effect itself causes) ends after the kind's attempts instead of being
 * taken over forever.
 */
function takeOver(step: Step, effect: StepEffect<unknown>): { step: Step; exhausted: boolean } {
  if (step.state !== 'RUNNING') return { step, exhausted: false };
  const failedAttempts = (step.failedAttempts ?? 0) + 1;
  const lastError = { code: 'ATTEMPT_DIED', message: `Attempt ${step.attempt} did not finish within its lease: its process crashed, hung or was stopped` };
  return { step: { ...step, failedAttempts, lastError }, exhausted: failedAttempts >= effect.maxFailedAttempts };
}

/** Reads a run and one of its steps in a transaction; a message naming neither is refused. */
export async function readRunAndStep(tx: RunTransaction, message: Pick<StepMessage, 'runId' | 'stepId'>): Promise<{ run: Run; step: Step }> {
  const run = await tx.getRun(message.runId);
  const step = await tx.getStep(message.runId, message.stepId);
  if (!run) throw new NotFoundError(`Run ${message.runId} does not exist`);
  if (!step) throw new NotFoundError(`Step ${message.stepId} of run ${message.runId} does not exist`);
  return { run, step };
}
