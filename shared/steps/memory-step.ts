import { endRun } from '../domain/decide-next-steps.ts';
import type { Deps } from '../engine/deps.ts';
import type { StepKindDefinition } from '../engine/step-kind.ts';
import { loadConversationInTransaction } from './load-conversation.ts';

/**
 * The last step of a successful run: the run's conversation goes to its session (short-term
 * memory) and a long-term memory record to its user, and the run ends SUCCEEDED — all in the
 * step's one commit. A pure decision: both records are written in the commit transaction, so
 * there is no effect to lease, and a repeat finds the step committed.
 */
export function createMemoryStep(deps: Pick<Deps, 'store'>): StepKindDefinition<undefined> {
  return {
    kind: 'memory',
    async decide({ tx, run, now }) {
      // Sessions and memories belong to a proven user; an anonymous run keeps neither.
      const session = run.sessionId && run.userId ? { sessionId: run.sessionId, userId: run.userId } : undefined;
      const events = session ? await loadConversationInTransaction(tx, deps.store, run) : [];
      return {
        state: 'SUCCEEDED',
        transition: endRun({ ...run, state: 'SUCCEEDED' }, now),
        ...(session
          ? {
              sessionEntry: {
                schemaVersion: 1,
                ...session,
                runId: run.runId,
                runCreateTime: run.createTime,
                contents: events.filter((event) => event.origin === 'run').map((event) => event.content),
                createTime: now,
              },
            }
          : {}),
        ...(run.userId
          ? {
              memory: {
                schemaVersion: 1,
                userId: run.userId,
                memoryId: run.runId,
                runId: run.runId,
                ...(run.sessionId ? { sessionId: run.sessionId } : {}),
                ...(run.agent ? { agentName: run.agent.name } : {}),
                input: run.input,
                output: run.output?.text ?? '',
                createTime: now,
              },
            }
          : {}),
      };
    },
  };
}
