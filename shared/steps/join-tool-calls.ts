import type { Content } from '../domain/content.ts';
import { extendConversation } from '../domain/conversation-checkpoint.ts';
import { decideNextSteps, failRun } from '../domain/decide-next-steps.ts';
import { NotFoundError } from '../domain/errors.ts';
import type { Run } from '../domain/run.ts';
import { isTerminal } from '../domain/run.ts';
import type { RunEvent } from '../domain/run-event.ts';
import type { OutboxMessage, Step } from '../domain/step.ts';
import { stepIdOf } from '../domain/step.ts';
import type { JoinClaim, RunStore, RunTransaction } from '../ports/run-store.ts';
import { loadConversationInTransaction } from './load-conversation.ts';
import { publishOutbox } from './publish-outbox.ts';
import { readAgentLifecycle } from './read-agent-lifecycle.ts';
import type { Deps } from './step-deps.ts';

/**
 * Joins a turn's parallel tool calls after a call committed its own result alone. Each such call
 * reads its siblings after its own commit; the one that sees all of them finished claims the join
 * with a create-once record and commits the turn: the function responses, in call order, as one
 * event, and the next model step. Exactly one claimant exists, so the run document never sees
 * concurrent writers. (A call that saw every sibling finished before committing folds its result
 * and the join into one transaction instead: `commitToolResult`.)
 */
export async function joinToolCalls(deps: Pick<Deps, 'store' | 'queue' | 'clock'>, finished: Step): Promise<void> {
  const { runId, turn } = finished;
  const siblings = await deps.store.getSteps(runId, callIdsOf(finished));
  if (!siblings.every((step) => step?.state === 'SUCCEEDED')) return;
  const claim = await deps.store.claimJoin(runId, turn, finished.stepId);
  if (claim.claimedBy !== finished.stepId) return;

  const outbox = await deps.store.transact(async (tx) => {
    const run = await tx.getRun(runId);
    const join = await tx.getJoin(runId, turn);
    if (!run || !join) throw new NotFoundError(`Run ${runId} or its join of turn ${turn} does not exist`);
    if (join.committed) return { messages: join.outbox ?? [], repeat: true };
    return { messages: await writeTurnJoin(tx, deps, run, join, siblings as Step[]), repeat: false };
  });
  await publishOutbox(deps, runId, outbox.messages, outbox.repeat);
}

/** The step ids of every call of `step`'s turn, in call order (`step` included). */
export function callIdsOf(step: Step): string[] {
  const callCount = step.input?.callCount ?? 1;
  return Array.from({ length: callCount }, (_, index) => stepIdOf(step.turn, 'tool', index));
}

/**
 * Writes, in `tx`, the join of a turn whose calls all succeeded (`calls`, in call order): the
 * function responses as one event, the run's next model step, and the join record marked
 * committed with the outbox. Reads the conversation and the agent's lifecycle, so it must run
 * before the transaction's other writes. Returns the outbox to publish after commit.
 */
export async function writeTurnJoin(
  tx: RunTransaction,
  deps: { store: Pick<RunStore, 'listEvents'>; clock: Deps['clock'] },
  run: Run,
  join: JoinClaim,
  calls: Step[],
): Promise<OutboxMessage[]> {
  // A run that ended while its tools ran (dead-lettered, cancelled) takes no further turn.
  if (isTerminal(run.state)) {
    tx.putJoin({ ...join, committed: true, outbox: [] });
    return [];
  }
  const conversation = await loadConversationInTransaction(tx, deps.store, run);
  const lifecycle = await readAgentLifecycle(tx, run);
  const now = deps.clock.now();
  const responses = responsesEvent(run, calls, now);
  const extended = extendConversation(run.runId, conversation, [responses], now);
  const transition = 'error' in extended ? failRun(run, extended.error, now) : decideNextSteps(answeredTurn(run, now), now, lifecycle);
  if ('checkpoint' in extended) {
    tx.putEvents(run.runId, [responses]);
    tx.putConversation(extended.checkpoint);
  }
  tx.putRun(transition.run);
  for (const step of transition.newSteps) tx.createStep(step);
  tx.putJoin({ ...join, committed: true, outbox: transition.outbox });
  return transition.outbox;
}

function answeredTurn(run: Run, now: number): Run {
  return { ...run, turn: run.turn + 1, next: { kind: 'model' }, eventCount: run.eventCount + 1, updateTime: now };
}

/** One user turn holding every function response, in the order the model made the calls. */
function responsesEvent(run: Run, steps: Step[], now: number): RunEvent {
  const content: Content = {
    role: 'user',
    parts: steps.map((step) => {
      const call = step.input!.functionCall;
      return {
        functionResponse: {
          ...(call.id ? { id: call.id } : {}),
          name: call.name,
          response: (step.result?.response ?? {}) as Record<string, unknown>,
        },
      };
    }),
  };
  return { schemaVersion: 1, seq: run.eventCount, origin: 'run', content, createTime: now };
}
