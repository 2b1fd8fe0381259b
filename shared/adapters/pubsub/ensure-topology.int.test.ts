import { PubSub } from '@google-cloud/pubsub';
import type { Message } from '@google-cloud/pubsub';
import { afterAll, describe, expect, it } from 'vitest';
import { topology } from '../../../infra/topology.ts';
import { createPullSubscription, ensureTopology } from './ensure-topology.ts';

const projectId = 'int-ensure-topology';
const pubsub = new PubSub({ projectId });
afterAll(() => pubsub.close());

const endpointOn = (port: number) => (functionName: string, topic: string) =>
  `http://127.0.0.1:${port}/${functionName}/projects/${projectId}/topics/${topic}`;

async function subscriptionMetadata(name: string) {
  const [metadata] = await pubsub.subscription(name).getMetadata();
  return metadata;
}

describe('ensureTopology', () => {
  it('creates every topic and push subscription with its dead-letter and retry policies, idempotently', async () => {
    await ensureTopology(pubsub, topology, endpointOn(9001));
    await ensureTopology(pubsub, topology, endpointOn(9001));

    const [topics] = await pubsub.getTopics();
    expect(topics.map((topic) => topic.name.split('/').at(-1)).sort()).toEqual([...topology.topics].sort());
    const model = await subscriptionMetadata('agentline-step-model-model-step');
    expect(model).toMatchObject({
      topic: `projects/${projectId}/topics/agentline-step-model`,
      pushConfig: { pushEndpoint: `http://127.0.0.1:9001/modelStep/projects/${projectId}/topics/agentline-step-model` },
      ackDeadlineSeconds: 120,
      deadLetterPolicy: { deadLetterTopic: `projects/${projectId}/topics/agentline-dead-letter`, maxDeliveryAttempts: 20 },
      retryPolicy: { minimumBackoff: { seconds: '1' }, maximumBackoff: { seconds: '10' } },
    });
    expect((await subscriptionMetadata('agentline-dead-letter-dead-letter')).deadLetterPolicy).toBeNull();
    const [subscriptions] = await pubsub.getSubscriptions();
    expect(subscriptions).toHaveLength(topology.subscriptions.length);
  });

  it('moves existing subscriptions to a new push endpoint, as when dev restarts on another port', async () => {
    await ensureTopology(pubsub, topology, endpointOn(9001));
    await ensureTopology(pubsub, topology, endpointOn(9002));

    const plan = await subscriptionMetadata('agentline-step-plan-plan-step');
    expect(plan.pushConfig?.pushEndpoint).toBe(`http://127.0.0.1:9002/planStep/projects/${projectId}/topics/agentline-step-plan`);
    expect(plan.deadLetterPolicy?.maxDeliveryAttempts).toBe(20);
  });

  it('brings a drifted subscription back to the topology, recreating it if it is on another topic', async () => {
    await ensureTopology(pubsub, topology, endpointOn(9001));
    await pubsub.subscription('agentline-step-tool-tool-step').setMetadata({ ackDeadlineSeconds: 15, deadLetterPolicy: null });
    await pubsub.subscription('agentline-step-memory-memory-step').delete();
    await pubsub.createSubscription('agentline-step-plan', 'agentline-step-memory-memory-step');

    await ensureTopology(pubsub, topology, endpointOn(9001));

    expect(await subscriptionMetadata('agentline-step-tool-tool-step')).toMatchObject({
      ackDeadlineSeconds: 60,
      deadLetterPolicy: { maxDeliveryAttempts: 20 },
    });
    expect(await subscriptionMetadata('agentline-step-memory-memory-step')).toMatchObject({
      topic: `projects/${projectId}/topics/agentline-step-memory`,
      pushConfig: { pushEndpoint: `http://127.0.0.1:9001/memoryStep/projects/${projectId}/topics/agentline-step-memory` },
    });
  });
});

describe('ensureTopology for the emulator', () => {
  it('leaves retry policies off when asked, removing one a subscription already has', async () => {
    await ensureTopology(pubsub, topology, endpointOn(9001));
    await ensureTopology(pubsub, topology, endpointOn(9001), { retryPolicies: false });

    const tool = await subscriptionMetadata('agentline-step-tool-tool-step');
    expect(tool.retryPolicy ?? null).toBeNull();
    expect(tool.deadLetterPolicy?.maxDeliveryAttempts).toBe(20);
  });
});

describe('createPullSubscription', () => {
  it('observes what is published to run results afterwards, and reuses an existing subscription', async () => {
    await ensureTopology(pubsub, topology, endpointOn(9001));
    const subscription = await createPullSubscription(pubsub, topology.resultsTopic, 'observe-results');
    await expect(createPullSubscription(pubsub, topology.resultsTopic, 'observe-results')).resolves.toBeDefined();

    const received = new Promise<Message>((resolve) => subscription.once('message', resolve));
    await pubsub.topic(topology.resultsTopic).publishMessage({ json: { runId: 'r1', state: 'SUCCEEDED' }, attributes: { runId: 'r1' } });
    const message = await received;
    message.ack();
    await subscription.close();

    expect(JSON.parse(message.data.toString())).toEqual({ runId: 'r1', state: 'SUCCEEDED' });
    expect(message.attributes).toEqual({ runId: 'r1' });
  });
});
