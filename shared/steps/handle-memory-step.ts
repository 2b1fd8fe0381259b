import { endRun } from '../domain/decide-next-steps.ts';
import { NotFoundError } from '../domain/errors.ts';
import { isTerminal } from '../domain/run.ts';
import { isStepFinished } from '../domain/step.ts';
import { writeTransition } from './commit-step.ts';
import { decodeStepMessage, type Delivery } from './delivery.ts';
import { loadConversation } from './load-conversation.ts';
import { publishOutbox } from './publish-outbox.ts';
import type { Deps } from './step-deps.ts';
import { finishStep, readRunAndStep } from './step-lease.ts';

/**
 * The last step of a successful run: append the run's conversation to its session (short-term
 * memory), write a long-term memory record for the user, then end the run SUCCEEDED and publish
 * the outcome. Both memory writes are idempotent per run, so a repeat after a crash is harmless.
 */
export function createMemoryStepHandler(deps: Pick<Deps, 'store' | 'queue' | 'clock'>) {
  return async function handleMemoryStep(delivery: Delivery): Promise<void> {
    const message = decodeStepMessage(delivery);
    // Plain (strongly consistent) reads, not a transaction: they only decide whether to do the
    // idempotent memory writes; the commit below re-reads and re-checks what decides the outcome.
    const [run, [step]] = await Promise.all([deps.store.getRun(message.runId), deps.store.getSteps(message.runId, [message.stepId])]);
    if (!run) throw new NotFoundError(`Run ${message.runId} does not exist`);
    if (!step) throw new NotFoundError(`Step ${message.stepId} of run ${message.runId} does not exist`);
    if (isStepFinished(step)) return publishOutbox(deps, message.runId, step.outbox, true);
    if (isTerminal(run.state) || run.state === 'WAITING') return;

    const now = deps.clock.now();
    if (run.sessionId) {
      const events = await loadConversation(deps.store, run);
      await deps.store.appendToSession({
        sessionId: run.sessionId,
        ...(run.userId ? { userId: run.userId } : {}),
        runId: run.runId,
        runCreateTime: run.createTime,
        contents: events.filter((event) => event.origin === 'run').map((event) => event.content),
        now,
      });
    }
    if (run.userId) {
      await deps.store.putMemory({
        schemaVersion: 1,
        userId: run.userId,
        memoryId: run.runId,
        runId: run.runId,
        ...(run.sessionId ? { sessionId: run.sessionId } : {}),
        ...(run.agent ? { agentName: run.agent.name } : {}),
        input: run.input,
        output: run.output?.text ?? '',
        createTime: now,
      });
    }

    const outbox = await deps.store.transact(async (tx) => {
      const { run: current, step: latest } = await readRunAndStep(tx, message.runId, message.stepId);
      if (isStepFinished(latest)) return { messages: latest.outbox, repeat: true };
      if (isTerminal(current.state)) return { messages: [], repeat: false };
      const committedAt = deps.clock.now();
      const ended = endRun({ ...current, state: 'SUCCEEDED' }, committedAt);
      const started = { ...latest, attempt: latest.attempt + 1, startTime: now };
      writeTransition(tx, ended, finishStep(started, committedAt, { state: 'SUCCEEDED', outbox: ended.outbox }));
      return { messages: ended.outbox, repeat: false };
    });
    await publishOutbox(deps, message.runId, outbox.messages, outbox.repeat);
  };
}
