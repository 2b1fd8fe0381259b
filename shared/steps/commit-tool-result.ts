import { NotFoundError } from '../domain/errors.ts';
import type { Step } from '../domain/step.ts';
import { isStepFinished } from '../domain/step.ts';
import { callIdsOf, joinToolCalls, writeTurnJoin } from './join-tool-calls.ts';
import { publishOutbox } from './publish-outbox.ts';
import type { Deps } from './step-deps.ts';
import { finishStep, ownsAttempt } from './step-lease.ts';

/**
 * Commits a tool call's result. The call that finds every sibling of its turn already finished
 * (always so for a turn of one call) is the last: it commits its result and the turn's join —
 * the create-once join record, the function responses and the next model step — in one
 * transaction. The others commit only their own step document and join afterwards if they then
 * see the turn complete (`joinToolCalls`).
 *
 * The siblings are read before, and outside, the transaction: a finished result is written once
 * and never changes, so what was seen stays true, and reading them inside it would make parallel
 * calls contend on each other's documents (ARCHITECTURE.md 2.4). At most one call can be last by
 * this read (each of two calls would have to commit before the other's read), and a call that
 * commits alone afterwards sees the join record this one created, so exactly one join is written.
 */
export async function commitToolResult(
  deps: Pick<Deps, 'store' | 'queue' | 'clock'>,
  claimed: Step,
  result: Record<string, unknown>,
): Promise<void> {
  const { runId, stepId, turn } = claimed;
  const callIds = callIdsOf(claimed);
  const otherIds = callIds.filter((id) => id !== stepId);
  const others = otherIds.length > 0 ? await deps.store.getSteps(runId, otherIds) : [];
  const last = others.every((step) => step?.state === 'SUCCEEDED');

  const outcome = await deps.store.transact(async (tx) => {
    const current = await tx.getStep(runId, stepId);
    if (!current) throw new NotFoundError(`Tool step ${stepId} of run ${runId} does not exist`);
    if (isStepFinished(current)) return { kind: 'finished' as const, step: current };
    if (!ownsAttempt(current, claimed.attempt)) return { kind: 'superseded' as const };
    const run = last ? await tx.getRun(runId) : undefined;
    const join = last ? await tx.getJoin(runId, turn) : undefined;
    const done = finishStep(current, deps.clock.now(), { state: 'SUCCEEDED', outbox: [], result });
    if (!run || join) {
      tx.putStep(done);
      return { kind: 'finished' as const, step: done };
    }
    const calls = callIds.map((id) => (id === stepId ? done : (others[otherIds.indexOf(id)] as Step)));
    const outbox = await writeTurnJoin(tx, deps, run, { runId, turn, claimedBy: stepId, committed: false }, calls);
    tx.putStep(done);
    return { kind: 'joined' as const, outbox };
  });
  if (outcome.kind === 'finished') return joinToolCalls(deps, outcome.step);
  if (outcome.kind === 'joined') return publishOutbox(deps, runId, outcome.outbox, false);
}
