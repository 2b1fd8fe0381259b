import { describe, expect, it } from 'vitest';
import type { OutboxTopic } from '../domain/step.ts';
import { stepOutboxMessage } from '../domain/step.ts';
import type { StepQueue } from '../ports/step-queue.ts';

export interface ReceivedMessage {
  data: unknown;
  attributes: Record<string, string>;
}

export interface StepQueueHarness {
  queue: StepQueue;
  /** Resolves with the next `count` messages that arrive on `topic` (waits for them). */
  receive(topic: OutboxTopic, count: number): Promise<ReceivedMessage[]>;
}

/**
 * The behaviour every StepQueue must have: each message reaches the topic its `topic` names,
 * with its JSON payload intact. Run against the in-memory queue and against the Pub/Sub emulator.
 */
export function describeStepQueueContract(name: string, createHarness: () => Promise<StepQueueHarness>): void {
  describe(`StepQueue contract: ${name}`, () => {
    it('delivers a step message to the topic of its step kind with the payload intact', async () => {
      const harness = await createHarness();
      const received = harness.receive('model', 1);
      await harness.queue.publish([stepOutboxMessage('run-a', '3-model-0')]);
      const [message] = await received;
      expect(message!.data).toEqual({ schemaVersion: 1, runId: 'run-a', stepId: '3-model-0', kind: 'model' });
    });

    it('delivers every message of a batch to its own topic', async () => {
      const harness = await createHarness();
      const tools = harness.receive('tool', 3);
      const results = harness.receive('results', 1);
      await harness.queue.publish([
        stepOutboxMessage('run-b', '1-tool-0'),
        stepOutboxMessage('run-b', '1-tool-1'),
        { topic: 'results', data: { name: 'runs/run-b', state: 'SUCCEEDED', output: { text: 'ünïcode' } } },
        stepOutboxMessage('run-b', '1-tool-2'),
      ]);
      const stepIds = (await tools).map((message) => (message.data as { stepId: string }).stepId).sort();
      expect(stepIds).toEqual(['1-tool-0', '1-tool-1', '1-tool-2']);
      expect((await results)[0]!.data).toEqual({ name: 'runs/run-b', state: 'SUCCEEDED', output: { text: 'ünïcode' } });
    });

    it('accepts an empty batch without publishing anything', async () => {
      const harness = await createHarness();
      await expect(harness.queue.publish([])).resolves.toBeUndefined();
    });
  });
}
