import * as functions from '@google-cloud/functions-framework';
import type { CloudEvent } from '@google-cloud/functions-framework';
import { PubSub } from '@google-cloud/pubsub';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushedFunctionNames, topology } from '../../infra/topology.ts';
import type { Topology } from '../../infra/topology.ts';
import { ensureTopology } from '../adapters/pubsub/ensure-topology.ts';
import { deliveryFromCloudEvent } from '../adapters/functions-framework/delivery-from-cloud-event.ts';
import { startFunctionServer } from './function-server.ts';
import type { FunctionServer } from './function-server.ts';

interface PushedMessage {
  message: { data: string; attributes: Record<string, string> };
}
type PushEvent = CloudEvent<PushedMessage>;

// Every function of the topology records its deliveries by the message's `scenario` attribute and
// behaves as the scenario says: 'fail-once' throws on the first delivery, 'fail-always' always.
const deliveries = new Map<string, { functionName: string; event: PushEvent }[]>();
for (const functionName of pushedFunctionNames()) {
  functions.cloudEvent(functionName, (event: PushEvent) => {
    const scenario = event.data?.message.attributes.scenario ?? 'none';
    const seen = deliveries.get(scenario) ?? [];
    deliveries.set(scenario, [...seen, { functionName, event }]);
    if (functionName === 'deadLetter') return;
    if (scenario === 'fail-always' || (scenario === 'fail-once' && seen.length === 0)) throw new Error(`failing ${scenario}`);
  });
}

async function until<T>(read: () => T | undefined, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = read();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

const projectId = 'int-push-delivery';
// Dead-letter after the minimum 5 attempts. Measured: with any retry policy the emulator waits
// about 1 s, 2.8 s, 3 s, 3 s... between attempts (a 1 s maximum is not honoured), so this is ~10 s.
const fastTopology: Topology = structuredClone(topology);
for (const subscription of fastTopology.subscriptions) {
  subscription.retryPolicy = { minimumBackoffSeconds: 1, maximumBackoffSeconds: 1 };
  if (subscription.deadLetterPolicy) subscription.deadLetterPolicy.maxDeliveryAttempts = 5;
}

describe('push delivery from the Pub/Sub emulator to the function server', () => {
  const pubsub = new PubSub({ projectId });
  let server: FunctionServer;
  beforeAll(async () => {
    server = await startFunctionServer({ functionNames: pushedFunctionNames() });
    await ensureTopology(pubsub, fastTopology, (functionName, topic) => server.pushEndpoint(functionName, projectId, topic));
  });
  afterAll(async () => {
    await Promise.all([pubsub.close(), server.close()]);
  });

  const publish = (topic: string, data: unknown, scenario: string) =>
    pubsub.topic(topic).publishMessage({ json: data, attributes: { scenario, runId: 'run-1' } });

  it('hands a CloudEvent function the message as base64 JSON with its attributes and publish time', async () => {
    const before = Date.now();
    const messageId = await publish('agentline-step-plan', { runId: 'run-1', stepId: '0-plan-0' }, 'plain');

    const [delivery] = await until(() => deliveries.get('plain'));
    if (!delivery) throw new Error('unreachable: until() returned an empty list');
    expect(delivery.functionName).toBe('planStep');
    expect(delivery.event.id).toBe(messageId);
    expect(delivery.event.source).toContain(`projects/${projectId}/topics/agentline-step-plan`);
    const { data, attributes } = delivery.event.data!.message;
    expect(JSON.parse(Buffer.from(data, 'base64').toString('utf8'))).toEqual({ runId: 'run-1', stepId: '0-plan-0' });
    expect(attributes).toEqual({ scenario: 'plain', runId: 'run-1' });
    // A submission's token is checked at this time (the emulator stamps it, as Pub/Sub does).
    const publishTime = deliveryFromCloudEvent(delivery.event, 'fallback').publishTime;
    expect(publishTime).toBeGreaterThanOrEqual(before - 1_000);
    expect(publishTime).toBeLessThanOrEqual(Date.now());
  });

  it('redelivers a message whose handler threw, and not one whose handler returned', async () => {
    const failedOnce = await publish('agentline-step-tool', { n: 1 }, 'fail-once');
    const acked = await publish('agentline-step-tool', { n: 2 }, 'ok');

    const retried = await until(() => (deliveries.get('fail-once')?.length === 2 ? deliveries.get('fail-once') : undefined));
    expect(retried.map(({ event }) => event.id)).toEqual([failedOnce, failedOnce]);
    // By now the acknowledged message would have been redelivered too (same backoff) if it were not acked.
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(deliveries.get('ok')?.map(({ event }) => event.id)).toEqual([acked]);
    expect(deliveries.get('fail-once')).toHaveLength(2);
  });

  it('sends a message that keeps failing to the dead-letter function after maxDeliveryAttempts', async () => {
    const messageId = await publish('agentline-step-model', { n: 3 }, 'fail-always');

    const all = await until(() => {
      const seen = deliveries.get('fail-always');
      return seen?.some(({ functionName }) => functionName === 'deadLetter') ? seen : undefined;
    }, 30_000);
    const attempts = all.filter(({ functionName }) => functionName === 'modelStep');
    expect(attempts).toHaveLength(5);
    expect(attempts.every(({ event }) => event.id === messageId)).toBe(true);
    const deadLettered = all.at(-1)!.event.data!.message;
    expect(JSON.parse(Buffer.from(deadLettered.data, 'base64').toString('utf8'))).toEqual({ n: 3 });
    expect(deadLettered.attributes).toMatchObject({ scenario: 'fail-always', runId: 'run-1' });
  });
});
