import { PubSub, type Message } from '@google-cloud/pubsub';
import { afterAll, beforeAll, expect } from 'vitest';
import { topicForOutbox, topology } from '../../../infra/topology.ts';
import type { OutboxTopic } from '../../domain/step.ts';
import { describeStepQueueContract, type ReceivedMessage } from '../../testing/step-queue-contract.ts';
import { createPullSubscription } from './ensure-topology.ts';
import { PubSubStepQueue } from './pubsub-step-queue.ts';

// The global setup points PUBSUB_EMULATOR_HOST at the emulator; a project per file isolates topics.
const pubsub = new PubSub({ projectId: `step-queue-contract-${process.pid}` });
const inboxes = new Map<OutboxTopic, ReceivedMessage[]>();
const outboxTopics: OutboxTopic[] = ['plan', 'model', 'tool', 'memory', 'results'];

beforeAll(async () => {
  for (const topic of outboxTopics) {
    const name = topicForOutbox(topic);
    await pubsub.createTopic(name).catch(() => undefined);
    const subscription = await createPullSubscription(pubsub, name, `${name}-contract`);
    inboxes.set(topic, []);
    subscription.on('message', (message: Message) => {
      inboxes.get(topic)!.push({ data: JSON.parse(message.data.toString('utf8')), attributes: message.attributes });
      message.ack();
    });
  }
});
afterAll(() => pubsub.close());

describeStepQueueContract('Pub/Sub emulator', async () => ({
  queue: new PubSubStepQueue(pubsub, (topic) => topicForOutbox(topic, topology)),
  async receive(topic, count) {
    await expect.poll(() => inboxes.get(topic)!.length, { timeout: 10_000 }).toBeGreaterThanOrEqual(count);
    return inboxes.get(topic)!.splice(0, count);
  },
}));
