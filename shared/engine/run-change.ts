import type { Transition } from '../domain/decide-next-steps.ts';
import { isPastDeadline, isTerminal, type Run } from '../domain/run.ts';
import type { OutboxMessage, Step } from '../domain/step.ts';
import type { RunTransaction } from '../ports/run-store.ts';
import type { Deps } from './deps.ts';
import { dispatchOutbox } from './dispatch-outbox.ts';
import { endForDeadline } from './ended-runs.ts';
import { writeTransition } from './write-transition.ts';

/** What a change made from outside a run's steps writes. */
export interface RunChange {
  transition?: Transition;
  /** Step documents written with it (a dead-lettered step closed). */
  steps?: Step[];
  /** True when the change found its work done already, so its outbox is only re-sent where it may be missing. */
  repeat?: boolean;
}

export interface RunChangeContext {
  tx: RunTransaction;
  run: Run;
  now: number;
}

/**
 * Commits a change made to a run from outside its steps — a cancellation, a dead-lettered step,
 * a resume after a lifecycle change — under the executor's rules (docs/architecture.md, "Run
 * changes"): an ended run is not changed (`whenEnded` may still close a step of it), a run past
 * its deadline ends instead, the outbox is committed with the change and published after it.
 * Resolves false when the run does not exist (nothing was changed).
 */
export async function commitRunChange(
  deps: Pick<Deps, 'store' | 'outbox' | 'queue' | 'clock' | 'logger'>,
  runId: string,
  change: (context: RunChangeContext) => Promise<RunChange | undefined>,
  whenEnded?: (context: RunChangeContext) => Promise<Step[]>,
): Promise<boolean> {
  const committed = await deps.store.transact(async (tx): Promise<{ messages: OutboxMessage[]; repeat: boolean } | undefined> => {
    const run = await tx.getRun(runId);
    if (!run) return undefined;
    const now = deps.clock.now();
    const context = { tx, run, now };
    if (isTerminal(run.state)) {
      for (const step of (await whenEnded?.(context)) ?? []) tx.putStep(step);
      return { messages: [], repeat: false };
    }
    if (isPastDeadline(run, now)) return { messages: endForDeadline(tx, run, undefined, now), repeat: false };
    const decided = await change(context);
    if (!decided) return { messages: [], repeat: false };
    if (decided.transition && !decided.repeat) writeTransition(tx, run, decided.transition, now);
    for (const step of decided.steps ?? []) tx.putStep(step);
    return { messages: decided.transition?.outbox ?? [], repeat: decided.repeat ?? false };
  });
  if (!committed) return false;
  await dispatchOutbox(deps, committed.messages, { repeat: committed.repeat });
  return true;
}
