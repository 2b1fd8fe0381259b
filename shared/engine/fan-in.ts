import { isPastDeadline, isTerminal, type Run } from '../domain/run.ts';
import { isStepFinished, type OutboxMessage, type Step } from '../domain/step.ts';
import type { JoinClaim, RunTransaction } from '../ports/run-store.ts';
import type { Deps } from './deps.ts';
import { dispatchOutbox } from './dispatch-outbox.ts';
import { endForDeadline } from './ended-runs.ts';
import { readAgentLifecycle } from './read-agent-lifecycle.ts';
import type { FanIn } from './step-kind.ts';
import { writeDecision } from './write-decision.ts';
import { stepFinishedEntry } from '../domain/run-stream.ts';

/**
 * The join of a fanned-out group (docs/architecture.md, "Fan-in"). Each step of a group commits
 * only its own document, keeping its `dueTime` until the group is joined. The one commit that
 * joins writes the create-once join record, the run's next transition, and clears the group's
 * due times. There are two ways to be that commit, and one record decides between them:
 *
 * - a step that read, before its commit, every other step of its group finished folds the join
 *   into its own commit (`joinInCommit`) — always so for a group of one;
 * - steps that finished together each commit alone, then read the group again; the one whose
 *   `claimJoin` creates the record commits the join in its own transaction (`joinIfComplete`).
 *
 * Finished steps never change, so what was read outside a transaction stays true. The group is
 * read outside the transactions on purpose: reading it inside would make parallel steps contend.
 */

/**
 * The group's steps in order (undefined where one does not exist), read outside any transaction;
 * `step` itself is taken as given, so a group of one costs no read.
 */
export async function readGroup(deps: Pick<Deps, 'store'>, fanIn: FanIn, step: Step): Promise<(Step | undefined)[]> {
  const ids = fanIn.groupOf(step);
  const others = ids.filter((id) => id !== step.stepId);
  const read = others.length > 0 ? await deps.store.getSteps(step.runId, others) : [];
  return ids.map((id) => (id === step.stepId ? step : read[others.indexOf(id)]));
}

/**
 * When a step committed before its group's join is next owed a check: when the last of its
 * unfinished siblings is due (its lease end or retry time), so a sibling following a long remote
 * task does not have the finished ones re-driven every sweep meanwhile.
 */
export function joinDueTime(group: readonly (Step | undefined)[], stepId: string, now: number): number {
  const pending = group.filter((step) => step !== undefined && step.stepId !== stepId && !isStepFinished(step));
  return Math.max(now, ...pending.map((step) => step!.dueTime ?? now));
}

/** True when every step of the group, other than `stepId`, has finished. */
export function othersFinished(group: readonly (Step | undefined)[], stepId: string): boolean {
  return group.every((step) => step !== undefined && (step.stepId === stepId || isStepFinished(step)));
}

/**
 * Inside `step`'s commit, after it was decided: writes the join if `groupBefore` showed every
 * other step finished and no join record exists yet. Returns the join's outbox, or undefined
 * when this commit does not join (the step then keeps its due time).
 */
export async function joinInCommit(
  tx: RunTransaction,
  fanIn: FanIn,
  run: Run,
  finished: Step,
  groupBefore: readonly (Step | undefined)[],
  now: number,
  lifecycle: () => ReturnType<typeof readAgentLifecycle>,
): Promise<OutboxMessage[] | undefined> {
  if (!othersFinished(groupBefore, finished.stepId)) return undefined;
  if (await tx.getJoin(run.runId, fanIn.groupKey(finished))) return undefined;
  const steps = groupBefore.map((step) => (step!.stepId === finished.stepId ? finished : step!));
  const join = { runId: run.runId, turn: fanIn.groupKey(finished), claimedBy: finished.stepId, committed: false, createTime: now };
  return writeJoin(tx, fanIn, run, steps, join, now, lifecycle);
}

/**
 * After `step` committed alone, or when a finished step is delivered again: if its whole group
 * has finished, claims the join with the create-once record and, if the claim is this step's,
 * commits the join. A step whose group is not complete does nothing — the last to finish joins —
 * except, on a redelivery (`redelivered`), move its next check to when its siblings are due.
 */
export async function joinIfComplete(
  deps: Pick<Deps, 'store' | 'outbox' | 'queue' | 'clock' | 'logger'>,
  fanIn: FanIn,
  step: Step,
  redelivered: boolean,
): Promise<void> {
  if (!isStepFinished(step)) return;
  const group = await readGroup(deps, fanIn, step);
  if (!othersFinished(group, step.stepId)) {
    if (redelivered) await postponeCheck(deps, step, joinDueTime(group, step.stepId, deps.clock.now()));
    return;
  }
  const claim = await deps.store.claimJoin(step.runId, fanIn.groupKey(step), step.stepId, deps.clock.now());
  // Another step claimed the join first: it joins, and its join clears this step's due time. On a
  // redelivery (this step was swept: its due time passed) a claim still not committed means the
  // claimant died before joining (it may hold no due time of its own), so this step joins instead;
  // the join transaction reads whether the join was committed, so two joiners cannot both write it.
  if (claim.claimedBy !== step.stepId && (claim.committed || !redelivered)) {
    if (claim.committed && step.dueTime !== undefined) await clearDueTimes(deps, [step]);
    return;
  }
  const outcome = await deps.store.transact(async (tx) => {
    const run = await tx.getRun(step.runId);
    const join = await tx.getJoin(step.runId, claim.turn);
    if (!run || !join) return { messages: [], repeat: false };
    if (join.committed) {
      const current = await tx.getStep(step.runId, step.stepId);
      if (current?.dueTime !== undefined) tx.putStep(withoutDueTime(current));
      return { messages: join.outbox ?? [], repeat: true };
    }
    const now = deps.clock.now();
    const messages = await writeJoin(tx, fanIn, run, group as Step[], join, now, () => readAgentLifecycle(tx, run));
    return { messages, repeat: false };
  });
  await dispatchOutbox(deps, outcome.messages, { repeat: outcome.repeat });
}

/**
 * Writes, in `tx`, the join of a group whose steps have all finished: the kind's transition (or
 * nothing, for a run that ended meanwhile), the join record marked committed with its outbox,
 * and the group's due times cleared. Reads first (the kind's join may read the conversation and
 * the lifecycle), then writes. Returns the outbox to publish after the commit.
 */
async function writeJoin(
  tx: RunTransaction,
  fanIn: FanIn,
  run: Run,
  steps: Step[],
  join: JoinClaim,
  now: number,
  lifecycle: () => ReturnType<typeof readAgentLifecycle>,
): Promise<OutboxMessage[]> {
  // The group's due times are cleared from the documents as they are now (read before any write),
  // not from the copies read outside the transaction.
  const owing = await Promise.all(steps.filter((step) => step.dueTime !== undefined).map((step) => tx.getStep(step.runId, step.stepId)));
  let messages: OutboxMessage[] = [];
  if (isPastDeadline(run, now)) {
    messages = endForDeadline(tx, run, undefined, now);
  } else if (!isTerminal(run.state)) {
    const decision = await fanIn.join({ tx, run, steps, now, lifecycle });
    writeDecision(tx, run, decision, now, steps.map(stepFinishedEntry));
    messages = decision.transition?.outbox ?? [];
  }
  tx.putJoin({ ...join, committed: true, outbox: messages });
  for (const step of owing) if (step?.dueTime !== undefined) tx.putStep(withoutDueTime(step));
  return messages;
}

/** Moves a finished step's next join check to `dueTime` when that is later than the one it has. */
async function postponeCheck(deps: Pick<Deps, 'store'>, step: Step, dueTime: number): Promise<void> {
  if (step.dueTime === undefined || step.dueTime >= dueTime) return;
  await deps.store.transact(async (tx) => {
    const current = await tx.getStep(step.runId, step.stepId);
    if (current && isStepFinished(current) && current.dueTime !== undefined && current.dueTime < dueTime) tx.putStep({ ...current, dueTime });
  });
}

async function clearDueTimes(deps: Pick<Deps, 'store'>, steps: Step[]): Promise<void> {
  await deps.store.transact(async (tx) => {
    const current = await Promise.all(steps.map((step) => tx.getStep(step.runId, step.stepId)));
    for (const step of current) if (step && isStepFinished(step) && step.dueTime !== undefined) tx.putStep(withoutDueTime(step));
  });
}

function withoutDueTime(step: Step): Step {
  const { dueTime: _due, ...rest } = step;
  return rest;
}
