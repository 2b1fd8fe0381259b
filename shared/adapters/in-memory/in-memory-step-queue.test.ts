import { describe, expect, it } from 'vitest';
import type { OutboxTopic } from '../../domain/step.ts';
import { describeStepQueueContract, type ReceivedMessage } from '../../testing/step-queue-contract.ts';
import { InMemoryStepQueue } from './in-memory-step-queue.ts';

describeStepQueueContract('in-memory', async () => {
  const queue = new InMemoryStepQueue();
  const inboxes = new Map<OutboxTopic, ReceivedMessage[]>();
  for (const topic of ['plan', 'model', 'tool', 'memory', 'results'] as const) {
    inboxes.set(topic, []);
    queue.subscribe(topic, async (delivery) => {
      inboxes.get(topic)!.push({ data: JSON.parse(delivery.data.toString('utf8')), attributes: delivery.attributes });
    });
  }
  return {
    queue,
    async receive(topic, count) {
      await expect.poll(() => inboxes.get(topic)!.length).toBeGreaterThanOrEqual(count);
      return inboxes.get(topic)!.splice(0, count);
    },
  };
});

describe('InMemoryStepQueue delivery', () => {
  it('redelivers a message whose handler throws until it succeeds', async () => {
    const queue = new InMemoryStepQueue({ redeliveryDelayMs: 1 });
    let attempts = 0;
    queue.subscribe('plan', async () => {
      attempts++;
      if (attempts < 3) throw new Error('transient');
    });
    queue.publishRaw('plan', Buffer.from('{}'));
    await queue.idle();
    expect(attempts).toBe(3);
  });

  it('sends a message to the dead-letter subscriber after the last attempt', async () => {
    const queue = new InMemoryStepQueue({ redeliveryDelayMs: 1, maxDeliveryAttempts: 4 });
    let attempts = 0;
    const deadLetters: string[] = [];
    queue.subscribe('tool', async () => {
      attempts++;
      throw new Error('always');
    });
    queue.subscribe('dead-letter', async (delivery) => {
      deadLetters.push(`${delivery.attributes['agentlineTopic']}:${delivery.data.toString()}`);
    });
    queue.publishRaw('tool', Buffer.from('poison'));
    await queue.idle();
    expect(attempts).toBe(4);
    expect(deadLetters).toEqual(['tool:poison']);
  });
});
