import { z } from 'zod';
import { addUsage, artifactPartSchema, type ArtifactPart, type Content } from '../domain/content.ts';
import { extendConversation } from '../domain/conversation-checkpoint.ts';
import { decideNextSteps, failRun } from '../domain/decide-next-steps.ts';
import type { Run } from '../domain/run.ts';
import type { RunEvent } from '../domain/run-event.ts';
import type { Step } from '../domain/step.ts';
import { stepIdOf } from '../domain/step.ts';
import type { Deps } from '../engine/deps.ts';
import type { FanIn } from '../engine/step-kind.ts';
import { loadConversationInTransaction } from './load-conversation.ts';

/**
 * The tool calls of one model turn are a fan-in group (`<turn>-tool-<i>`), joined by the
 * executor once all have finished: the join appends every function response, in the order the
 * model made the calls, as one user turn, and enqueues the next model step.
 */
export function createToolTurnJoin(deps: Pick<Deps, 'store'>): FanIn {
  return {
    groupOf: callIdsOf,
    groupKey: (step) => step.turn,
    async join({ tx, run, steps, now, lifecycle }) {
      const conversation = await loadConversationInTransaction(tx, deps.store, run);
      const responses = responsesEvent(run, steps, now);
      const extended = extendConversation(run.runId, conversation, [responses], now);
      if ('error' in extended) return { transition: failRun(run, extended.error, now) };
      const computeSeconds = steps.reduce((total, step) => total + computeSecondsOf(step), 0);
      const usage = computeSeconds > 0 ? addUsage(run.usage, { computeSeconds }) : run.usage;
      const answered: Run = { ...run, turn: run.turn + 1, next: { kind: 'model' }, eventCount: run.eventCount + 1, usage, updateTime: now };
      return { transition: decideNextSteps(answered, now, await lifecycle()), events: [responses], conversation: extended.checkpoint };
    },
  };
}

/** The step ids of every call of `step`'s turn, in call order (`step` included). */
export function callIdsOf(step: Step): string[] {
  const callCount = step.input?.callCount ?? 1;
  return Array.from({ length: callCount }, (_, index) => stepIdOf(step.turn, 'tool', index));
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
          ...partsOf(step),
        },
      };
    }),
  };
  return { schemaVersion: 1, seq: run.eventCount, origin: 'run', content, createTime: now };
}

/** The files a call shows the model, as references (read into the request by the model step). */
function partsOf(step: Step): { artifacts?: ArtifactPart[] } {
  const parts = z.array(artifactPartSchema).safeParse(step.result?.['parts']);
  return parts.success && parts.data.length > 0 ? { artifacts: parts.data } : {};
}

function computeSecondsOf(step: Step): number {
  const seconds = step.result?.['computeSeconds'];
  return typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0 ? seconds : 0;
}
