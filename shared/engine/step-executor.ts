import { AgentlineError, TransientError } from '../domain/errors.ts';
import { retryDelayMs } from '../domain/retry-delay.ts';
import type { RunError } from '../domain/run.ts';
import type { Step, StepKind, StepMessage } from '../domain/step.ts';
import { claimStep } from './claim-step.ts';
import { commitStep, type CommitRequest } from './commit-step.ts';
import { decodeStepMessage, type Delivery } from './delivery.ts';
import type { Deps } from './deps.ts';
import { dispatchOutbox } from './dispatch-outbox.ts';
import { joinIfComplete, readGroup } from './fan-in.ts';
import { awaitRetryTime, recheckAtLeaseEnd, releaseAttempt, scheduleRetry, waitUntil } from './hand-back.ts';
import type { AnyStepKind, EffectContext, StepEffect } from './step-kind.ts';

export type ExecutorDeps = Pick<Deps, 'store' | 'outbox' | 'queue' | 'delayQueue' | 'clock' | 'logger' | 'settings'>;

/**
 * The step executor: the one delivery protocol every step kind runs through, top to bottom
 * (docs/architecture.md, "The step executor"). A kind supplies its effect and its decision.
 *
 *   decode → [claim → effect] → commit → publish
 *
 * - A pure decision (no effect) commits at once; its transaction is its claim.
 * - A step with an effect is claimed first (lease, budget, intent), then performs the effect
 *   outside any transaction, then commits its outcome only if it still owns the attempt.
 * - A duplicate that meets a live lease, or a step waiting for its retry time, is acknowledged
 *   and re-checked through the delay queue (or, within seconds of its retry time, waited for in
 *   the process): neither spends the message's delivery attempts.
 * - Transient failures are retried through the delay queue with backoff, as many times in a row
 *   as the kind allows, then the kind decides (a tool error, or the run fails). Errors the
 *   executor does not recognise (bugs, the store being down) are thrown, so Pub/Sub redelivers.
 * - An ended run is never changed; a run past its deadline is ended at the next claim or commit.
 */
export function createStepExecutor(deps: ExecutorDeps, kinds: readonly AnyStepKind[]): (delivery: Delivery) => Promise<void> {
  const byKind = new Map<StepKind, AnyStepKind>(kinds.map((kind) => [kind.kind, kind]));
  return async function executeStep(delivery: Delivery): Promise<void> {
    const message = decodeStepMessage(delivery);
    const kind = byKind.get(message.kind);
    if (!kind) throw new Error(`No step kind ${message.kind} is registered with this executor`);
    await (kind.effect ? runEffectStep(deps, kind, message, false) : commitAndPublish(deps, kind, { message, attempt: undefined, value: undefined }));
  };
}

async function runEffectStep(deps: ExecutorDeps, kind: AnyStepKind, message: StepMessage, waitedForRetry: boolean): Promise<void> {
  const claim = await claimStep(deps, kind, message);
  switch (claim.kind) {
    case 'finished':
      return repeatFinished(deps, kind, claim.step);
    case 'leased':
      return recheckAtLeaseEnd(deps, claim.step);
    case 'waiting':
      // Almost due: claim again once it is (at most a couple of seconds later), once.
      if (waitedForRetry) return scheduleRetry(deps, claim.step);
      if ((await awaitRetryTime(deps, claim.step)) === 'due') return runEffectStep(deps, kind, message, true);
      return;
    case 'settled':
      return dispatchOutbox(deps, claim.messages, { repeat: false });
    case 'claimed':
      await dispatchOutbox(deps, claim.messages, { repeat: false });
  }
  const effect = kind.effect as StepEffect<unknown>;
  const context: EffectContext = { run: claim.run, step: claim.step, priorIntent: claim.priorIntent, settleOnly: claim.settleOnly };
  let value: unknown;
  try {
    const outcome = await effect.perform(context);
    if (outcome.kind === 'wait') {
      // Progress, not failure (a remote task still running): the failure count starts again.
      const extra = { failedAttempts: 0, ...(outcome.remoteTask ? { remoteTask: outcome.remoteTask } : {}) };
      return waitUntil(deps, claim.step, outcome.reason, outcome.retryTime, extra);
    }
    value = outcome.value;
  } catch (error) {
    const failed = await settleFailure(deps, effect, claim.step, error);
    if (failed === retried) return;
    value = failed;
  }
  await commitAndPublish(deps, kind, { message, attempt: claim.step.attempt, value }, claim.step);
}

const retried = Symbol('retried');

/**
 * Decides what an effect's error means: another attempt later (transient, attempts left), the
 * kind's value for a failure (permanent, or attempts used up), or a redelivery (anything else).
 */
async function settleFailure(deps: ExecutorDeps, effect: StepEffect<unknown>, step: Step, error: unknown): Promise<unknown> {
  if (error instanceof TransientError) {
    const attempts = (step.failedAttempts ?? 0) + 1;
    if (attempts < effect.maxFailedAttempts) {
      const { retryBaseDelayMs: baseMs, retryMaxDelayMs: maxMs } = deps.settings;
      const delayMs = retryDelayMs(attempts, { baseMs, maxMs }, error.retryDelayMs);
      deps.logger.warn('step attempt failed, will retry', { runId: step.runId, stepId: step.stepId, attempt: step.attempt, code: error.code, delayMs });
      await waitUntil(deps, step, errorOf(error), deps.clock.now() + delayMs, { failedAttempts: attempts });
      return retried;
    }
    return effect.failed({ step, error, attempts, exhausted: true });
  }
  if (error instanceof AgentlineError && !error.retryable) return effect.failed({ step, error, attempts: (step.failedAttempts ?? 0) + 1, exhausted: false });
  await releaseAttempt(deps, step, error);
  throw error;
}

function errorOf(error: AgentlineError): RunError {
  return { code: error.code, message: error.message };
}

/**
 * Commits an attempt's outcome (joining its group when it can) and publishes what the commit
 * enqueued. `claimed` is the attempt's step, whose group a fan-in kind reads first.
 */
async function commitAndPublish(deps: ExecutorDeps, kind: AnyStepKind, request: CommitRequest, claimed?: Step): Promise<void> {
  const groupBefore = kind.fanIn && claimed ? await readGroup(deps, kind.fanIn, claimed) : undefined;
  const commit = await commitStep(deps, kind, { ...request, ...(groupBefore ? { groupBefore } : {}) });
  switch (commit.kind) {
    case 'finished':
      return repeatFinished(deps, kind, commit.step);
    case 'superseded':
      return;
    case 'closed':
      return dispatchOutbox(deps, commit.messages, { repeat: false });
    case 'committed':
      await dispatchOutbox(deps, commit.messages, { repeat: false });
      if (kind.fanIn && !commit.joined) await joinIfComplete(deps, kind.fanIn, commit.step, false);
  }
}

/**
 * A delivery for a step committed already (a redelivery, or a duplicate that lost the race):
 * re-publishes what its commit may not have published, and completes its group's join if that
 * was left undone.
 */
async function repeatFinished(deps: ExecutorDeps, kind: AnyStepKind, step: Step): Promise<void> {
  await dispatchOutbox(deps, step.outbox, { repeat: true });
  if (kind.fanIn) await joinIfComplete(deps, kind.fanIn, step, true);
}
