import { describe, expect, it } from 'vitest';
import { InMemoryRunStore } from '../adapters/in-memory/in-memory-run-store.ts';
import { InMemoryStepQueue } from '../adapters/in-memory/in-memory-step-queue.ts';
import { TransientError } from '../domain/errors.ts';
import { newStep, stepMessage, type OutboxMessage } from '../domain/step.ts';
import { silentLogger } from '../ports/logger.ts';
import { sampleRun } from '../testing/run-fixtures.ts';
import { ScriptedModel } from '../testing/scripted-model.ts';
import { builtinTools } from '../tools/builtin-tools.ts';
import { createModelStepHandler } from './handle-model-step.ts';
import { defaultStepSettings } from './step-deps.ts';
import { noRemoteAgents } from '../testing/no-remote-agents.ts';

const now = 1_790_000_000_000;

async function waitingModelStep(retryInMs: number) {
  const store = new InMemoryRunStore();
  const scheduled: { message: OutboxMessage; delayMs: number; key: string }[] = [];
  const step = { ...newStep('r1', '0-model-0', now), attempt: 1, retryTime: now + retryInMs };
  await store.transact(async (tx) => {
    tx.createRun(sampleRun('r1', { state: 'RUNNING', llmCallCount: 1 }));
    tx.createStep(step);
  });
  const handler = createModelStepHandler({
    store,
    queue: new InMemoryStepQueue(),
    delayQueue: { schedule: async (message, delayMs, key) => void scheduled.push({ message, delayMs, key }) },
    model: new ScriptedModel([]),
    remoteAgents: noRemoteAgents,
    clock: { now: () => now },
    tools: builtinTools,
    logger: silentLogger,
    settings: defaultStepSettings,
  });
  const delivery = { messageId: 'm1', data: Buffer.from(JSON.stringify(stepMessage('r1', '0-model-0'))), attributes: {}, source: 'test' };
  return { handle: () => handler(delivery), scheduled, store };
}

describe('a model step waiting for its retry time', () => {
  it('schedules the delayed redelivery again, under the same key, when the retry is far off', async () => {
    const { handle, scheduled, store } = await waitingModelStep(30_000);
    await handle();
    expect(scheduled).toEqual([{ message: expect.objectContaining({ topic: 'model', stepId: '0-model-0' }), delayMs: 30_000, key: 'r1-0-model-0-1' }]);
    expect((await store.getRun('r1'))?.llmCallCount).toBe(1);
  });

  it('asks for redelivery instead when the retry is nearly due, since the delay queue would dedupe the key', async () => {
    const { handle, scheduled } = await waitingModelStep(500);
    await expect(handle()).rejects.toBeInstanceOf(TransientError);
    expect(scheduled).toEqual([]);
  });
});
