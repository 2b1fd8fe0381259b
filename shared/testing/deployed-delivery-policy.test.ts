import { describe, expect, it } from 'vitest';
import { topology } from '../../infra/topology.ts';
import type { Delivery } from '../engine/delivery.ts';
import type { DeliveryHandler } from '../engine/settle-delivery.ts';
import { createDeployedDeliveryPolicy, type DeployedDeliveryPolicyOptions } from './deployed-delivery-policy.ts';
import type { SubscriptionPolicy } from './subscription-policies.ts';
import { createManualTimers, settlePromises, systemTimers } from './timers.ts';

const startTime = Date.parse('2026-12-04T10:00:00.000Z');
const toolPolicy = topology.subscriptions.find((subscription) => subscription.function === 'toolStep')!;
const maxDeliveryAttempts = toolPolicy.deadLetterPolicy!.maxDeliveryAttempts;

function deliveryOf(messageId: string, body = `{"message":"${messageId}"}`): Delivery {
  return { messageId, data: Buffer.from(body), attributes: { agentlineTopic: 'agentline-step-tool' }, source: 'agentline-step-tool' };
}

/** A handler that records what it was given and fails the first `failures` calls (all of them by default). */
function scriptedHandler(failures = Number.POSITIVE_INFINITY) {
  const received: Delivery[] = [];
  const handler: DeliveryHandler = async (delivery) => {
    received.push(delivery);
    if (received.length <= failures) throw new Error(`backend down (call ${received.length})`);
  };
  return { handler, received };
}

function setUp(overrides: Partial<DeployedDeliveryPolicyOptions> = {}) {
  const clock = createManualTimers(startTime);
  const published: { data: Buffer; attributes: Record<string, string>; topic: string }[] = [];
  const policy = createDeployedDeliveryPolicy({
    policies: topology,
    projectId: 'test-project',
    timers: clock.timers,
    random: () => 1,
    publishToDeadLetterTopic: async (data, attributes, topic) => void published.push({ data, attributes, topic }),
    ...overrides,
  });
  return { clock, published, policy };
}

describe('the deployed delivery policy', () => {
  it('delivers a message that always fails exactly maxDeliveryAttempts times, then dead-letters it once with Pub/Sub attributes', async () => {
    const { clock, published, policy } = setUp();
    const tool = scriptedHandler();
    const { toolStep } = policy.wrapHandlers({ toolStep: tool.handler });

    // The emulator's push is answered normally: the layer, not the emulator, redelivers.
    await expect(toolStep(deliveryOf('m-1'))).resolves.toBeUndefined();
    await clock.runAll();

    expect(tool.received).toHaveLength(maxDeliveryAttempts);
    for (const delivery of tool.received) expect(delivery).toEqual(deliveryOf('m-1'));
    expect(published).toEqual([
      {
        topic: 'agentline-dead-letter',
        data: Buffer.from('{"message":"m-1"}'),
        attributes: {
          agentlineTopic: 'agentline-step-tool',
          CloudPubSubDeadLetterSourceDeliveryCount: String(maxDeliveryAttempts),
          CloudPubSubDeadLetterSourceSubscription: 'agentline-step-tool-tool-step',
          CloudPubSubDeadLetterSourceSubscriptionProject: 'test-project',
          CloudPubSubDeadLetterSourceTopicPublishTime: '2026-12-04T10:00:00.000Z',
        },
      },
    ]);
    expect(policy.figures).toEqual({ deliveries: 20, redeliveriesScheduled: 19, deadLettered: 1, maxAttempts: 20, deadLetterPublishFailures: 0 });
    expect(policy.deadLetteredMessages()).toMatchObject([{ functionName: 'toolStep', messageId: 'm-1', attempts: 20 }]);
    expect(policy.messages()).toEqual([
      { functionName: 'toolStep', messageId: 'm-1', attempts: 20, outcome: 'dead-lettered', lastError: 'backend down (call 20)' },
    ]);
  });

  it('waits the exponential backoff between deliveries, growing from the minimum to the maximum', async () => {
    const { clock, policy } = setUp();
    const tool = scriptedHandler();
    await policy.wrapHandlers({ toolStep: tool.handler }).toolStep(deliveryOf('m-1'));
    await clock.runAll();

    // Upper edge of the jitter: 0.4 + 1.3^n seconds, capped at the policy's 10 s.
    expect(clock.delays).toHaveLength(maxDeliveryAttempts - 1);
    expect(clock.delays[0]).toBeCloseTo(1_700);
    expect(clock.delays[1]).toBeCloseTo(2_090);
    clock.delays.slice(1).forEach((delay, index) => expect(delay).toBeGreaterThanOrEqual(clock.delays[index]!));
    expect(clock.delays.at(-1)).toBe(10_000);
  });

  it('scales every backoff by the time scale', async () => {
    const { clock, policy } = setUp({ timeScale: 0.1 });
    await policy.wrapHandlers({ toolStep: scriptedHandler().handler }).toolStep(deliveryOf('m-1'));
    await clock.runAll();

    expect(clock.delays[0]).toBeCloseTo(170);
    expect(clock.delays.at(-1)).toBeCloseTo(1_000);
  });

  it('delivers a message that fails twice and then succeeds three times, and does not dead-letter it', async () => {
    const { clock, published, policy } = setUp();
    const tool = scriptedHandler(2);
    await policy.wrapHandlers({ toolStep: tool.handler }).toolStep(deliveryOf('m-1'));
    await clock.runAll();

    expect(tool.received).toHaveLength(3);
    expect(published).toEqual([]);
    expect(policy.messages()).toMatchObject([{ messageId: 'm-1', attempts: 3, outcome: 'acknowledged' }]);
    expect(policy.figures).toMatchObject({ deliveries: 3, redeliveriesScheduled: 2, deadLettered: 0, maxAttempts: 3 });
  });

  it('counts attempts per message id and per function, never shared between them', async () => {
    const lookup = (functionName: string): SubscriptionPolicy => ({
      subscription: `${functionName}-subscription`,
      minimumBackoffSeconds: 1,
      maximumBackoffSeconds: 10,
      deadLetter: { topic: 'dead', maxDeliveryAttempts: 5 },
    });
    const { clock, published, policy } = setUp({ policies: lookup });
    const plan = scriptedHandler();
    const tool = scriptedHandler();
    const handlers = policy.wrapHandlers({ planStep: plan.handler, toolStep: tool.handler });

    await handlers.toolStep(deliveryOf('m-1'));
    await clock.runNext();
    await clock.runNext();
    // Arrives while m-1 is on its third attempt: it starts at one.
    await handlers.toolStep(deliveryOf('m-2'));
    await handlers.planStep(deliveryOf('m-1'));
    await clock.runAll();

    expect(policy.attemptsOf('toolStep', 'm-1')).toBe(5);
    expect(policy.attemptsOf('toolStep', 'm-2')).toBe(5);
    expect(policy.attemptsOf('planStep', 'm-1')).toBe(5);
    expect(tool.received).toHaveLength(10);
    expect(plan.received).toHaveLength(5);
    expect(published.map((message) => `${message.attributes['CloudPubSubDeadLetterSourceSubscription']} ${message.data.toString()}`).sort()).toEqual([
      'planStep-subscription {"message":"m-1"}',
      'toolStep-subscription {"message":"m-1"}',
      'toolStep-subscription {"message":"m-2"}',
    ]);
  });

  it('acknowledges a success with no further delivery', async () => {
    const { clock, published, policy } = setUp();
    const tool = scriptedHandler(0);
    await policy.wrapHandlers({ toolStep: tool.handler }).toolStep(deliveryOf('m-1'));

    expect(clock.pendingCount()).toBe(0);
    expect(await clock.runAll()).toBe(0);
    expect(tool.received).toHaveLength(1);
    expect(published).toEqual([]);
    expect(policy.messages()).toEqual([{ functionName: 'toolStep', messageId: 'm-1', attempts: 1, outcome: 'acknowledged' }]);
    await expect(policy.idle()).resolves.toBeUndefined();
  });

  it('cancels pending redeliveries on close()', async () => {
    const { clock, published, policy } = setUp();
    const tool = scriptedHandler();
    await policy.wrapHandlers({ toolStep: tool.handler }).toolStep(deliveryOf('m-1'));
    expect(clock.pendingCount()).toBe(1);

    await policy.close();

    expect(clock.pendingCount()).toBe(0);
    expect(await clock.runAll()).toBe(0);
    expect(tool.received).toHaveLength(1);
    expect(published).toEqual([]);
    expect(policy.messages()).toMatchObject([{ messageId: 'm-1', outcome: 'redelivery cancelled' }]);
    await expect(policy.idle()).resolves.toBeUndefined();
  });

  it('lets failures through to the emulator once closed', async () => {
    const { policy } = setUp();
    const { toolStep } = policy.wrapHandlers({ toolStep: scriptedHandler().handler });
    await policy.close();
    await expect(toolStep(deliveryOf('m-1'))).rejects.toThrow('backend down');
  });

  it('redelivers forever on a subscription without a dead-letter policy (the dead-letter topic own)', async () => {
    const { clock, published, policy } = setUp();
    const consumer = scriptedHandler();
    await policy.wrapHandlers({ deadLetter: consumer.handler }).deadLetter(deliveryOf('dead-1'));
    for (let run = 0; run < 40; run++) await clock.runNext();

    expect(consumer.received).toHaveLength(41);
    expect(clock.pendingCount()).toBe(1);
    expect(published).toEqual([]);
    expect(clock.delays.at(-1)).toBe(10_000);
    await policy.close();
  });

  it('tries a failed dead-letter publish again after the maximum backoff', async () => {
    let publishes = 0;
    const { clock, policy } = setUp({
      publishToDeadLetterTopic: async () => {
        if (++publishes === 1) throw new Error('UNAVAILABLE');
      },
    });
    await policy.wrapHandlers({ toolStep: scriptedHandler().handler }).toolStep(deliveryOf('m-1'));
    await clock.runAll();

    expect(publishes).toBe(2);
    expect(policy.figures).toMatchObject({ deadLettered: 1, deadLetterPublishFailures: 1 });
    expect(clock.delays.at(-1)).toBe(10_000);
  });

  it('ignores the failure of a delivery that a newer delivery of the same message replaced', async () => {
    const { clock, policy } = setUp();
    const failures: ((error: Error) => void)[] = [];
    const handler: DeliveryHandler = () => new Promise((_, reject) => failures.push(reject));
    const { toolStep } = policy.wrapHandlers({ toolStep: handler });
    // The first push outlives its ack deadline and the emulator pushes the message again.
    const first = toolStep(deliveryOf('m-1'));
    const second = toolStep(deliveryOf('m-1'));
    await settlePromises();

    failures[0]!(new Error('timed out'));
    await first;
    expect(clock.pendingCount()).toBe(0);

    failures[1]!(new Error('still down'));
    await second;
    expect(policy.attemptsOf('toolStep', 'm-1')).toBe(2);
    expect(clock.pendingCount()).toBe(1);
    expect(policy.figures.redeliveriesScheduled).toBe(1);
    await policy.close();
  });

  it('returns the handlers of functions no subscription pushes to unchanged', () => {
    const { policy } = setUp();
    const handler: DeliveryHandler = async () => {};
    expect(policy.wrapHandlers({ notPushed: handler }).notPushed).toBe(handler);
  });

  it('resolves idle() once the last redelivery and dead-letter publish are done, in real time', async () => {
    const { published, policy } = setUp({ timers: systemTimers, timeScale: 0.001, random: Math.random });
    const tool = scriptedHandler();
    await policy.wrapHandlers({ toolStep: tool.handler }).toolStep(deliveryOf('m-1'));
    await policy.idle();

    expect(tool.received).toHaveLength(maxDeliveryAttempts);
    expect(published).toHaveLength(1);
  });

  it('refuses a time scale that is not a positive number', () => {
    expect(() => setUp({ timeScale: 0 })).toThrow(RangeError);
  });
});
