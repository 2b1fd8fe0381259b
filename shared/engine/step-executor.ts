import { setTimeout as sleep } from 'node:timers/promises';
import { TransientError } from '../domain/errors.ts';
import type { Step, StepKind, StepMessage } from '../domain/step.ts';
import { claimStep, type Claim } from './claim-step.ts';
import { commitStep, type CommitRequest } from './commit-step.ts';
import { decodeStepMessage, type Delivery } from './delivery.ts';
import type { Deps } from './deps.ts';
import { dispatchOutbox } from './dispatch-outbox.ts';
import { attemptsDiedError, retried, settleEffectFailure } from './effect-failures.ts';
import { joinIfComplete, readGroup } from './fan-in.ts';
import { recheckAtLeaseEnd, releaseAttempt, scheduleRetry, waitUntil } from './hand-back.ts';
import type { AnyStepKind, StepEffect } from './step-kind.ts';

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
 * - Transient failures — and attempts that died holding the lease — are retried, as many in a
 *   row as the kind allows, then the kind decides (a tool error, or the run fails). Errors the
 *   executor does not recognise (a bug, the store unreachable), before the effect or when its
 *   outcome cannot be committed, release the attempt and are thrown, so Pub/Sub redelivers and,
 *   after its attempts, dead-letters the message.
 * - An ended run is never changed; a run past its deadline is ended at the next claim or commit.
 */
export function createStepExecutor(deps: ExecutorDeps, kinds: readonly AnyStepKind[]): (delivery: Delivery) => Promise<void> {
  const byKind = new Map<StepKind, AnyStepKind>(kinds.map((kind) => [kind.kind, kind]));
  return async function executeStep(delivery: Delivery): Promise<void> {
    const message = decodeStepMessage(delivery);
    const kind = byKind.get(message.kind);
    if (!kind) throw new Error(`No step kind ${message.kind} is registered with this executor`);
    await (kind.effect ? runEffectStep(deps, kind, message, 0) : commitAndPublish(deps, kind, { message, attempt: undefined, value: undefined }));
  };
}

/** How close to its retry time a delivery waits for it in the process, and how often. */
const retryWaitMs = 2_000;
const retryWaits = 3;

async function runEffectStep(deps: ExecutorDeps, kind: AnyStepKind, message: StepMessage, waits: number): Promise<void> {
  const claim = await claimStep(deps, kind, message);
  switch (claim.kind) {
    case 'finished':
      return repeatFinished(deps, kind, claim.step);
    case 'leased':
      return recheckAtLeaseEnd(deps, claim.step);
    case 'waiting': {
      const remainingMs = (claim.step.retryTime ?? 0) - deps.clock.now();
      // Nearly due (the delayed message itself, early by a clock): wait rather than re-schedule
      // the key it came by, which the delay queue would deduplicate away.
      if (remainingMs > retryWaitMs || waits >= retryWaits) return scheduleRetry(deps, claim.step, waits > 0 ? 'again' : undefined);
      await sleep(Math.max(0, remainingMs) + 10);
      return runEffectStep(deps, kind, message, waits + 1);
    }
    case 'settled':
      return dispatchOutbox(deps, claim.messages, { repeat: false });
    case 'claimed':
      await dispatchOutbox(deps, claim.messages, { repeat: false });
  }
  const value = await performEffect(deps, kind.effect as StepEffect<unknown>, claim);
  if (value === retried) return;
  await commitAndPublishOutcome(deps, kind, { message, attempt: claim.step.attempt, value }, claim.step);
}

/** The effect's value, or the kind's value for its failure; `retried` when it is to be tried again. */
async function performEffect(deps: ExecutorDeps, effect: StepEffect<unknown>, claim: Extract<Claim, { kind: 'claimed' }>): Promise<unknown> {
  const { step, settleOnly } = claim;
  if (claim.exhausted) return effect.failed({ step, error: attemptsDiedError(step, step.failedAttempts ?? 0), attempts: step.failedAttempts ?? 0, exhausted: true, settleOnly });
  try {
    const outcome = await effect.perform({ run: claim.run, step, priorIntent: claim.priorIntent, settleOnly });
    if (outcome.kind === 'done') return outcome.value;
    // Progress, not failure (a remote task still running): the failure count starts again.
    await waitUntil(deps, step, outcome.reason, outcome.retryTime, {
      failedAttempts: 0,
      ...(outcome.remoteTask ? { remoteTask: outcome.remoteTask } : {}),
      ...(outcome.quotaDeferred ? { quotaDeferred: true } : {}),
    });
    return retried;
  } catch (error) {
    return settleEffectFailure(deps, effect, step, error, settleOnly);
  }
}

const commitAttempts = 3;

/**
 * Commits an effect's outcome. The effect has happened, so a commit that fails transiently is
 * tried again here (a redelivery would repeat the effect); one that cannot be committed at all
 * releases the attempt and is thrown, so its redeliveries count towards the dead-letter topic.
 */
async function commitAndPublishOutcome(deps: ExecutorDeps, kind: AnyStepKind, request: CommitRequest, claimed: Step): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await commitAndPublish(deps, kind, request, claimed);
    } catch (error) {
      if (error instanceof TransientError && attempt < commitAttempts) {
        await sleep(100 * attempt);
        continue;
      }
      await releaseAttempt(deps, claimed, error);
      throw error;
    }
  }
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
