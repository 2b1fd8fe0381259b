import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { topology } from '../infra/topology.ts';
import type { Delivery } from '../shared/engine/delivery.ts';
import type { DeliveryHandler } from '../shared/engine/settle-delivery.ts';
import type { Submission } from '../shared/domain/submission.ts';
import type { LocalStack } from '../shared/local-stack/start-local-stack.ts';
import type { Tool } from '../shared/tools/tool.ts';
import { createDeployedDeliveryPolicy } from '../shared/testing/deployed-delivery-policy.ts';
import { functionCallReply } from '../shared/testing/gemini-replies.ts';
import { startGeminiWireServer, type GeminiWireServer } from '../shared/testing/gemini-wire-server.ts';
import { pubsubBackoffSeconds } from '../shared/testing/pubsub-backoff.ts';
import { submitToStack } from '../shared/testing/submit-to-stack.ts';
import { subscriptionPoliciesFromTopology } from '../shared/testing/subscription-policies.ts';
import { geminiWireTestEnv, startTestStack } from '../shared/testing/test-stack.ts';
import { waitForTerminalRun } from '../shared/testing/wait-for-terminal-run.ts';

// The deployed policy itself (20 attempts, backoff 1–10 s, about two minutes in the cloud), with
// every backoff × 0.05 so the nineteen redeliveries take seconds.
const timeScale = 0.05;
const toolPolicy = subscriptionPoliciesFromTopology(topology)('toolStep')!;
const maxDeliveryAttempts = toolPolicy.deadLetter!.maxDeliveryAttempts;

// A tool with a bug: the engine hands an error it does not recognise to Pub/Sub to redeliver.
// (A transient tool error no longer reaches Pub/Sub: the engine retries it through the delay
// queue, then gives the model a tool error.)
const toolDeliveryTimes: number[] = [];
const brokenTool: Tool = {
  name: 'inventory_lookup',
  description: 'Looks up stock levels.',
  inputSchema: z.object({ sku: z.string() }),
  repeatable: true,
  execute: async () => {
    toolDeliveryTimes.push(Date.now());
    throw new TypeError("Cannot read properties of undefined (reading 'stock')");
  },
};

// What the dead-letter consumer was handed, seen inside the layer (every delivery, redeliveries too).
const deadLetterDeliveries: Delivery[] = [];
function recordingDeadLetters<Name extends string>(handlers: Record<Name, DeliveryHandler>): Record<Name, DeliveryHandler> {
  const all = handlers as Record<string, DeliveryHandler>;
  const consumer = all['deadLetter']!;
  return { ...handlers, deadLetter: (delivery: Delivery) => (deadLetterDeliveries.push(delivery), consumer(delivery)) };
}

let stack: LocalStack;
let gemini: GeminiWireServer;
const policy = createDeployedDeliveryPolicy({
  policies: topology,
  projectId: () => stack.projectId,
  timeScale,
  publishToDeadLetterTopic: async (data, attributes, topic) => {
    await stack.deps.pubsub.topic(topic).publishMessage({ data, attributes });
  },
});

beforeAll(async () => {
  gemini = await startGeminiWireServer();
  stack = await startTestStack('deployed-policy', {
    env: geminiWireTestEnv(gemini.url),
    decorate: (deps) => ({ ...deps, tools: [...deps.tools, brokenTool] }),
    wrapHandlers: (handlers) => policy.wrapHandlers(recordingDeadLetters(handlers)),
  });
});

afterAll(async () => {
  await policy.close();
  await stack?.stop();
  await gemini?.close();
});

describe('a poison message under the deployed delivery policy, on the emulators', () => {
  it('dead-letters a failing step after exactly the deployed attempts, with backoff between them, and its run fails', async () => {
    gemini.script([functionCallReply([{ name: 'inventory_lookup', args: { sku: 'A-1' } }])]);
    const submission: Submission = {
      schemaVersion: 1,
      agent: { configYaml: 'name: stock_agent\nmodel: gemini-2.5-flash\ninstruction: Look stock up.\ntools: [inventory_lookup]\n', fileName: 'stock.yaml' },
      input: 'How many A-1 are left?',
      idempotencyKey: `deployed-policy-${Date.now()}`,
    };
    const run = await waitForTerminalRun(stack.deps.store, await submitToStack(stack, submission), 45_000);

    expect(run).toMatchObject({ state: 'FAILED', error: { code: 'DEAD_LETTERED' } });
    expect(run.error?.message).toContain("last error: Cannot read properties of undefined (reading 'stock')");
    gemini.assertAllRepliesUsed();

    // Exactly the deployed attempts: the emulator never redelivered on its own.
    expect(toolDeliveryTimes).toHaveLength(maxDeliveryAttempts);
    const [deadLettered, ...more] = policy.deadLetteredMessages();
    expect(more).toEqual([]);
    expect(deadLettered).toMatchObject({ functionName: 'toolStep', topic: topology.deadLetterTopic, attempts: maxDeliveryAttempts });
    expect(policy.messages().filter((message) => message.attempts > 1)).toEqual([
      expect.objectContaining({ functionName: 'toolStep', messageId: deadLettered!.messageId, outcome: 'dead-lettered' }),
    ]);

    // The consumer got the step message through the real dead-letter topic, with Pub/Sub's attributes.
    expect(deadLetterDeliveries).toHaveLength(1);
    const received = deadLetterDeliveries[0]!;
    expect(received.data.toString()).toBe(deadLettered!.data.toString());
    expect(received.attributes).toMatchObject({
      ...deadLettered!.attributes,
      CloudPubSubDeadLetterSourceDeliveryCount: String(maxDeliveryAttempts),
      CloudPubSubDeadLetterSourceSubscription: 'agentline-step-tool-tool-step',
      CloudPubSubDeadLetterSourceSubscriptionProject: stack.projectId,
    });

    // Every gap is at least the scaled backoff's lower edge (jitter 0) for that many failures.
    const gaps = toolDeliveryTimes.slice(1).map((time, index) => time - toolDeliveryTimes[index]!);
    gaps.forEach((gap, index) => expect(gap).toBeGreaterThanOrEqual(pubsubBackoffSeconds(index + 1, toolPolicy, 0) * 1000 * timeScale - 2));
    console.info(`deployed policy: ${maxDeliveryAttempts} deliveries over ${toolDeliveryTimes.at(-1)! - toolDeliveryTimes[0]!} ms; ${JSON.stringify(policy.figures)}`);
  });
});
